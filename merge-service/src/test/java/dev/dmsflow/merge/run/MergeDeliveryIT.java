package dev.dmsflow.merge.run;

import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.TopicProbe;
import static dev.dmsflow.merge.MergeFixture.JANUARY;
import static dev.dmsflow.merge.MergeFixture.staged;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.merge.MergeFixture;
import dev.dmsflow.merge.MergeServiceTest;
import dev.dmsflow.merge.kafka.KafkaMergeEvents;
import dev.dmsflow.support.run.OutcomeSink;
import dev.dmsflow.support.run.RunSkeletons;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;

/** At-least-once delivery through the real broker, with an exactly-once effect on the data. */
// its listener must be the only one consuming WindowStaged, so its context does not outlive the class
@MergeServiceTest
@DirtiesContext
class MergeDeliveryIT {

    /** Publishing the outcome of a "crash-" run fails once, as if the service died between commit and publish. */
    @TestConfiguration
    static class CrashBeforeFirstPublish {
        @Bean
        @Primary
        OutcomeSink crashingOnce(RunSkeletons skeletons, MeterRegistry meters) {
            KafkaMergeEvents kafka = new KafkaMergeEvents(skeletons.publisher(), meters);
            Set<String> crashed = ConcurrentHashMap.newKeySet();
            return outcome -> {
                String requestId = ((MergeCompleted) outcome).getHeader().getRequestId();
                if (requestId.startsWith("crash-") && crashed.add(requestId)) {
                    throw new IllegalStateException("simulated crash after the merge committed");
                }
                kafka.publish(outcome);
            };
        }
    }

    @Autowired
    KafkaTemplate<String, SpecificRecord> template;
    @Autowired
    JdbcTemplate jdbc;

    private MergeFixture db;
    private TopicProbe<SpecificRecord> topics;

    @BeforeEach
    void setUp() {
        db = new MergeFixture(jdbc);
        db.createOrders(true);
        db.order(db.production, 1, "10.00", "OPEN", "2026-01-01 00:00:00");
        db.order(db.staging, 1, "11.00", "NEWER", "2026-01-09 00:00:00");
        db.order(db.staging, 2, "22.00", "NEW", "2026-01-09 00:00:00");
        topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.MERGE_COMPLETED);
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void aRedeliveredRunIsNotMergedAgainAndRepublishesTheSameMergeCompleted() {
        WindowStaged event = staged("req-" + UUID.randomUUID(), TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders());
        String requestId = event.getHeader().getRequestId();
        template.send(Topics.WINDOW_STAGED, requestId, event);
        MergeCompleted first = topics.await(requestId, MergeCompleted.class, 1).get(0);
        // would change production if the run were merged a second time
        jdbc.update("UPDATE " + db.staging + ".orders SET status = 'CHANGED', updated_at = '2026-01-20'");

        template.send(Topics.WINDOW_STAGED, requestId, event);

        List<MergeCompleted> published = topics.await(requestId, MergeCompleted.class, 2);
        assertThat(published).containsExactly(first, first);
        assertThat(db.productionOrders()).containsExactly("1:11.00:NEWER:2026-01-09 00:00:00", "2:22.00:NEW:2026-01-09 00:00:00");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin.merge_logs WHERE request_id = ?", Long.class, requestId)).isOne();
    }

    @Test
    void aCrashBetweenCommitAndPublishIsHealedByRedeliveryWithoutASecondMerge() {
        WindowStaged event = staged("crash-" + UUID.randomUUID(), TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders());
        String requestId = event.getHeader().getRequestId();

        template.send(Topics.WINDOW_STAGED, requestId, event);

        MergeCompleted completed = topics.await(requestId, MergeCompleted.class, 1).get(0);
        assertThat(completed.getTables().get(0).getInserted()).isEqualTo(1L);
        assertThat(completed.getTables().get(0).getUpdated()).isEqualTo(1L);
        assertThat(topics.settle(requestId, MergeCompleted.class, Duration.ofSeconds(1))).containsExactly(completed);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin.merge_logs WHERE request_id = ?", Long.class, requestId)).isOne();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin.merge_summary WHERE request_id = ?", Long.class, requestId)).isOne();
    }

    @Test
    void aRetriedRunIsMergedAgainNotAnsweredWithTheFirstAttemptsOutcome() {
        WindowStaged first = staged("req-" + UUID.randomUUID(), TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders());
        String requestId = first.getHeader().getRequestId();
        template.send(Topics.WINDOW_STAGED, requestId, first);
        assertThat(topics.await(requestId, MergeCompleted.class, 1).get(0).getHeader().getAttempt()).isEqualTo(1);
        // the controller reloads the window and sends the run again, attempt 2
        jdbc.update("UPDATE " + db.staging + ".orders SET status = 'RELOADED', updated_at = '2026-01-20'");
        WindowStaged retried = WindowStaged.newBuilder(first)
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, first.getHeader().getOccurredAt(), "test", 2)).build();

        template.send(Topics.WINDOW_STAGED, requestId, retried);

        MergeCompleted second = topics.await(requestId, MergeCompleted.class, 2).get(1);
        assertThat(second.getHeader().getAttempt()).isEqualTo(2);
        assertThat(second.getTables().get(0).getUpdated()).isEqualTo(2L);
        assertThat(db.productionOrders()).containsExactly("1:11.00:RELOADED:2026-01-20 00:00:00", "2:22.00:RELOADED:2026-01-20 00:00:00");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin.merge_summary WHERE request_id = ?", Long.class, requestId)).isEqualTo(2L);
    }
}
