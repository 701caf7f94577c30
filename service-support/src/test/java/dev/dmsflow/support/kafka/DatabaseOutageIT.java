package dev.dmsflow.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.TopicProbe;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * While the database is unreachable a consumer waits with its record, however long: no DLT record, no TaskFailed, and
 * no eviction from its group although the waits outlast {@code max.poll.interval.ms} (the container is paused, not
 * its thread put to sleep).
 */
@Tag("chaos")
@SpringBootTest(classes = DatabaseOutageIT.App.class, properties = {
        "spring.application.name=database-outage-it",
        "dmsflow.kafka.retry.max-retries=1",
        // longer than the poll interval below: a sleeping consumer thread would be evicted
        "dmsflow.kafka.retry.initial-interval=3s",
        "dmsflow.kafka.max-processing-time=2s",
        "dmsflow.kafka.failure-stages[dmsflow.task-requested]=REQUEST"})
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
@DirtiesContext
class DatabaseOutageIT {

    @SpringBootApplication
    static class App {
        @Bean
        Listener listener() {
            return new Listener();
        }
    }

    /** The database is "down" for the first three deliveries of an outage- record. */
    static class Listener implements ConsumerSeekAware {
        final AtomicInteger deliveries = new AtomicInteger();
        final AtomicInteger assignments = new AtomicInteger();
        volatile TaskRequested handled;

        @KafkaListener(topics = Topics.TASK_REQUESTED)
        void on(TaskRequested request) {
            if (!request.getRequestedBy().startsWith("outage-")) {
                return;
            }
            if (deliveries.incrementAndGet() <= 3) {
                throw new IllegalStateException("could not handle the request", new SQLTransientConnectionException(
                        "HikariPool-1 - Connection is not available, request timed out after 30000ms"));
            }
            handled = request;
        }

        @Override
        public void onPartitionsAssigned(Map<TopicPartition, Long> assigned, ConsumerSeekCallback callback) {
            assignments.incrementAndGet();
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }
    }

    @Autowired
    Listener listener;
    @Autowired
    KafkaTemplate<String, SpecificRecord> template;

    @Test
    void aRecordMeetingAnOutageWaitsForTheDatabaseAndIsHandledWhenItIsBack() {
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.assignments.get() > 0);
        int assignedBefore = listener.assignments.get();
        String requestId = "outage-" + UUID.randomUUID();
        TaskRequested request = TaskRequested.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now().truncatedTo(ChronoUnit.MILLIS), "test", 1))
                .setKind(TaskKind.FULL_LOAD)
                .setTables(List.of(RequestedTable.newBuilder().setName("orders").build()))
                .setRequestedBy(requestId)
                .build();
        try (TopicProbe<SpecificRecord> alerts = new TopicProbe<>(new AvroEventDeserializer(), Topics.ALERTS);
             KafkaConsumer<String, byte[]> deadLetters = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "outage-dlt-" + UUID.randomUUID(),
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            deadLetters.subscribe(List.of(Topics.deadLetterTopic(Topics.TASK_REQUESTED)));

            template.send(Topics.TASK_REQUESTED, requestId, request);

            // three failures: back-offs of 3 s, 6 s and 12 s, each longer than the 2 s poll interval
            await().atMost(Duration.ofSeconds(60)).until(() -> listener.handled != null);
            assertThat(listener.handled).isEqualTo(request);
            assertThat(listener.deliveries).hasValue(4);
            assertThat(listener.assignments).as("partition assignments: none lost to an eviction").hasValue(assignedBefore);
            assertThat(alerts.settle(requestId, TaskFailed.class, Duration.ofMillis(500))).isEmpty();
            assertThat(deadLetters.poll(Duration.ofSeconds(2))).noneMatch(record -> requestId.equals(record.key()));
        }
    }
}
