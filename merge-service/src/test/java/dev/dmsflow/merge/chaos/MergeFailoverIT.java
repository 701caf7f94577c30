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
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.TopicProbe;
import dev.dmsflow.merge.MergeFixture;
import dev.dmsflow.merge.MergeServiceApplication;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Two merge-service instances on one broker and database; the one merging a run is shut down mid-merge. Its
 * transaction and run lock die with its sessions, nothing is recorded or published for the run, and the other
 * instance, handed the record (not committed), merges it: exactly one MergeCompleted and no TaskFailed.
 */
@Tag("chaos")
class MergeFailoverIT {

    private final JdbcTemplate jdbc = new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.DB1));
    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

    @AfterEach
    void stopInstances() {
        instances.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void whenTheMergingInstanceDiesTheOtherMergesTheRunOnce() throws Exception {
        MergeFixture db = new MergeFixture(jdbc);
        db.createOrders(true);
        db.order(db.production, 1, "10.00", "OPEN", "2026-01-01 00:00:00");
        db.order(db.staging, 1, "11.00", "NEWER", "2026-01-09 00:00:00");
        db.order(db.staging, 2, "22.00", "NEW", "2026-01-09 00:00:00");
        ConfigurableApplicationContext a = start("merge-a");
        ConfigurableApplicationContext b = start("merge-b");
        WindowStaged event = staged("failover-" + UUID.randomUUID(), TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders());
        String requestId = event.getHeader().getRequestId();
        try (TopicProbe<SpecificRecord> topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.MERGE_COMPLETED, Topics.ALERTS);
             Connection cdc = DmsflowInfrastructure.shared().dataSource(Database.DB1).getConnection();
             Statement statement = cdc.createStatement()) {
            // a CDC transaction holds production's row: the merge's update waits for it
            cdc.setAutoCommit(false);
            statement.execute("SELECT * FROM " + db.production + ".orders WHERE order_id = 1 FOR UPDATE");
            a.getBean(KafkaTemplate.class).send(Topics.WINDOW_STAGED, requestId, event);

            String merging = await().atMost(Duration.ofSeconds(60)).until(this::instanceWaitingForALock, name -> name != null);
            ConfigurableApplicationContext dying = merging.equals("merge-a") ? a : b;
            String survivor = merging.equals("merge-a") ? "merge-b" : "merge-a";
            // shut down while it merges: its pool is closed, the sockets of its sessions with it
            CompletableFuture<Void> closed = CompletableFuture.runAsync(dying::close);
            assertThat(closed).succeedsWithin(Duration.ofSeconds(90));
            // the survivor gets the record and waits: for the run's lock, which the dead instance's session holds until
            // PostgreSQL notices its client is gone (when the statement waiting for the CDC row returns)
            await().atMost(Duration.ofSeconds(60)).until(() -> waitsForALock(survivor));
            cdc.commit();

            MergeCompleted completed = topics.await(requestId, MergeCompleted.class, 1).get(0);
            assertThat(completed.getTables().get(0).getUpdated()).isEqualTo(1L);
            assertThat(completed.getTables().get(0).getInserted()).isEqualTo(1L);
            assertThat(topics.settle(requestId, MergeCompleted.class, Duration.ofSeconds(5))).containsExactly(completed);
            assertThat(topics.settle(requestId, TaskFailed.class, Duration.ofMillis(200))).isEmpty();
        }
        assertThat(db.productionOrders()).containsExactly("1:11.00:NEWER:2026-01-09 00:00:00", "2:22.00:NEW:2026-01-09 00:00:00");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin.merge_summary WHERE request_id = ?", Long.class, requestId)).isOne();
    }

    private ConfigurableApplicationContext start(String name) {
        Map<String, Object> properties = DmsflowInfrastructure.shared().serviceProperties();
        properties.put("server.port", "0");
        properties.put("dmsflow.catalog.location", "classpath:merge-test-catalog.yaml");
        // tells the instances' sessions apart in pg_stat_activity
        properties.put("spring.datasource.hikari.data-source-properties.ApplicationName", name);
        // arguments: they override merge-service.yml, as the environment does in a deployment
        ConfigurableApplicationContext context = MergeServiceApplication.application()
                .run(properties.entrySet().stream().map(p -> "--" + p.getKey() + "=" + p.getValue()).toArray(String[]::new));
        instances.add(context);
        return context;
    }

    private boolean waitsForALock(String instance) {
        return jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = ?",
                Long.class, instance) > 0;
    }

    /** The application name of the instance whose merge waits for a row lock, or null. */
    private String instanceWaitingForALock() {
        return jdbc.query("SELECT application_name FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH updated%'",
                rs -> rs.next() ? rs.getString(1) : null);
    }
}
