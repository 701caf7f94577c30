package dev.dmsflow.controller.run;

import static dev.dmsflow.controller.run.ControllerTestSupport.JANUARY;
import static dev.dmsflow.controller.run.ControllerTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EngineType;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.TopicProbe;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A full reload on the local JDBC engine: TaskRequested in, the window's rows in staging, FullLoadCompleted out. */
@SpringBootTest(useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
@DirtiesContext
class LocalEngineFlowIT {

    @DynamicPropertySource
    static void localEngine(DynamicPropertyRegistry registry) {
        ControllerTestSupport.properties("http://unused").forEach((key, value) -> registry.add(key, () -> value));
        registry.add("dmsflow.controller.engine", () -> "local-jdbc");
        registry.add("dmsflow.controller.local.source.url", () -> DmsflowInfrastructure.shared().jdbcUrl(Database.SOURCE));
        registry.add("dmsflow.controller.local.source.username", () -> DmsflowInfrastructure.USER);
        registry.add("dmsflow.controller.parallel-load.min-rows", () -> "500");
    }

    @Autowired
    KafkaTemplate<String, SpecificRecord> template;
    @Autowired
    JdbcTemplate jdbc;

    @AfterEach
    void tearDown() {
        ControllerTestSupport.finishAllRuns(jdbc);
        jdbc.execute("DROP SCHEMA IF EXISTS ctl_production CASCADE");
    }

    @Test
    void aWindowReloadRunsOnTheLocalEngineEndToEnd() {
        createSourceAndStaging();
        long expected = new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.SOURCE)).queryForObject(
                "SELECT count(*) FROM \"APP\".\"ORDERS\" WHERE \"UPDATED_AT\" >= '2026-01-01' AND \"UPDATED_AT\" < '2026-02-01'", Long.class);
        String requestId = "req-" + UUID.randomUUID();

        try (TopicProbe<SpecificRecord> topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.FULL_LOAD_COMPLETED)) {
            template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));

            FullLoadCompleted completed = topics.await(requestId, FullLoadCompleted.class, 1).get(0);
            assertThat(completed.getEngine()).isEqualTo(EngineType.LOCAL_JDBC);
            assertThat(completed.getDmsTaskArn()).isNull();
            assertThat(completed.getTables().get(0).getFullLoadRows()).isEqualTo(expected).isEqualTo(1281L);
            assertThat(completed.getTables().get(0).getTableState()).isEqualTo("Table completed");
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ctl_staging.orders", Long.class)).isEqualTo(1281L);
        assertThat(jdbc.queryForObject("SELECT max(updated_at)::text FROM ctl_staging.orders", String.class)).isEqualTo("2026-01-01 21:20:00");
    }

    /**
     * Production mirrors the source, and its January window (1,281 rows) is above min-rows (500 here): the task splits
     * the load into 3 key ranges, each its own COPY transaction on the local engine, and every row arrives once.
     */
    @Test
    void aLargeWindowLoadsInKeyRangeSegments() {
        createSourceAndStaging();
        jdbc.execute("CREATE SCHEMA ctl_production");
        jdbc.execute("CREATE TABLE ctl_production.orders (order_id bigint PRIMARY KEY, amount numeric(10,2), updated_at timestamp(6))");
        jdbc.update("INSERT INTO ctl_production.orders SELECT g, g, timestamp '2025-12-31 12:00' + g * interval '1 minute' FROM generate_series(1, 2000) g");
        jdbc.execute("ANALYZE ctl_production.orders");
        String requestId = "req-" + UUID.randomUUID();

        try (TopicProbe<SpecificRecord> topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.FULL_LOAD_COMPLETED)) {
            template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));

            FullLoadCompleted completed = topics.await(requestId, FullLoadCompleted.class, 1).get(0);
            assertThat(completed.getTables().get(0).getFullLoadRows()).isEqualTo(1281L);
        }
        assertThat(jdbc.queryForObject("SELECT count(*) || ' ' || sum(order_id) FROM ctl_staging.orders", String.class))
                .isEqualTo("1281 " + (720L + 2000) * 1281 / 2);
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT xmin::text) FROM ctl_staging.orders", Long.class)).isEqualTo(3);
    }

    @Test
    void aLoadWhoseControllerDiedIsRunAgainByTheNextOne() {
        createSourceAndStaging();
        // what a controller that died during a local load leaves behind: a RUNNING run whose task lived in its memory
        String requestId = "req-" + UUID.randomUUID();
        jdbc.update("INSERT INTO ctl_staging.orders (order_id, amount, updated_at) VALUES (999999, 1, '2026-01-05')");
        jdbc.update("""
                INSERT INTO dms_controller.runs (request_id, kind, requested_by, window_from, window_to, tables, staging_tables, status,
                    engine, migration_type, task_id, task_arn, attempt, started_at)
                VALUES (?, 'TIME_WINDOW_RELOAD', 'ops', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', ?::jsonb, ARRAY['ctl_staging.orders'],
                    'RUNNING', 'LOCAL_JDBC', 'full-load', 'dmsflow-gone', 'local:dmsflow-gone', 1, now())""", requestId,
                "[{\"name\":\"orders\",\"sourceSchema\":\"APP\",\"sourceTable\":\"ORDERS\",\"stagingSchema\":\"ctl_staging\","
                        + "\"stagingTable\":\"orders\",\"targetSchema\":\"ctl_production\",\"targetTable\":\"orders\","
                        + "\"keyColumns\":[\"order_id\"],\"windowColumn\":\"updated_at\",\"windowPrecision\":6}]");

        try (TopicProbe<SpecificRecord> topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.FULL_LOAD_COMPLETED)) {
            FullLoadCompleted completed = topics.await(requestId, FullLoadCompleted.class, 1).get(0);
            assertThat(completed.getTables().get(0).getFullLoadRows()).isEqualTo(1281L);
        }
        // the rerun started clean: what the lost task had loaded is gone
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ctl_staging.orders", Long.class)).isEqualTo(1281L);
        assertThat(jdbc.queryForObject("SELECT task_id FROM dms_controller.runs WHERE request_id = ?", String.class, requestId))
                .isEqualTo(LoadTasks.taskIdentifier(requestId));
    }

    private void createSourceAndStaging() {
        JdbcTemplate source = new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.SOURCE));
        source.execute("DROP SCHEMA IF EXISTS \"APP\" CASCADE");
        source.execute("CREATE SCHEMA \"APP\"");
        source.execute("CREATE TABLE \"APP\".\"ORDERS\" (\"ORDER_ID\" bigint PRIMARY KEY, \"AMOUNT\" numeric(10,2), \"UPDATED_AT\" timestamp(6))");
        source.update("INSERT INTO \"APP\".\"ORDERS\" SELECT g, g, timestamp '2025-12-31 12:00' + g * interval '1 minute' FROM generate_series(1, 2000) g");
        jdbc.execute("DROP SCHEMA IF EXISTS ctl_staging CASCADE");
        jdbc.execute("CREATE SCHEMA ctl_staging");
        jdbc.execute("CREATE TABLE ctl_staging.orders (order_id bigint PRIMARY KEY, amount numeric(10,2), updated_at timestamp(6),"
                + " _dms_loaded_at timestamptz DEFAULT now())");
    }
}
