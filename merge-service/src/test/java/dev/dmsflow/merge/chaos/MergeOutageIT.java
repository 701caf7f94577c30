package dev.dmsflow.merge.chaos;

import static dev.dmsflow.merge.MergeFixture.JANUARY;
import static dev.dmsflow.merge.MergeFixture.staged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.TopicProbe;
import dev.dmsflow.merge.MergeFixture;
import dev.dmsflow.merge.MergeServiceApplication;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * PostgreSQL goes away while a WindowStaged arrives: merge-service keeps the record (no DLT record, no TaskFailed) and
 * merges it once the database is back. The database is a PostgreSQL server of the test's own, stopped and started
 * again on the same port and data directory.
 */
@Tag("chaos")
class MergeOutageIT {

    @TempDir
    Path data;

    private EmbeddedPostgres postgres;
    private ConfigurableApplicationContext merge;

    @AfterEach
    void stop() throws IOException {
        if (merge != null) {
            merge.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aRunArrivingDuringAnOutageIsMergedWhenTheDatabaseIsBack() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path dataDirectory = Files.createDirectory(data.resolve("pg"));
        postgres = postgres(port, dataDirectory);
        // arguments: they override merge-service.yml, as the environment does in a deployment
        merge = MergeServiceApplication.application().run(Map.of(
                "spring.kafka.bootstrap-servers", DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                "spring.datasource.url", "jdbc:postgresql://localhost:" + port + "/postgres",
                "spring.datasource.username", "postgres",
                "spring.datasource.password", "",
                // a group of its own, from the end: records of other tests are for the shared database, not this one
                "spring.kafka.consumer.group-id", "merge-outage-it-" + UUID.randomUUID(),
                "spring.kafka.consumer.auto-offset-reset", "latest",
                "spring.datasource.hikari.connection-timeout", "1000",
                "dmsflow.kafka.retry.initial-interval", "200ms",
                "dmsflow.kafka.retry.outage-max-interval", "1s",
                "server.port", "0").entrySet().stream().map(p -> "--" + p.getKey() + "=" + p.getValue()).toArray(String[]::new));
        await().atMost(Duration.ofSeconds(60)).until(() -> merge.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers().stream()
                .allMatch(container -> container.getAssignedPartitions() != null && !container.getAssignedPartitions().isEmpty()));
        MergeFixture db = new MergeFixture(new JdbcTemplate(postgres.getPostgresDatabase()));
        db.createOrders(true);
        db.order(db.production, 1, "10.00", "OPEN", "2026-01-01 00:00:00");
        db.order(db.staging, 1, "11.00", "NEWER", "2026-01-09 00:00:00");
        WindowStaged event = staged("outage-" + UUID.randomUUID(), TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders());
        String requestId = event.getHeader().getRequestId();
        try (TopicProbe<SpecificRecord> topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.MERGE_COMPLETED, Topics.ALERTS);
             KafkaConsumer<String, byte[]> deadLetters = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "merge-outage-dlt-" + UUID.randomUUID(),
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            deadLetters.subscribe(List.of(Topics.deadLetterTopic(Topics.WINDOW_STAGED)));

            postgres.close();
            merge.getBean(KafkaTemplate.class).send(Topics.WINDOW_STAGED, requestId, event).get();

            // several deliveries meet the outage meanwhile (a 1 s connection timeout, back-offs up to 1 s)
            assertThat(topics.settle(requestId, SpecificRecord.class, Duration.ofSeconds(8))).isEmpty();
            postgres = postgres(port, dataDirectory);

            MergeCompleted completed = topics.await(requestId, MergeCompleted.class, 1).get(0);
            assertThat(completed.getTables().get(0).getUpdated()).isEqualTo(1L);
            assertThat(topics.settle(requestId, MergeCompleted.class, Duration.ofSeconds(2))).containsExactly(completed);
            assertThat(topics.settle(requestId, TaskFailed.class, Duration.ofMillis(200))).isEmpty();
            assertThat(deadLetters.poll(Duration.ofSeconds(2))).noneMatch(record -> requestId.equals(record.key()));
        }
        assertThat(db.productionOrders()).containsExactly("1:11.00:NEWER:2026-01-09 00:00:00");
    }

    private static EmbeddedPostgres postgres(int port, Path dataDirectory) throws IOException {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60)).start();
    }
}
