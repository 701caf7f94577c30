package dev.dmsflow.controller.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dmsflow.contracts.event.KeyBounds;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TimeWindow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The two JSON documents of a DMS task, as DMS documents them: table mappings (one selection rule per table, with a
 * source filter for the window, and rename rules from the source schema and table to the staging ones) and task
 * settings. The window is one {@code between} condition: conditions inside one DMS filter are ORed, so the seed's
 * {@code gte} and {@code lte} pair in one filter selects every row. Catalog column names are PostgreSQL's; the filter
 * names the source's column ({@code sourceUpperCase}: Oracle folds unquoted names to upper case), and a
 * convert-lowercase rule brings the source's column names to PostgreSQL's on the way in. A table with key boundaries
 * (see {@link KeyRanges}) gets a table-settings rule whose {@code parallel-load} of type {@code ranges} splits its load
 * into segments on its leading key column: below the first boundary, between each two, and from the last one up.
 */
public final class TaskDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskDocuments() {
    }

    /**
     * @param precisions    fractional-second digits of each table's window column, by catalog name
     * @param keyBoundaries by catalog name, the boundaries of the tables to load in segments: values of the leading
     *                      key column, ascending, each the first value of the segment above it
     */
    public static String tableMappings(List<TableRef> tables, TimeWindow window, Map<String, Integer> precisions, boolean sourceUpperCase,
                                       Map<String, List<String>> keyBoundaries) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode rules = root.putArray("rules");
        int id = 0;
        for (TableRef table : tables) {
            ObjectNode selection = rule(rules, ++id, "selection", "select-" + table.getName());
            locator(selection, table.getSourceSchema(), table.getSourceTable());
            selection.put("rule-action", "include");
            if (window != null) {
                if (table.getWindowColumn() == null) {
                    throw new IllegalArgumentException("table " + table.getName() + " has no window column");
                }
                WindowBounds bounds = WindowBounds.of(window.getFrom(), window.getTo(), precisions.get(table.getName()));
                ObjectNode filter = selection.putArray("filters").addObject();
                filter.put("filter-type", "source");
                filter.put("column-name", sourceUpperCase ? table.getWindowColumn().toUpperCase(Locale.ROOT) : table.getWindowColumn());
                ObjectNode condition = filter.putArray("filter-conditions").addObject();
                condition.put("filter-operator", "between");
                condition.put("start-value", bounds.start());
                condition.put("end-value", bounds.end());
            }
        }
        id = renames(rules, id, tables);
        for (TableRef table : tables) {
            List<String> boundaries = keyBoundaries.getOrDefault(table.getName(), List.of());
            if (boundaries.isEmpty()) {
                continue;
            }
            ObjectNode settings = rule(rules, ++id, "table-settings", "parallel-load-" + table.getName());
            locator(settings, table.getSourceSchema(), table.getSourceTable());
            ObjectNode parallelLoad = settings.putObject("parallel-load");
            parallelLoad.put("type", "ranges");
            String keyColumn = table.getKeyColumns().get(0);
            parallelLoad.putArray("columns").add(sourceUpperCase ? keyColumn.toUpperCase(Locale.ROOT) : keyColumn);
            ArrayNode ranges = parallelLoad.putArray("boundaries");
            boundaries.forEach(boundary -> ranges.addArray().add(boundary));
        }
        return root.toString();
    }

    /**
     * A repair round's table mappings: per table with work, one selection rule whose one source filter on the key
     * column selects the round's keys ({@code eq}, ORed as the conditions of one DMS filter are) and ranges
     * ({@code between}; a range open at one end {@code gte} or {@code ste}), and the same rename rules as a window's
     * load. No window filter: a repaired key is loaded wherever its row now lies. Past {@code maxKeyConditions} keys,
     * the keys (ascending) are loaded as that many {@code between} ranges of consecutive keys instead: the task loads
     * the rows between them too, and the merge takes only the round's keys from staging.
     */
    public static String repairMappings(List<TableRepairScope> scope, boolean sourceUpperCase, int maxKeyConditions) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode rules = root.putArray("rules");
        int id = 0;
        List<TableRef> tables = new ArrayList<>();
        for (TableRepairScope table : scope) {
            if (table.getKeys().isEmpty() && table.getRanges().isEmpty()) {
                continue;
            }
            TableRef ref = table.getTable();
            if (ref.getKeyColumns().size() != 1) {
                throw new IllegalArgumentException("table " + ref.getName() + " has a composite key: it is not repaired by key");
            }
            tables.add(ref);
            ObjectNode selection = rule(rules, ++id, "selection", "select-" + ref.getName());
            locator(selection, ref.getSourceSchema(), ref.getSourceTable());
            selection.put("rule-action", "include");
            ObjectNode filter = selection.putArray("filters").addObject();
            filter.put("filter-type", "source");
            String keyColumn = ref.getKeyColumns().get(0);
            filter.put("column-name", sourceUpperCase ? keyColumn.toUpperCase(Locale.ROOT) : keyColumn);
            ArrayNode conditions = filter.putArray("filter-conditions");
            List<String> keys = table.getKeys();
            if (keys.size() <= maxKeyConditions) {
                keys.forEach(key -> conditions.addObject().put("filter-operator", "eq").put("value", key));
            } else {
                int chunk = (keys.size() + maxKeyConditions - 1) / maxKeyConditions;
                for (int from = 0; from < keys.size(); from += chunk) {
                    between(conditions, keys.get(from), keys.get(Math.min(from + chunk, keys.size()) - 1));
                }
            }
            for (KeyBounds range : table.getRanges()) {
                if (range.getFrom() == null && range.getTo() == null) {
                    // the whole key space: a condition that holds for every row with a key
                    conditions.addObject().put("filter-operator", "notnull");
                } else if (range.getFrom() == null) {
                    conditions.addObject().put("filter-operator", "ste").put("value", range.getTo());
                } else if (range.getTo() == null) {
                    conditions.addObject().put("filter-operator", "gte").put("value", range.getFrom());
                } else {
                    // DMS has no strict upper bound: the range's (exclusive) end is loaded too, and left in staging
                    between(conditions, range.getFrom(), range.getTo());
                }
            }
        }
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("the repair round has no key or range to load");
        }
        renames(rules, id, tables);
        return root.toString();
    }

    private static void between(ArrayNode conditions, String from, String to) {
        conditions.addObject().put("filter-operator", "between").put("start-value", from).put("end-value", to);
    }

    /** Per table, the rename rules from the source's schema and table to the staging ones, and lower-case columns. */
    private static int renames(ArrayNode rules, int lastId, List<TableRef> tables) {
        int id = lastId;
        Set<String> renamedSchemas = new LinkedHashSet<>();
        for (TableRef table : tables) {
            if (renamedSchemas.add(table.getSourceSchema() + "\0" + table.getStagingSchema())) {
                ObjectNode schema = rule(rules, ++id, "transformation", "rename-schema-" + table.getName());
                schema.put("rule-action", "rename");
                schema.put("rule-target", "schema");
                schema.putObject("object-locator").put("schema-name", table.getSourceSchema());
                schema.put("value", table.getStagingSchema());
            }
            ObjectNode rename = rule(rules, ++id, "transformation", "rename-table-" + table.getName());
            rename.put("rule-action", "rename");
            rename.put("rule-target", "table");
            locator(rename, table.getSourceSchema(), table.getSourceTable());
            rename.put("value", table.getStagingTable());
            ObjectNode lowercase = rule(rules, ++id, "transformation", "lowercase-columns-" + table.getName());
            lowercase.put("rule-action", "convert-lowercase");
            lowercase.put("rule-target", "column");
            locator(lowercase, table.getSourceSchema(), table.getSourceTable()).put("column-name", "%");
        }
        return id;
    }

    public static String taskSettings(TaskSettingsProperties settings, String targetSchema) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode target = root.putObject("TargetMetadata");
        target.put("TargetSchema", targetSchema);
        target.put("SupportLobs", settings.supportLobs());
        target.put("FullLobMode", settings.fullLobMode());
        target.put("LobChunkSize", settings.lobChunkSize());
        target.put("LimitedSizeLobMode", settings.limitedSizeLobMode());
        target.put("LobMaxSize", settings.lobMaxSize());
        ObjectNode fullLoad = root.putObject("FullLoadSettings");
        fullLoad.put("TargetTablePrepMode", settings.targetTablePrepMode());
        fullLoad.put("CreatePkAfterFullLoad", false);
        fullLoad.put("StopTaskCachedChangesApplied", false);
        fullLoad.put("StopTaskCachedChangesNotApplied", false);
        fullLoad.put("MaxFullLoadSubTasks", settings.maxFullLoadSubTasks());
        fullLoad.put("TransactionConsistencyTimeout", settings.transactionConsistencyTimeout());
        fullLoad.put("CommitRate", settings.commitRate());
        ObjectNode logging = root.putObject("Logging");
        logging.put("EnableLogging", settings.enableLogging());
        ArrayNode components = logging.putArray("LogComponents");
        for (String component : List.of("SOURCE_UNLOAD", "TARGET_LOAD", "TASK_MANAGER")) {
            components.addObject().put("Id", component).put("Severity", "LOGGER_SEVERITY_DEFAULT");
        }
        return root.toString();
    }

    private static ObjectNode rule(ArrayNode rules, int id, String type, String name) {
        ObjectNode rule = rules.addObject();
        rule.put("rule-type", type);
        rule.put("rule-id", String.valueOf(id));
        rule.put("rule-name", name);
        return rule;
    }

    private static ObjectNode locator(ObjectNode rule, String schema, String table) {
        return rule.putObject("object-locator").put("schema-name", schema).put("table-name", table);
    }
}
