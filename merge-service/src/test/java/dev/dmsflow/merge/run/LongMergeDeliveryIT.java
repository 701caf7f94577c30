package dev.dmsflow.merge.run;

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
import dev.dmsflow.infra.TopicProbe;
import dev.dmsflow.merge.MergeFixture;
import dev.dmsflow.merge.MergeServiceTest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A merge that takes longer than the consumer's poll interval would allow keeps its record: the poll interval is
 * {@code dmsflow.kafka.max-processing-time}, so the consumer is not evicted while it merges and the record is not
 * delivered again (which would publish a second MergeCompleted, or race the first merge on another instance).
 */
// its listener must be the only one consuming WindowStaged, so its context does not outlive the class
@MergeServiceTest
@DirtiesContext
@TestPropertySource(properties = {
        // stands in for Kafka's default of 5 minutes, which a long merge outlasts: the typed property replaces it
        "spring.kafka.consumer.properties.max.poll.interval.ms=3000",
        "dmsflow.kafka.max-processing-time=60s"})
class LongMergeDeliveryIT {

    @Autowired
    KafkaTemplate<String, SpecificRecord> template;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;

    @Test
    void aMergeOutlastingThePlainPollIntervalCompletesOnceWithoutRedelivery() throws Exception {
        MergeFixture db = new MergeFixture(jdbc);
        db.createOrders(true);
        db.order(db.production, 1, "10.00", "OPEN", "2026-01-01 00:00:00");
        db.order(db.staging, 1, "11.00", "NEWER", "2026-01-09 00:00:00");
        db.order(db.staging, 2, "22.00", "NEW", "2026-01-09 00:00:00");
        WindowStaged event = staged("long-" + UUID.randomUUID(), TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders());
        String requestId = event.getHeader().getRequestId();
        try (TopicProbe<SpecificRecord> topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.MERGE_COMPLETED, Topics.ALERTS)) {
            // a CDC transaction holds production's row: the merge's update waits for it
            try (Connection cdc = dataSource.getConnection(); Statement statement = cdc.createStatement()) {
                cdc.setAutoCommit(false);
                statement.execute("SELECT * FROM " + db.production + ".orders WHERE order_id = 1 FOR UPDATE");

                template.send(Topics.WINDOW_STAGED, requestId, event);

                await().atMost(Duration.ofSeconds(30)).until(this::mergeWaitsForALock);
                // well beyond the 3 s the plain Kafka property allows between polls
                await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(20)).until(this::mergeWaitsForALock);
                cdc.commit();
            }

            MergeCompleted completed = topics.await(requestId, MergeCompleted.class, 1).get(0);
            assertThat(completed.getTables().get(0).getUpdated()).isEqualTo(1L);
            assertThat(completed.getTables().get(0).getInserted()).isEqualTo(1L);
            // a consumer evicted meanwhile would get the record again after rejoining and publish the outcome again
            assertThat(topics.settle(requestId, MergeCompleted.class, Duration.ofSeconds(10))).containsExactly(completed);
            assertThat(topics.settle(requestId, TaskFailed.class, Duration.ofMillis(200))).isEmpty();
        }
        assertThat(db.productionOrders()).containsExactly("1:11.00:NEWER:2026-01-09 00:00:00", "2:22.00:NEW:2026-01-09 00:00:00");
    }

    private boolean mergeWaitsForALock() {
        return jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH updated%'",
                Long.class) > 0;
    }
}
