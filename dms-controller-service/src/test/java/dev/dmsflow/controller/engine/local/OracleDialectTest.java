package dev.dmsflow.controller.engine.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.controller.mapping.TaskDocuments;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Oracle dialect's SQL, checked where H2 in Oracle mode can parse it: the window filter of a DATE column (seconds)
 * and a TIMESTAMP(6) column selects exactly the half-open window. H2 is a dialect stand-in, not a source.
 */
class OracleDialectTest {

    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    @Test
    void windowFiltersOnDateAndTimestampColumnsSelectTheHalfOpenWindow() throws Exception {
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:oracle-dialect;MODE=Oracle;DB_CLOSE_DELAY=-1");
             Statement statement = h2.createStatement()) {
            OracleStandIn.addDictionary(h2);
            statement.execute("CREATE SCHEMA APP");
            statement.execute("CREATE TABLE APP.ORDERS (ORDER_ID NUMBER(19) PRIMARY KEY, CREATED DATE, UPDATED_AT TIMESTAMP(6), NOTE VARCHAR2(20))");
            statement.execute("INSERT INTO APP.ORDERS VALUES"
                    + " (1, TIMESTAMP '2025-12-31 23:59:59', TIMESTAMP '2025-12-31 23:59:59.999999', 'before'),"
                    + " (2, TIMESTAMP '2026-01-01 00:00:00', TIMESTAMP '2026-01-01 00:00:00', 'at from'),"
                    + " (3, TIMESTAMP '2026-01-31 23:59:59', TIMESTAMP '2026-01-31 23:59:59.999999', 'last step'),"
                    + " (4, TIMESTAMP '2026-02-01 00:00:00', TIMESTAMP '2026-02-01 00:00:00', 'at to')");

            assertThat(selected(h2, "created", 0)).containsExactly(2L, 3L);
            assertThat(selected(h2, "updated_at", 6)).containsExactly(2L, 3L);
        }
    }

    @Test
    void conditionsOfOneFilterAreOredAndFiltersAnded() {
        TaskPlan plan = TaskPlan.parse("full-load", """
                {"rules": [{"rule-type": "selection", "rule-id": "1", "rule-name": "1", "rule-action": "include",
                  "object-locator": {"schema-name": "APP", "table-name": "ORDERS"},
                  "filters": [
                    {"filter-type": "source", "column-name": "NOTE", "filter-conditions": [
                      {"filter-operator": "eq", "value": "a"}, {"filter-operator": "null"}]},
                    {"filter-type": "source", "column-name": "ORDER_ID", "filter-conditions": [
                      {"filter-operator": "gte", "value": "10"}]}]}]}""", "{}");

        TaskPlan.Filter first = plan.selections().get(0).filters().get(0);
        assertThat(first.conditions()).extracting(TaskPlan.Condition::operator).containsExactly("eq", "null");
        assertThat(plan.selections().get(0).filters()).hasSize(2);
    }

    /** A repair's keys past Oracle's 1,000 values per IN list (ORA-01795) go in several lists, ORed. */
    @Test
    void aRepairsKeysAreSelectedInListsOfAtMostAThousandValues() throws Exception {
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:oracle-in-lists;MODE=Oracle;DB_CLOSE_DELAY=-1");
             Statement statement = h2.createStatement()) {
            OracleStandIn.addDictionary(h2);
            statement.execute("CREATE SCHEMA APP");
            statement.execute("CREATE TABLE APP.ORDERS (ORDER_ID NUMBER(19) PRIMARY KEY, NOTE VARCHAR2(20))");
            statement.execute("INSERT INTO APP.ORDERS SELECT X, 'row' FROM SYSTEM_RANGE(1, 3000)");
            TableRef orders = TableRef.newBuilder().setName("orders").setSourceSchema("APP").setSourceTable("ORDERS")
                    .setStagingSchema("staging").setStagingTable("orders").setTargetSchema("production")
                    .setTargetTable("orders").setKeyColumns(List.of("order_id")).setWindowColumn(null).build();
            List<String> keys = java.util.stream.IntStream.rangeClosed(1, 1500).mapToObj(i -> String.valueOf(2 * i)).toList();
            String mappings = TaskDocuments.repairMappings(List.of(TableRepairScope.newBuilder().setTable(orders).setKeys(keys)
                    .setRanges(List.of()).setDeletes(false).setDroppedKeys(0L).build()), true, 2000);
            String settings = TaskDocuments.taskSettings(new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 1, 100, 600, true,
                    false, 64, true, 32, true), "staging");

            TableCopy copy = PlanCompiler.compile(TaskPlan.parse("full-load", mappings, settings), h2, new SourceDialect.Oracle())
                    .get(0).segments().get(0);

            assertThat(copy.select().split(" IN \\(", -1)).hasSize(3);
            assertThat(copy.binds()).isEqualTo(keys);
            assertThat(keysSelected(h2, copy)).hasSize(1500).allMatch(id -> id % 2 == 0);
        }
    }

    private static List<Long> selected(Connection h2, String windowColumn, int precision) throws Exception {
        TableRef orders = TableRef.newBuilder().setName("orders").setSourceSchema("APP").setSourceTable("ORDERS")
                .setStagingSchema("staging").setStagingTable("orders").setTargetSchema("production").setTargetTable("orders")
                .setKeyColumns(List.of("order_id")).setWindowColumn(windowColumn).build();
        String mappings = TaskDocuments.tableMappings(List.of(orders), JANUARY, Map.of("orders", precision), true, Map.of());
        String settings = TaskDocuments.taskSettings(new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 1, 100, 600, true, false, 64, true, 32, true), "staging");
        TableCopy copy = PlanCompiler.compile(TaskPlan.parse("full-load", mappings, settings), h2, new SourceDialect.Oracle())
                .get(0).segments().get(0);

        assertThat(copy.select()).contains("BETWEEN TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS");
        assertThat(copy.targetColumns()).containsExactly("order_id", "created", "updated_at", "note");
        return keysSelected(h2, copy);
    }

    /** The keys the copy's SELECT selects on the stand-in, its values bound, ascending. */
    private static List<Long> keysSelected(Connection h2, TableCopy copy) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement statement = h2.prepareStatement(copy.select() + " ORDER BY 1")) {
            for (int i = 0; i < copy.binds().size(); i++) {
                statement.setString(i + 1, copy.binds().get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }
}
