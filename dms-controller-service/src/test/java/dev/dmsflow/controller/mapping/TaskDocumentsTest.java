package dev.dmsflow.controller.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskDocumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    static TableRef table(String name, String sourceTable) {
        return TableRef.newBuilder().setName(name).setSourceSchema("APP").setSourceTable(sourceTable)
                .setStagingSchema("staging").setStagingTable(name).setTargetSchema("production").setTargetTable(name)
                .setKeyColumns(List.of("id")).setWindowColumn("updated_at").build();
    }

    @Test
    void tableMappingsSelectTheWindowPerTableAndRenameToStaging() throws Exception {
        String mappings = TaskDocuments.tableMappings(List.of(table("orders", "ORDERS"), table("customers", "CUSTOMERS")), JANUARY,
                Map.of("orders", 6, "customers", 0), true, Map.of());

        assertThat(JSON.readTree(mappings)).isEqualTo(JSON.readTree("""
                {"rules": [
                  {"rule-type": "selection", "rule-id": "1", "rule-name": "select-orders",
                   "object-locator": {"schema-name": "APP", "table-name": "ORDERS"}, "rule-action": "include",
                   "filters": [{"filter-type": "source", "column-name": "UPDATED_AT", "filter-conditions": [
                     {"filter-operator": "between", "start-value": "2026-01-01 00:00:00.000000", "end-value": "2026-01-31 23:59:59.999999"}]}]},
                  {"rule-type": "selection", "rule-id": "2", "rule-name": "select-customers",
                   "object-locator": {"schema-name": "APP", "table-name": "CUSTOMERS"}, "rule-action": "include",
                   "filters": [{"filter-type": "source", "column-name": "UPDATED_AT", "filter-conditions": [
                     {"filter-operator": "between", "start-value": "2026-01-01 00:00:00", "end-value": "2026-01-31 23:59:59"}]}]},
                  {"rule-type": "transformation", "rule-id": "3", "rule-name": "rename-schema-orders", "rule-action": "rename",
                   "rule-target": "schema", "object-locator": {"schema-name": "APP"}, "value": "staging"},
                  {"rule-type": "transformation", "rule-id": "4", "rule-name": "rename-table-orders", "rule-action": "rename",
                   "rule-target": "table", "object-locator": {"schema-name": "APP", "table-name": "ORDERS"}, "value": "orders"},
                  {"rule-type": "transformation", "rule-id": "5", "rule-name": "lowercase-columns-orders", "rule-action": "convert-lowercase",
                   "rule-target": "column", "object-locator": {"schema-name": "APP", "table-name": "ORDERS", "column-name": "%"}},
                  {"rule-type": "transformation", "rule-id": "6", "rule-name": "rename-table-customers", "rule-action": "rename",
                   "rule-target": "table", "object-locator": {"schema-name": "APP", "table-name": "CUSTOMERS"}, "value": "customers"},
                  {"rule-type": "transformation", "rule-id": "7", "rule-name": "lowercase-columns-customers", "rule-action": "convert-lowercase",
                   "rule-target": "column", "object-locator": {"schema-name": "APP", "table-name": "CUSTOMERS", "column-name": "%"}}
                ]}"""));
    }

    @Test
    void aTableWithKeyBoundariesGetsATableSettingsRuleThatSplitsItsLoadIntoRanges() throws Exception {
        TableRef orders = TableRef.newBuilder(table("orders", "ORDERS")).setKeyColumns(List.of("order_id", "line_no")).build();

        String mappings = TaskDocuments.tableMappings(List.of(orders, table("customers", "CUSTOMERS")), JANUARY,
                Map.of("orders", 6, "customers", 0), true, Map.of("orders", List.of("1000", "2000")));

        JsonNode rules = JSON.readTree(mappings).get("rules");
        // after every other rule: the selection and transformation rules keep the ids they have without segments
        assertThat(rules).hasSize(8);
        assertThat(rules.get(7)).isEqualTo(JSON.readTree("""
                {"rule-type": "table-settings", "rule-id": "8", "rule-name": "parallel-load-orders",
                 "object-locator": {"schema-name": "APP", "table-name": "ORDERS"},
                 "parallel-load": {"type": "ranges", "columns": ["ORDER_ID"], "boundaries": [["1000"], ["2000"]]}}"""));
    }

    @Test
    void theSegmentColumnIsTheLeadingKeyColumnInTheSourcesCase() throws Exception {
        JsonNode rules = JSON.readTree(TaskDocuments.tableMappings(List.of(table("orders", "ORDERS")), JANUARY, Map.of("orders", 6), false,
                Map.of("orders", List.of("m")))).get("rules");

        assertThat(rules.get(4).get("parallel-load")).isEqualTo(JSON.readTree("""
                {"type": "ranges", "columns": ["id"], "boundaries": [["m"]]}"""));
    }

    @Test
    void tablesWithoutBoundariesGetNoTableSettings() throws Exception {
        JsonNode rules = JSON.readTree(TaskDocuments.tableMappings(List.of(table("orders", "ORDERS")), JANUARY, Map.of("orders", 6), true,
                Map.of("orders", List.of()))).get("rules");

        assertThat(rules).extracting(rule -> rule.get("rule-type").asText()).doesNotContain("table-settings");
    }

    @Test
    void aFullLoadHasNoFilter() throws Exception {
        JsonNode rules = JSON.readTree(TaskDocuments.tableMappings(List.of(table("orders", "ORDERS")), null, Map.of("orders", 6), true, Map.of())).get("rules");

        assertThat(rules.get(0).has("filters")).isFalse();
        assertThat(rules).hasSize(4);
    }

    @Test
    void taskSettingsCarryTheConfiguredValues() throws Exception {
        TaskSettingsProperties settings = new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 4, 50000, 600, true, false, 64, true, 32, true);

        assertThat(JSON.readTree(TaskDocuments.taskSettings(settings, "staging"))).isEqualTo(JSON.readTree("""
                {"TargetMetadata": {"TargetSchema": "staging", "SupportLobs": true, "FullLobMode": false, "LobChunkSize": 64,
                                    "LimitedSizeLobMode": true, "LobMaxSize": 32},
                 "FullLoadSettings": {"TargetTablePrepMode": "TRUNCATE_BEFORE_LOAD", "CreatePkAfterFullLoad": false,
                                      "StopTaskCachedChangesApplied": false, "StopTaskCachedChangesNotApplied": false,
                                      "MaxFullLoadSubTasks": 4, "TransactionConsistencyTimeout": 600, "CommitRate": 50000},
                 "Logging": {"EnableLogging": true, "LogComponents": [
                   {"Id": "SOURCE_UNLOAD", "Severity": "LOGGER_SEVERITY_DEFAULT"},
                   {"Id": "TARGET_LOAD", "Severity": "LOGGER_SEVERITY_DEFAULT"},
                   {"Id": "TASK_MANAGER", "Severity": "LOGGER_SEVERITY_DEFAULT"}]}}"""));
    }
}
