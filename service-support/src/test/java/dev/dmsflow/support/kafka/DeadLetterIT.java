package dev.dmsflow.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.ContextConfiguration;

/**
 * The shared Kafka wiring against a real broker: events decode, poison records land on the DLT with the reason, and
 * a record of a stage's topic given up on also ends its run with TaskFailed of that stage.
 */
@SpringBootTest(classes = DeadLetterIT.App.class, properties = {
        "spring.application.name=dead-letter-it",
        "dmsflow.kafka.retry.max-retries=1",
        "dmsflow.kafka.retry.initial-interval=10ms",
        // configured per service: here the test listener's topic is a stage's input
        "dmsflow.kafka.failure-stages[dmsflow.task-requested]=REQUEST"})
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
class DeadLetterIT {

    @SpringBootApplication
    static class App {
        @Bean
        Listener listener() {
            return new Listener();
        }
    }

    static class Listener {
        final BlockingQueue<TaskRequested> received = new LinkedBlockingQueue<>();

        @KafkaListener(topics = Topics.TASK_REQUESTED)
        void on(TaskRequested request) {
            if ("poison".equals(request.getRequestedBy())) {
                throw new IllegalStateException("cannot process request " + request.getHeader().getRequestId());
            }
            received.add(request);
        }
    }

    @Autowired
    Listener listener;
    @Autowired
    KafkaTemplate<String, SpecificRecord> template;

    private KafkaConsumer<String, byte[]> dltConsumer;
    private TopicProbe<SpecificRecord> alerts;

    @BeforeEach
    void subscribeToTheDeadLetterTopic() {
        dltConsumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        dltConsumer.subscribe(List.of(Topics.deadLetterTopic(Topics.TASK_REQUESTED)));
        alerts = new TopicProbe<>(new AvroEventDeserializer(), Topics.ALERTS);
    }

    @AfterEach
    void close() {
        dltConsumer.close();
        alerts.close();
    }

    @Test
    void decodesEventsPublishedWithTheSharedProducerSettings() {
        TaskRequested request = request("ops");

        template.send(Topics.TASK_REQUESTED, request.getHeader().getRequestId(), request);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listener.received).contains(request));
    }

    @Test
    void undecodableBytesGoToTheDeadLetterTopicAsTheyWereWithTheReason() {
        String key = "garbage-" + UUID.randomUUID();
        byte[] garbage = "{\"tables\":[\"orders\"]}".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.TASK_REQUESTED, key, garbage));
        }

        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(key);

        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(header(dead, KafkaSupportAutoConfiguration.REASON_HEADER)).contains("is not a dmsflow Avro event");
        assertThat(header(dead, "kafka_dlt-original-topic")).isEqualTo(Topics.TASK_REQUESTED);
    }

    @Test
    void aRecordThatKeepsFailingGoesToTheDeadLetterTopicAfterTheBoundedRetries() {
        TaskRequested poison = request("poison");

        template.send(Topics.TASK_REQUESTED, poison.getHeader().getRequestId(), poison);

        ConsumerRecord<String, byte[]> dead = awaitDeadLetter(poison.getHeader().getRequestId());
        assertThat(new AvroEventDeserializer().deserialize(dead.topic(), dead.value())).isEqualTo(poison);
        assertThat(header(dead, KafkaSupportAutoConfiguration.REASON_HEADER)).isEqualTo("cannot process request " + poison.getHeader().getRequestId());
        assertThat(listener.received).doesNotContain(poison);
    }

    @Test
    void aRecordGivenUpOnAlsoEndsItsRunWithTaskFailedOfItsTopicsStage() {
        TaskRequested poison = request("poison");
        String requestId = poison.getHeader().getRequestId();

        template.send(Topics.TASK_REQUESTED, requestId, poison);

        awaitDeadLetter(requestId);
        TaskFailed failed = alerts.await(requestId, TaskFailed.class, 1).get(0);
        assertThat(failed.getStage()).isEqualTo(FailureStage.REQUEST);
        assertThat(failed.getHeader().getRequestId()).isEqualTo(requestId);
        assertThat(failed.getHeader().getProducer()).isEqualTo("dead-letter-it");
        // one delivery and max-retries=1 retry; the class only: an exception's message may hold row data
        assertThat(failed.getReason()).isEqualTo("gave up after 2 attempt(s): java.lang.IllegalStateException");
        assertThat(failed.getErrorType()).isEqualTo("IllegalStateException");
        assertThat(failed.getRetryable()).isTrue();
        assertThat(failed.getTables()).containsExactly("orders");
        assertThat(alerts.settle(requestId, TaskFailed.class, Duration.ofMillis(500))).hasSize(1);
    }

    @Test
    void anUndecodableRecordOfAStagesTopicIsReportedAsTaskFailedUnderItsKey() {
        String key = "garbage-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.TASK_REQUESTED, key, "not avro".getBytes(StandardCharsets.UTF_8)));
        }

        awaitDeadLetter(key);
        TaskFailed failed = alerts.await(key, TaskFailed.class, 1).get(0);
        assertThat(failed.getHeader().getRequestId()).isEqualTo(key);
        assertThat(failed.getStage()).isEqualTo(FailureStage.REQUEST);
        assertThat(failed.getReason()).startsWith("gave up after 1 attempt(s): ").doesNotContain("not avro");
        assertThat(failed.getRetryable()).isFalse();
        assertThat(failed.getTables()).isEmpty();
    }

    private ConsumerRecord<String, byte[]> awaitDeadLetter(String key) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (ConsumerRecord<String, byte[]> record : dltConsumer.poll(Duration.ofMillis(200))) {
                if (key.equals(record.key())) {
                    return record;
                }
            }
            return null;
        }, record -> record != null);
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static TaskRequested request(String requestedBy) {
        String requestId = "req-" + UUID.randomUUID();
        return TaskRequested.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), "test", 1))
                .setKind(TaskKind.FULL_LOAD)
                .setTables(List.of(RequestedTable.newBuilder().setName("orders").build()))
                .setRequestedBy(requestedBy)
                .build();
    }
}
