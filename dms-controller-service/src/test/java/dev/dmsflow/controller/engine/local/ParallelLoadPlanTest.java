package dev.dmsflow.controller.engine.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.contracts.event.TableRef;
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
 * A table-settings {@code parallel-load} of type {@code ranges} as the local engine reads it: parsed from the
 * controller's own mappings, compiled into one copy per segment with DMS's segment conditions, and each segment's SQL
 * run (H2 in Oracle mode stands in for Oracle's SQL) to see that every row of the window is in exactly one segment.
 */
class ParallelLoadPlanTest {

    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));
    private static final String SETTINGS = TaskDocuments.taskSettings(
            new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 4, 100, 600, true, false, 64, true, 32, true), "staging");

    private static String mappings(List<String> boundaries) {
        TableRef orders = TableRef.newBuilder().setName("orders").setSourceSchema("APP").setSourceTable("ORDERS")
                .setStagingSchema("staging").setStagingTable("orders").setTargetSchema("production").setTargetTable("orders")
                .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
        return TaskDocuments.tableMappings(List.of(orders), JANUARY, Map.of("orders", 6), true, Map.of("orders", boundaries));
    }

    @Test
    void theControllersTableSettingsParseIntoAParallelLoad() {
        TaskPlan plan = TaskPlan.parse("full-load", mappings(List.of("1000", "2000")), SETTINGS);

        assertThat(plan.parallelLoads()).containsExactly(
                new TaskPlan.ParallelLoad("APP", "ORDERS", List.of("ORDER_ID"), List.of(List.of("1000"), List.of("2000"))));
    }

    @Test
    void segmentsAreBelowTheFirstBoundaryBetweenEachTwoAndFromTheLastUpAsDmsWritesThem() {
        TaskPlan.ParallelLoad load = new TaskPlan.ParallelLoad("APP", "ORDERS", List.of("ORDER_ID"), List.of(List.of("1000"), List.of("2000")));

        List<PlanCompiler.Segment> segments = PlanCompiler.segments(load, List.of("ORDER_ID", "NOTE"), List.of("int8", "text"),
                new SourceDialect.Postgres());

        assertThat(segments).containsExactly(
                new PlanCompiler.Segment("(((\"ORDER_ID\" < CAST(? AS numeric))))", List.of("1000")),
                new PlanCompiler.Segment("(NOT ((\"ORDER_ID\" < CAST(? AS numeric))) AND ((\"ORDER_ID\" < CAST(? AS numeric))))",
                        List.of("1000", "2000")),
                new PlanCompiler.Segment("(NOT ((\"ORDER_ID\" < CAST(? AS numeric))))", List.of("2000")));
    }

    /** The documentation's example: the first column is the most significant, the last compared strictly. */
    @Test
    void severalColumnsCompareLexicographically() {
        TaskPlan.ParallelLoad load = new TaskPlan.ParallelLoad("APP", "T", List.of("COL1", "COL2", "COL3"), List.of(List.of("10", "30", "105")));

        List<PlanCompiler.Segment> segments = PlanCompiler.segments(load, List.of("COL1", "COL2", "COL3"), List.of("NUMBER", "NUMBER", "NUMBER"),
                new SourceDialect.Oracle());

        assertThat(segments.get(0)).isEqualTo(new PlanCompiler.Segment("(((\"COL1\" < TO_NUMBER(?)) OR (\"COL1\" = TO_NUMBER(?) AND"
                + " \"COL2\" < TO_NUMBER(?)) OR (\"COL1\" = TO_NUMBER(?) AND \"COL2\" = TO_NUMBER(?) AND \"COL3\" < TO_NUMBER(?))))",
                List.of("10", "10", "30", "10", "30", "105")));
        assertThat(segments.get(1).condition()).startsWith("(NOT ((\"COL1\" < TO_NUMBER(?)) OR");
    }

    @Test
    void everyWindowRowIsInExactlyOneSegmentAndBoundaryRowsInTheOneAbove() throws Exception {
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:parallel-load;MODE=Oracle;DB_CLOSE_DELAY=-1");
             Statement statement = h2.createStatement()) {
            OracleStandIn.addDictionary(h2);
            statement.execute("CREATE SCHEMA APP");
            statement.execute("CREATE TABLE APP.ORDERS (ORDER_ID NUMBER(19) PRIMARY KEY, UPDATED_AT TIMESTAMP(6))");
            statement.execute("INSERT INTO APP.ORDERS VALUES (-9223372036854775808, TIMESTAMP '2026-01-02 00:00:00'),"
                    + " (999, TIMESTAMP '2026-01-02 00:00:00'), (1000, TIMESTAMP '2026-01-02 00:00:00'), (1001, TIMESTAMP '2026-01-02 00:00:00'),"
                    + " (1999, TIMESTAMP '2026-01-02 00:00:00'), (2000, TIMESTAMP '2026-01-02 00:00:00'),"
                    + " (9223372036854775807, TIMESTAMP '2026-01-02 00:00:00'), (1500, TIMESTAMP '2026-02-01 00:00:00')");

            List<TableLoad> loads = PlanCompiler.compile(TaskPlan.parse("full-load", mappings(List.of("1000", "2000")), SETTINGS), h2,
                    new SourceDialect.Oracle());

            assertThat(loads).hasSize(1);
            List<List<Long>> segments = new ArrayList<>();
            for (TableCopy segment : loads.get(0).segments()) {
                segments.add(keys(h2, segment));
            }
            // 1500 is outside the window: each segment keeps the window's filter
            assertThat(segments).containsExactly(List.of(Long.MIN_VALUE, 999L), List.of(1000L, 1001L, 1999L), List.of(2000L, Long.MAX_VALUE));
        }
    }

    /** DMS: "Records with null values aren't replicated"; a key column never is NULL, so the controller loses nothing. */
    @Test
    void aRowWithANullInTheSegmentColumnIsInNoSegmentAsInDms() throws Exception {
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:parallel-load-null;MODE=Oracle;DB_CLOSE_DELAY=-1");
             Statement statement = h2.createStatement()) {
            OracleStandIn.addDictionary(h2);
            statement.execute("CREATE SCHEMA APP");
            statement.execute("CREATE TABLE APP.ITEMS (ID NUMBER(19) PRIMARY KEY, GRP VARCHAR2(10))");
            statement.execute("INSERT INTO APP.ITEMS VALUES (1, 'a'), (2, 'm'), (3, NULL), (4, 'z'), (5, '')");
            String mappings = """
                    {"rules": [
                      {"rule-type": "selection", "rule-id": "1", "rule-name": "items", "rule-action": "include",
                       "object-locator": {"schema-name": "APP", "table-name": "ITEMS"}},
                      {"rule-type": "table-settings", "rule-id": "2", "rule-name": "split",
                       "object-locator": {"schema-name": "APP", "table-name": "ITEMS"},
                       "parallel-load": {"type": "ranges", "columns": ["GRP"], "boundaries": [["m"]]}}]}""";

            List<TableCopy> segments = PlanCompiler.compile(TaskPlan.parse("full-load", mappings, SETTINGS), h2, new SourceDialect.Oracle())
                    .get(0).segments();

            // H2's Oracle mode, like Oracle, reads '' as NULL
            assertThat(keys(h2, segments.get(0))).containsExactly(1L);
            assertThat(keys(h2, segments.get(1))).containsExactly(2L, 4L);
        }
    }

    @Test
    void whatTheEngineCannotSplitIsRefusedNamingTheRule() {
        String selection = "{\"rule-type\": \"selection\", \"rule-id\": \"1\", \"rule-name\": \"s\", \"rule-action\": \"include\","
                + " \"object-locator\": {\"schema-name\": \"APP\", \"table-name\": \"ORDERS\"}}";

        assertThatThrownBy(() -> TaskPlan.parse("full-load", "{\"rules\": [" + selection + ", {\"rule-type\": \"table-settings\", \"rule-id\": \"2\","
                + " \"rule-name\": \"auto\", \"object-locator\": {\"schema-name\": \"APP\", \"table-name\": \"ORDERS\"},"
                + " \"parallel-load\": {\"type\": \"partitions-auto\"}}]}", SETTINGS))
                .hasMessageContaining("rule auto: parallel-load type 'partitions-auto' is not supported by the local engine (only ranges)");
        assertThatThrownBy(() -> TaskPlan.parse("full-load", "{\"rules\": [" + selection + ", {\"rule-type\": \"table-settings\", \"rule-id\": \"2\","
                + " \"rule-name\": \"wild\", \"object-locator\": {\"schema-name\": \"APP\", \"table-name\": \"ORD%\"},"
                + " \"parallel-load\": {\"type\": \"ranges\", \"columns\": [\"ORDER_ID\"], \"boundaries\": [[\"1\"]]}}]}", SETTINGS))
                .hasMessageContaining("rule wild: table-settings name one table, without wildcards");
        assertThatThrownBy(() -> TaskPlan.parse("full-load", "{\"rules\": [" + selection + ", {\"rule-type\": \"table-settings\", \"rule-id\": \"2\","
                + " \"rule-name\": \"arity\", \"object-locator\": {\"schema-name\": \"APP\", \"table-name\": \"ORDERS\"},"
                + " \"parallel-load\": {\"type\": \"ranges\", \"columns\": [\"ORDER_ID\"], \"boundaries\": [[\"1\", \"2\"]]}}]}", SETTINGS))
                .hasMessageContaining("rule arity: parallel-load ranges need 1 to 10 columns and boundaries with one value per column");
        assertThatThrownBy(() -> TaskPlan.parse("full-load", "{\"rules\": [" + selection + ", {\"rule-type\": \"table-settings\", \"rule-id\": \"2\","
                + " \"rule-name\": \"lob\", \"object-locator\": {\"schema-name\": \"APP\", \"table-name\": \"ORDERS\"},"
                + " \"lob-settings\": {\"mode\": \"limited\"}}]}", SETTINGS))
                .hasMessageContaining("rule lob: table-settings lob-settings not supported by the local engine");
    }

    @Test
    void aParallelLoadOfATableNoSelectionIncludesIsRefused() throws Exception {
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:parallel-load-other;MODE=Oracle;DB_CLOSE_DELAY=-1");
             Statement statement = h2.createStatement()) {
            OracleStandIn.addDictionary(h2);
            statement.execute("CREATE SCHEMA APP");
            statement.execute("CREATE TABLE APP.ORDERS (ORDER_ID NUMBER(19) PRIMARY KEY, UPDATED_AT TIMESTAMP(6))");
            String mappings = mappings(List.of("1000")).replace("\"parallel-load-orders\",\"object-locator\":{\"schema-name\":\"APP\",\"table-name\":\"ORDERS\"}",
                    "\"parallel-load-orders\",\"object-locator\":{\"schema-name\":\"APP\",\"table-name\":\"orders\"}");

            assertThatThrownBy(() -> PlanCompiler.compile(TaskPlan.parse("full-load", mappings, SETTINGS), h2, new SourceDialect.Oracle()))
                    .hasMessage("parallel-load of APP.orders, a table the selection rules do not include");
        }
    }

    private static List<Long> keys(Connection h2, TableCopy copy) throws Exception {
        List<Long> keys = new ArrayList<>();
        try (PreparedStatement statement = h2.prepareStatement(copy.select() + " ORDER BY 1")) {
            for (int i = 0; i < copy.binds().size(); i++) {
                statement.setString(i + 1, copy.binds().get(i));
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getLong(1));
                }
            }
        }
        return keys;
    }
}
