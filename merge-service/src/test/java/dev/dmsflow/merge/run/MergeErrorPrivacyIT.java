package dev.dmsflow.merge.run;

import static dev.dmsflow.merge.MergeFixture.JANUARY;
import static dev.dmsflow.merge.MergeFixture.staged;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.TopicProbe;
import dev.dmsflow.merge.MergeFixture;
import dev.dmsflow.merge.MergeServiceTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A merge that fails on a row holding personal data: PostgreSQL's DETAIL ("Failing row contains (...)") would carry
 * the row's values into the TaskFailed reason, the audit row and the logs; none of them may hold it.
 */
@MergeServiceTest
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class MergeErrorPrivacyIT {

    private static final String PERSONAL = "JANE-DOE-4111-1111";

    @Autowired
    KafkaTemplate<String, SpecificRecord> template;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aNotNullViolationOnARowWithPersonalDataFailsTheRunWithoutTheRowsValues(CapturedOutput output) {
        MergeFixture db = new MergeFixture(jdbc);
        db.createOrders(true);
        jdbc.execute("ALTER TABLE " + db.production + ".orders ALTER COLUMN customer_id SET NOT NULL");
        jdbc.update("INSERT INTO " + db.staging + ".orders (order_id, customer_id, amount, status, order_date, updated_at)"
                + " VALUES (1, NULL, 4111.11, ?, '2026-01-01', '2026-01-09')", PERSONAL);
        WindowStaged event = staged("req-" + UUID.randomUUID(), TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders());
        String requestId = event.getHeader().getRequestId();

        try (TopicProbe<SpecificRecord> alerts = new TopicProbe<>(new AvroEventDeserializer(), Topics.ALERTS)) {
            template.send(Topics.WINDOW_STAGED, requestId, event);

            TaskFailed failed = alerts.await(requestId, TaskFailed.class, 1).get(0);
            assertThat(failed.getStage()).isEqualTo(FailureStage.MERGE);
            // what ops need is still there: the SQLSTATE and the server's message naming column and table
            assertThat(failed.getReason()).contains("23502", "customer_id").doesNotContain(PERSONAL, "4111.11", "Failing row");
        }
        assertThat(jdbc.queryForList("SELECT coalesce(notes, '') FROM admin.merge_summary WHERE request_id = ?", String.class, requestId))
                .isNotEmpty().allSatisfy(notes -> assertThat(notes).doesNotContain(PERSONAL));
        assertThat(deadLetters(Topics.deadLetterTopic(Topics.WINDOW_STAGED), requestId)).noneMatch(text -> text.contains(PERSONAL));
        assertThat(output.getAll()).contains(requestId).doesNotContain(PERSONAL);
    }

    /** Values and headers of the run's dead-lettered records, as text. */
    private static List<String> deadLetters(String topic, String requestId) {
        List<String> texts = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "privacy-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (requestId.equals(record.key())) {
                        texts.add(new String(record.value(), StandardCharsets.UTF_8));
                        for (Header header : record.headers()) {
                            texts.add(new String(header.value(), StandardCharsets.UTF_8));
                        }
                    }
                }
            }
        }
        return texts;
    }
}
