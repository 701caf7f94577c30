package dev.dmsflow.controller.engine.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.KeyBounds;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.controller.engine.EngineException;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.TableStatistics;
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
 * PostgreSQL source (Oracle-like upper-case names) → PostgreSQL staging on the embedded databases, driven by the
 * same documents the controller sends to AWS DMS.
 */
class LocalJdbcEngineIT {

    private static final DmsflowInfrastructure INFRA = DmsflowInfrastructure.shared();
    private static final JdbcTemplate SOURCE = new JdbcTemplate(INFRA.dataSource(Database.SOURCE));
    private static final JdbcTemplate STAGING = new JdbcTemplate(INFRA.dataSource(Database.DB1));
    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));
    private static final String COLUMNS = "(order_id bigint PRIMARY KEY, customer_name text, amount numeric(38,10), updated_at timestamp(6),"
            + " shipped_at timestamptz, payload bytea, note text, _dms_loaded_at timestamptz DEFAULT now())";

    private final LocalJdbcEngine engine = new LocalJdbcEngine(new LocalEngineProperties(
            new JdbcSource(INFRA.jdbcUrl(Database.SOURCE), DmsflowInfrastructure.USER, ""), 2), INFRA.dataSource(Database.DB1), 4);

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @BeforeAll
    static void source() {
        SOURCE.execute("DROP SCHEMA IF EXISTS \"LE\" CASCADE");
        SOURCE.execute("CREATE SCHEMA \"LE\"");
        for (String table : List.of("ORDERS", "ORDERS_B", "ORDERS_C")) {
            SOURCE.execute("CREATE TABLE \"LE\".\"" + table + "\" (\"ORDER_ID\" bigint PRIMARY KEY, \"CUSTOMER_NAME\" text, \"AMOUNT\" numeric(38,10),"
                    + " \"UPDATED_AT\" timestamp(6), \"SHIPPED_AT\" timestamptz, \"PAYLOAD\" bytea, \"NOTE\" text, \"SECRET\" text)");
        }
        SOURCE.update("INSERT INTO \"LE\".\"ORDERS\" VALUES"
                + " (1, 'before window', 1, '2025-12-31 23:59:59.999999', NULL, NULL, NULL, 's'),"
                + " (2, 'at from', 2, '2026-01-01 00:00:00', '2026-01-01 00:00:00+02', '\\x00ff10', 'tab\tnew\nline back\\slash', 's'),"
                + " (3, 'Zoë Łukasiewicz 日本語 🚀', 9999999999999999999999999999.9999999999, '2026-01-15 12:34:56.123456', '2026-01-15 12:00:00+00', '\\x', '', 's'),"
                + " (4, NULL, -9999999999999999999999999999.9999999999, '2026-01-31 23:59:59.999999', NULL, NULL, NULL, NULL),"
                + " (5, 'at to', 0.0000000001, '2026-02-01 00:00:00', NULL, NULL, NULL, 's'),"
                + " (6, 'no time', 6, NULL, NULL, NULL, NULL, 's')");
        SOURCE.update("INSERT INTO \"LE\".\"ORDERS_B\" SELECT g, 'b', g, '2026-01-10', NULL, NULL, NULL, NULL FROM generate_series(1, 1000) g");
        SOURCE.update("INSERT INTO \"LE\".\"ORDERS_C\" SELECT g, 'c', g, '2026-01-11', NULL, NULL, NULL, NULL FROM generate_series(1, 500) g");
        STAGING.execute("DROP SCHEMA IF EXISTS le_staging CASCADE");
        STAGING.execute("CREATE SCHEMA le_staging");
        for (String table : List.of("orders", "orders_b", "orders_c")) {
            STAGING.execute("CREATE TABLE le_staging." + table + " " + COLUMNS);
        }
    }

    private static TableRef table(String name, String sourceTable) {
        return TableRef.newBuilder().setName(name).setSourceSchema("LE").setSourceTable(sourceTable)
                .setStagingSchema("le_staging").setStagingTable(name).setTargetSchema("le_production").setTargetTable(name)
                .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
    }

    /** The controller's documents, plus a remove-column rule for SECRET (staging has no such column). */
    private static LoadTask task(String id, TimeWindow window, String prepMode, int subTasks, int commitRate, TableRef... tables) {
        String mappings = TaskDocuments.tableMappings(List.of(tables), window,
                Map.of("orders", 6, "orders_b", 6, "orders_c", 6, "narrow", 6, "Renamed", 6), true, Map.of());
        mappings = withRule(mappings, "{\"rule-type\":\"transformation\",\"rule-id\":\"99\",\"rule-name\":\"drop-secret\","
                + "\"rule-action\":\"remove-column\",\"rule-target\":\"column\",\"object-locator\":{\"schema-name\":\"LE\",\"table-name\":\"%\","
                + "\"column-name\":\"SECRET\"}}");
        String settings = TaskDocuments.taskSettings(new TaskSettingsProperties(prepMode, subTasks, commitRate, 600, true, false, 64, true, 32, true), "le_staging");
        return new LoadTask(id, LoadTask.FULL_LOAD, mappings, settings, Map.of());
    }

    private static String withRule(String mappings, String rule) {
        int end = mappings.lastIndexOf("]}");
        return mappings.substring(0, end) + "," + rule + "]}";
    }

    private TaskHandle run(LoadTask task) {
        TaskHandle handle = engine.create(task);
        assertThat(engine.describe(handle).phase()).isEqualTo(TaskPhase.READY);
        engine.start(handle);
        await().atMost(Duration.ofSeconds(60)).until(() -> engine.describe(handle).phase() != TaskPhase.RUNNING
                && engine.describe(handle).phase() != TaskPhase.READY);
        return handle;
    }

    @Test
    void loadsExactlyTheHalfOpenWindowWithEveryValueIntact() {
        TaskHandle handle = run(task("le-window", JANUARY, "TRUNCATE_BEFORE_LOAD", 1, 2, table("orders", "ORDERS")));

        assertThat(engine.describe(handle).phase()).isEqualTo(TaskPhase.FULL_LOAD_COMPLETE);
        assertThat(STAGING.queryForList("SELECT order_id || '|' || coalesce(customer_name, 'NULL') || '|' || amount || '|' || updated_at"
                + " || '|' || coalesce(shipped_at::text, 'NULL') || '|' || coalesce(encode(payload, 'hex'), 'NULL') || '|' || coalesce(note, 'NULL')"
                + " FROM le_staging.orders ORDER BY order_id", String.class)).containsExactly(
                "2|at from|2.0000000000|2026-01-01 00:00:00|2025-12-31 22:00:00+00|00ff10|tab\tnew\nline back\\slash",
                "3|Zoë Łukasiewicz 日本語 🚀|9999999999999999999999999999.9999999999|2026-01-15 12:34:56.123456|2026-01-15 12:00:00+00||",
                "4|NULL|-9999999999999999999999999999.9999999999|2026-01-31 23:59:59.999999|NULL|NULL|NULL");
        assertThat(engine.tableStatistics(handle)).containsExactly(new TableStatistics("LE", "ORDERS", 3, "Table completed",
                engine.tableStatistics(handle).get(0).fullLoadStartTime(), engine.tableStatistics(handle).get(0).fullLoadEndTime()));
    }

    /** Filter values are inlined into the source's COPY: a {@code ?} in a value or an identifier takes no other value's place. */
    @Test
    void filterValuesAndIdentifiersWithQuestionMarksAndQuotesSelectExactlyTheirRows() {
        SOURCE.execute("DROP TABLE IF EXISTS \"LE\".\"QMARK\"");
        SOURCE.execute("CREATE TABLE \"LE\".\"QMARK\" (\"ID\" bigint PRIMARY KEY, \"NOTE?\" text)");
        SOURCE.update("INSERT INTO \"LE\".\"QMARK\" VALUES (1, 'a?b'), (2, 'it''s ?'), (3, 'other'), (4, 'a?b'), (5, '?')");
        STAGING.execute("DROP TABLE IF EXISTS le_staging.qmark");
        STAGING.execute("CREATE TABLE le_staging.qmark (id bigint PRIMARY KEY, \"note?\" text)");
        // DMS: the conditions of one filter are ORed, the filters ANDed
        String mappings = """
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "select-qmark", "rule-action": "include",
                   "object-locator": {"schema-name": "LE", "table-name": "QMARK"},
                   "filters": [
                     {"filter-type": "source", "column-name": "NOTE?", "filter-conditions": [
                       {"filter-operator": "eq", "value": "a?b"}, {"filter-operator": "eq", "value": "it's ?"}]},
                     {"filter-type": "source", "column-name": "ID", "filter-conditions": [
                       {"filter-operator": "between", "start-value": "1", "end-value": "3"}]}]},
                  {"rule-type": "transformation", "rule-id": "2", "rule-name": "schema", "rule-action": "rename", "rule-target": "schema",
                   "object-locator": {"schema-name": "LE"}, "value": "le_staging"},
                  {"rule-type": "transformation", "rule-id": "3", "rule-name": "table", "rule-action": "rename", "rule-target": "table",
                   "object-locator": {"schema-name": "LE", "table-name": "QMARK"}, "value": "qmark"},
                  {"rule-type": "transformation", "rule-id": "4", "rule-name": "lower", "rule-action": "convert-lowercase", "rule-target": "column",
                   "object-locator": {"schema-name": "LE", "table-name": "QMARK", "column-name": "%"}}]}
                """;
        String settings = TaskDocuments.taskSettings(new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 1, 100, 600, true, false, 64, true, 32, true), "le_staging");

        TaskHandle handle = run(new LoadTask("le-qmark", LoadTask.FULL_LOAD, mappings, settings, Map.of()));

        assertThat(engine.describe(handle).phase()).as(engine.describe(handle).failureMessage()).isEqualTo(TaskPhase.FULL_LOAD_COMPLETE);
        assertThat(STAGING.queryForList("SELECT id || '|' || \"note?\" FROM le_staging.qmark ORDER BY id", String.class))
                .containsExactly("1|a?b", "2|it's ?");
    }

    /** A repair round's mappings: its keys as one IN list, its ranges ORed beside them, no window filter. */
    @Test
    void aRepairTaskLoadsExactlyItsKeysAndRanges() {
        SOURCE.execute("DROP TABLE IF EXISTS \"LE\".\"REPAIRED\"");
        SOURCE.execute("CREATE TABLE \"LE\".\"REPAIRED\" (\"ID\" bigint PRIMARY KEY, \"NOTE\" text)");
        SOURCE.update("INSERT INTO \"LE\".\"REPAIRED\" SELECT g, 'row ' || g FROM generate_series(1, 20) g");
        STAGING.execute("DROP TABLE IF EXISTS le_staging.repaired");
        STAGING.execute("CREATE TABLE le_staging.repaired (id bigint PRIMARY KEY, note text)");
        STAGING.update("INSERT INTO le_staging.repaired VALUES (99, 'an earlier load')");
        TableRef table = TableRef.newBuilder().setName("repaired").setSourceSchema("LE").setSourceTable("REPAIRED")
                .setStagingSchema("le_staging").setStagingTable("repaired").setTargetSchema("le_production")
                .setTargetTable("repaired").setKeyColumns(List.of("id")).setWindowColumn(null).build();
        String mappings = TaskDocuments.repairMappings(List.of(TableRepairScope.newBuilder().setTable(table)
                .setKeys(List.of("3", "7", "11")).setRanges(List.of(new KeyBounds("15", "17"), new KeyBounds(null, "2")))
                .setDeletes(false).setDroppedKeys(0L).build()), true, 1000);
        String settings = TaskDocuments.taskSettings(new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 1, 100, 600, true,
                false, 64, true, 32, true), "le_staging");

        TaskHandle handle = run(new LoadTask("le-repair", LoadTask.FULL_LOAD, mappings, settings, Map.of()));

        assertThat(engine.describe(handle).phase()).as(engine.describe(handle).failureMessage())
                .isEqualTo(TaskPhase.FULL_LOAD_COMPLETE);
        // a range's end is loaded too (DMS has no strict bound); the merge takes only the scope's keys
        assertThat(STAGING.queryForList("SELECT id FROM le_staging.repaired ORDER BY id", Long.class))
                .containsExactly(1L, 2L, 3L, 7L, 11L, 15L, 16L, 17L);
    }

    @Test
    void tablesLoadInParallelAndARetriedRunStartsClean() {
        TableRef[] tables = {table("orders_b", "ORDERS_B"), table("orders_c", "ORDERS_C")};
        run(task("le-parallel-1", JANUARY, "TRUNCATE_BEFORE_LOAD", 2, 100, tables));

        TaskHandle retried = run(task("le-parallel-2", JANUARY, "TRUNCATE_BEFORE_LOAD", 2, 100, tables));

        assertThat(engine.tableStatistics(retried)).extracting(s -> s.tableName() + "=" + s.fullLoadRows() + " " + s.tableState())
                .containsExactly("ORDERS_B=1000 Table completed", "ORDERS_C=500 Table completed");
        assertThat(STAGING.queryForObject("SELECT count(*) FROM le_staging.orders_b", Long.class)).isEqualTo(1000L);
        assertThat(STAGING.queryForObject("SELECT count(*) FROM le_staging.orders_c", Long.class)).isEqualTo(500L);
    }

    @Test
    void columnsAreRenamedAsTheRulesSay() {
        STAGING.execute("CREATE TABLE IF NOT EXISTS le_staging.\"Renamed\" (order_id bigint PRIMARY KEY, \"Customer\" text, amount numeric(38,10),"
                + " updated_at timestamp(6), shipped_at timestamptz, payload bytea, note text)");
        LoadTask base = task("le-rename", JANUARY, "TRUNCATE_BEFORE_LOAD", 1, 100, table("Renamed", "ORDERS"));
        // mixed case survives quoting: the table keeps its capital, the renamed column gets one
        String mappings = withRule(base.tableMappings(), "{\"rule-type\":\"transformation\",\"rule-id\":\"98\",\"rule-name\":\"rename-name\","
                + "\"rule-action\":\"rename\",\"rule-target\":\"column\",\"object-locator\":{\"schema-name\":\"LE\",\"table-name\":\"ORDERS\","
                + "\"column-name\":\"CUSTOMER_NAME\"},\"value\":\"Customer\"}");

        TaskHandle handle = run(new LoadTask("le-rename", LoadTask.FULL_LOAD, mappings, base.taskSettings(), Map.of()));

        assertThat(engine.describe(handle).phase()).as(engine.describe(handle).failureMessage()).isEqualTo(TaskPhase.FULL_LOAD_COMPLETE);
        assertThat(STAGING.queryForList("SELECT \"Customer\" FROM le_staging.\"Renamed\" WHERE order_id = 2", String.class)).containsExactly("at from");
    }

    @Test
    void aFailingTableFailsTheTaskNamingTableAndCause() {
        STAGING.execute("CREATE TABLE IF NOT EXISTS le_staging.narrow (order_id bigint)");
        LoadTask task = task("le-fail", JANUARY, "DO_NOTHING", 2, 100, table("narrow", "ORDERS"));

        TaskHandle handle = run(task);

        assertThat(engine.describe(handle).phase()).isEqualTo(TaskPhase.FAILED);
        assertThat(engine.describe(handle).failureMessage()).startsWith("table LE.ORDERS failed:").contains("customer_name");
        assertThat(engine.tableStatistics(handle).get(0).tableState()).isEqualTo("Table error");
    }

    @Test
    void whatTheEngineDoesNotDoIsRefusedNamingIt() {
        LoadTask valid = task("le-refused", JANUARY, "TRUNCATE_BEFORE_LOAD", 1, 100, table("orders", "ORDERS"));
        String addColumn = withRule(valid.tableMappings(), "{\"rule-type\":\"transformation\",\"rule-id\":\"7\",\"rule-name\":\"add-x\","
                + "\"rule-action\":\"add-column\",\"rule-target\":\"column\",\"object-locator\":{\"schema-name\":\"LE\",\"table-name\":\"ORDERS\"}}");

        assertThatThrownBy(() -> engine.create(new LoadTask("le-r1", LoadTask.FULL_LOAD, addColumn, valid.taskSettings(), Map.of())))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("rule add-x: transformation rule-action 'add-column' is not supported by the local engine");
        assertThatThrownBy(() -> engine.create(new LoadTask("le-r2", LoadTask.FULL_LOAD, valid.tableMappings(),
                valid.taskSettings().replace("TRUNCATE_BEFORE_LOAD", "DROP_AND_CREATE"), Map.of())))
                .hasMessageContaining("TargetTablePrepMode DROP_AND_CREATE: schema-service owns the DDL of staging tables");
        assertThatThrownBy(() -> engine.create(new LoadTask("le-r3", LoadTask.FULL_LOAD_AND_CDC, valid.tableMappings(), valid.taskSettings(), Map.of())))
                .hasMessageContaining("the local engine does full loads only (no CDC)");
        assertThatThrownBy(() -> engine.create(new LoadTask("le-r4", LoadTask.FULL_LOAD, valid.tableMappings(),
                "{\"ChangeProcessingTuning\":{\"BatchApplyEnabled\":true}}", Map.of())))
                .hasMessageContaining("setting ChangeProcessingTuning is not supported by the local engine");
    }
}
