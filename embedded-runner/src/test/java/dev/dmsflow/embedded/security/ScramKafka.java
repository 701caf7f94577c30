package dev.dmsflow.embedded.security;

import static org.awaitility.Awaitility.await;

import dev.dmsflow.infra.DmsflowInfrastructure;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * A broker whose client listener takes SASL logins only (SASL_PLAINTEXT; the KRaft controller's listener stays
 * PLAINTEXT), its SCRAM-SHA-512 users, and the client settings a dmsflow service is given for them. SCRAM users live
 * in the cluster's metadata and are created through a logged-in client (a KRaft controller refuses
 * AlterUserScramCredentials from an Admin on {@code bootstrap.controllers}), so the broker also takes one PLAIN login,
 * its own, which creates them; a real cluster gets its first SCRAM users with {@code kafka-storage format --add-scram}.
 */
final class ScramKafka {

    static final String MECHANISM = "SCRAM-SHA-512";
    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin-Secret-4720";

    private ScramKafka() {
    }

    /** Broker settings: SCRAM-SHA-512 for clients, PLAIN for the broker's own (inter-broker) and the admin's login. */
    static Map<String, String> brokerProperties() {
        String listener = "listener.name." + DmsflowInfrastructure.BROKER_LISTENER.toLowerCase(Locale.ROOT);
        return Map.of(
                "listener.security.protocol.map", DmsflowInfrastructure.BROKER_LISTENER + ":SASL_PLAINTEXT,"
                        + DmsflowInfrastructure.CONTROLLER_LISTENER + ":PLAINTEXT",
                "sasl.enabled.mechanisms", MECHANISM + ",PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                listener + ".plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN
                        + "\" password=\"" + ADMIN_PASSWORD + "\" user_" + ADMIN + "=\"" + ADMIN_PASSWORD + "\";",
                // SCRAM logins are checked against the users in the metadata; the module takes no options here
                listener + "." + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }

    /** Creates the SCRAM-SHA-512 user and waits until the broker takes its login. */
    static void createUser(DmsflowInfrastructure infrastructure, String user, String password) throws Exception {
        Map<String, Object> admin = new HashMap<>(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ADMIN + "\" password=\"" + ADMIN_PASSWORD + "\";"));
        try (Admin client = Admin.create(admin)) {
            client.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        // the broker learns of the user from the metadata log, a moment after the controller took it
        Map<String, Object> login = new HashMap<>(clientProperties(user, password));
        login.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.kafkaBootstrapServers());
        try (Admin client = Admin.create(login)) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> client.describeCluster().clusterId().get(5, TimeUnit.SECONDS) != null);
        }
    }

    /** What a client sets to log in: the three Kafka client properties a service takes as {@code spring.kafka.properties.*}. */
    static Map<String, Object> clientProperties(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", MECHANISM, "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";");
    }
}
