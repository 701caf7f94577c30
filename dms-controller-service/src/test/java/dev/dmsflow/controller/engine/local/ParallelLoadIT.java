package dev.dmsflow.controller.engine.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.TaskHandle;
import dev.dmsflow.controller.engine.TaskPhase;
import dev.dmsflow.controller.mapping.TaskDocuments;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.support.jdbc.JdbcSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A window loaded in key-range segments by the local engine, PostgreSQL source to PostgreSQL staging on the embedded
 * databases: every row of the window arrives exactly once (staging has no key here, so a row loaded twice would
 * show), rows on a boundary and at the ends of the key's range included, each segment its own COPY (a transaction of
 * its own on a staging connection of its own), and the staging table truncated once, before the segments.
 */
class ParallelLoadIT {

    private static final DmsflowInfrastructure INFRA = DmsflowInfrastructure.shared();
    private static final JdbcTemplate SOURCE = new JdbcTemplate(INFRA.dataSource(Database.SOURCE));
    private static final JdbcTemplate STAGING = new JdbcTemplate(INFRA.dataSource(Database.DB1));
    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));
    /** The window's rows as the source has them: count, sum and a hash of the keys in order. */
    private static final String WINDOW_KEYS = "SELECT count(*) || ' ' || sum(\"ORDER_ID\") || ' ' || md5(string_agg(\"ORDER_ID\"::text, ',' ORDER BY \"ORDER_ID\"))"
            + " FROM \"PL\".\"ORDERS\" WHERE \"UPDATED_AT\" >= '2026-01-01' AND \"UPDATED_AT\" < '2026-02-01'";
    private static final String STAGED_KEYS = "SELECT count(*) || ' ' || sum(order_id) || ' ' || md5(string_agg(order_id::text, ',' ORDER BY order_id))"
            + " FROM pl_staging.orders";

    private final LocalJdbcEngine engine = new LocalJdbcEngine(new LocalEngineProperties(
            new JdbcSource(INFRA.jdbcUrl(Database.SOURCE), DmsflowInfrastructure.USER, ""), 500), INFRA.dataSource(Database.DB1), 4);

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @BeforeAll
    static void tables() {
        SOURCE.execute("DROP SCHEMA IF EXISTS \"PL\" CASCADE");
        SOURCE.execute("CREATE SCHEMA \"PL\"");
        SOURCE.execute("CREATE TABLE \"PL\".\"ORDERS\" (\"ORDER_ID\" bigint PRIMARY KEY, \"NOTE\" text, \"UPDATED_AT\" timestamp(6))");
        // every seventh row is outside the window (9999 among them); the boundaries, their other neighbours and the
        // ends of bigint's range are in it
        SOURCE.update("INSERT INTO \"PL\".\"ORDERS\" SELECT g, 'row ' || g,"
                + " CASE WHEN g % 7 = 3 THEN timestamp '2026-02-01' ELSE timestamp '2026-01-01' + abs(g) * interval '1 second' END"
                + " FROM generate_series(-5000, 30000) g");
        SOURCE.update("INSERT INTO \"PL\".\"ORDERS\" VALUES (-9223372036854775808, 'min', '2026-01-01'), (9223372036854775807, 'max', '2026-01-31 23:59:59.999999')");
        STAGING.execute("DROP SCHEMA IF EXISTS pl_staging CASCADE");
        STAGING.execute("CREATE SCHEMA pl_staging");
        // no key, so a row loaded twice stays
        STAGING.execute("CREATE TABLE pl_staging.orders (order_id bigint, note text, updated_at timestamp(6))");
        STAGING.execute("CREATE TABLE pl_staging.truncations (at timestamptz)");
        STAGING.execute("CREATE FUNCTION pl_staging.count_truncation() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$BEGIN INSERT INTO pl_staging.truncations VALUES (clock_timestamp()); RETURN NULL; END$$");
        STAGING.execute("CREATE TRIGGER count_truncation AFTER TRUNCATE ON pl_staging.orders FOR EACH STATEMENT EXECUTE FUNCTION pl_staging.count_truncation()");
    }

    private static LoadTask task(String id, List<String> boundaries, int subTasks) {
        TableRef orders = TableRef.newBuilder().setName("orders").setSourceSchema("PL").setSourceTable("ORDERS")
                .setStagingSchema("pl_staging").setStagingTable("orders").setTargetSchema("pl_production").setTargetTable("orders")
                .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
        String mappings = TaskDocuments.tableMappings(List.of(orders), JANUARY, Map.of("orders", 6), true,
                boundaries.isEmpty() ? Map.of() : Map.of("orders", boundaries));
        String settings = TaskDocuments.taskSettings(new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", subTasks, 1_000_000, 600, true, false, 64,
                true, 32, true), "pl_staging");
        return new LoadTask(id, LoadTask.FULL_LOAD, mappings, settings, Map.of());
    }

    private TaskHandle run(LoadTask task) {
        STAGING.update("INSERT INTO pl_staging.orders (order_id, note) VALUES (42, 'left by the last load')");
        STAGING.update("DELETE FROM pl_staging.truncations");
        TaskHandle handle = engine.create(task);
        engine.start(handle);
        await().atMost(Duration.ofSeconds(60)).until(() -> engine.describe(handle).phase() != TaskPhase.RUNNING
                && engine.describe(handle).phase() != TaskPhase.READY);
        assertThat(engine.describe(handle).phase()).as(engine.describe(handle).failureMessage()).isEqualTo(TaskPhase.FULL_LOAD_COMPLETE);
        return handle;
    }

    @Test
    void aSegmentedWindowArrivesExactlyOnceEachSegmentInItsOwnCopySession() {
        String window = SOURCE.queryForObject(WINDOW_KEYS, String.class);

        TaskHandle handle = run(task("pl-segments", List.of("0", "10000", "20000"), 4));

        assertThat(STAGING.queryForObject(STAGED_KEYS, String.class)).isEqualTo(window);
        assertThat(engine.tableStatistics(handle)).singleElement().satisfies(statistics -> {
            assertThat(statistics.tableName()).isEqualTo("ORDERS");
            assertThat(statistics.tableState()).isEqualTo("Table completed");
            assertThat(statistics.fullLoadRows()).isEqualTo(Long.parseLong(window.split(" ")[0]));
        });
        // one transaction per segment (CommitRate is larger than the window: one COPY each, its rows' xmin), each
        // holding exactly its segment: a row on a boundary (0, 10000, 20000) opens the segment above it
        assertThat(STAGING.queryForList("SELECT min(order_id) || '..' || max(order_id) FROM pl_staging.orders GROUP BY xmin::text ORDER BY min(order_id)",
                String.class)).containsExactly("-9223372036854775808..-1", "0..9998", "10000..19999", "20000..9223372036854775807");
        assertThat(STAGING.queryForList("SELECT order_id FROM pl_staging.orders WHERE order_id IN (0, 10000, 20000) ORDER BY 1", Long.class))
                .containsExactly(0L, 10000L, 20000L);
        assertThat(STAGING.queryForObject("SELECT count(*) FROM pl_staging.truncations", Long.class)).isEqualTo(1);
    }

    @Test
    void segmentsBeyondMaxFullLoadSubTasksWaitTheirTurnAndStillArriveOnce() {
        String window = SOURCE.queryForObject(WINDOW_KEYS, String.class);

        run(task("pl-one-at-a-time", List.of("-1", "0", "1", "29999", "30000"), 1));

        assertThat(STAGING.queryForObject(STAGED_KEYS, String.class)).isEqualTo(window);
        assertThat(STAGING.queryForObject("SELECT count(DISTINCT xmin::text) FROM pl_staging.orders", Long.class)).isEqualTo(6);
        assertThat(STAGING.queryForObject("SELECT count(*) FROM pl_staging.truncations", Long.class)).isEqualTo(1);
    }

    @Test
    void withoutBoundariesTheTableLoadsInOneCopy() {
        String window = SOURCE.queryForObject(WINDOW_KEYS, String.class);

        run(task("pl-whole", List.of(), 4));

        assertThat(STAGING.queryForObject(STAGED_KEYS, String.class)).isEqualTo(window);
        assertThat(STAGING.queryForObject("SELECT count(DISTINCT xmin::text) FROM pl_staging.orders", Long.class)).isEqualTo(1);
    }
}
