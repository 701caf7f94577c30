package dev.dmsflow.support.kafka;

import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.JaasContext;

/**
 * How a service logs in to Kafka, from its client configuration ({@code spring.kafka.properties.*}): security protocol,
 * SASL mechanism and the user of {@code sasl.jaas.config}. Never holds the password: it is what a health check may show.
 */
record KafkaLogin(String securityProtocol, String mechanism, String user) {

    static KafkaLogin of(Map<String, Object> clientConfig) {
        String protocol = String.valueOf(clientConfig.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT"));
        String mechanism = String.valueOf(clientConfig.getOrDefault(SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM));
        return new KafkaLogin(protocol, mechanism, user(clientConfig.get(SaslConfigs.SASL_JAAS_CONFIG)));
    }

    /** The {@code username} option of the login module, null when there is none or it cannot be read. */
    private static String user(Object jaasConfig) {
        if (jaasConfig == null) {
            return null;
        }
        // a Password when the config went through Kafka's ConfigDef, a String from Spring's properties
        String text = jaasConfig instanceof Password password ? password.value() : jaasConfig.toString();
        try {
            // Kafka's own parser, as the client reads it
            List<AppConfigurationEntry> entries = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(text)))
                    .configurationEntries();
            Object user = entries.isEmpty() ? null : entries.get(0).getOptions().get("username");
            return user == null ? null : user.toString();
        } catch (IllegalArgumentException e) {
            // an unparsable login is Kafka's to report when the client starts; its text may hold the password
            return null;
        }
    }

    /** What the broker's refusal means, in words: which user, how, and where the credentials are set. */
    String refused(AuthenticationException refusal) {
        if (refusal instanceof SaslAuthenticationException) {
            return "authentication failed for SASL user " + (user == null ? "(none in sasl.jaas.config)" : "'" + user + "'")
                    + " (" + mechanism + " over " + securityProtocol + "): the broker refused the login; check the user and password in "
                    + "spring.kafka.properties.sasl.jaas.config (SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG). Broker: " + refusal.getMessage();
        }
        return "the broker refused the connection's authentication (" + securityProtocol + "): " + refusal.getMessage();
    }
}
