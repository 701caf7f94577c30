package dev.dmsflow.controller.engine.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A DMS task's table-mappings and task-settings JSON as the local engine runs them. Everything the engine does not
 * do is refused up front, naming the rule or setting: it must never load something other than what DMS would.
 *
 * <p>Selection rules: include (with source filters) and exclude; {@code %} wildcards in names. Filter conditions:
 * {@code gte}, {@code lte}/{@code ste}, {@code between}, {@code eq}, {@code noteq}, {@code null}, {@code notnull};
 * conditions of one filter are ORed, filters are ANDed, as in DMS. Transformations: {@code rename} of schema, table or
 * column, {@code remove-column}, {@code convert-lowercase} of schema, table or column. Table settings: {@code parallel-load}
 * of type {@code ranges} (a table loaded as key-range segments, see {@link ParallelLoad}).
 */
record TaskPlan(List<Selection> selections, List<Transformation> transformations, List<ParallelLoad> parallelLoads, String prepMode,
                int maxSubTasks, int commitRate) {

    record Locator(String schema, String table, String column) {
        boolean matches(String schemaName, String tableName, String columnName) {
            return like(schema, schemaName) && like(table, tableName) && (column == null || columnName == null || like(column, columnName));
        }

        private static boolean like(String pattern, String value) {
            if (pattern == null || "%".equals(pattern)) {
                return true;
            }
            String regex = Pattern.quote(pattern).replace("%", "\\E.*\\Q").replace("_", "\\E.\\Q");
            return value != null && value.matches(regex);
        }
    }

    /** One condition: the DMS operator and its values (none for null/notnull, two for between). */
    record Condition(String operator, List<String> values) {
    }

    /** One filter on a column: its conditions are ORed. */
    record Filter(String column, List<Condition> conditions) {
    }

    record Selection(Locator locator, boolean include, List<Filter> filters) {
    }

    record Transformation(String action, String target, Locator locator, String value) {
    }

    /**
     * A table-settings rule's {@code parallel-load} of type {@code ranges}: the table (named exactly, DMS allows no
     * wildcards here) loads as one segment per boundary plus one above the last, each its own copy.
     *
     * @param boundaries the upper boundary of each segment but the last, one value per column, bottom segment first
     */
    record ParallelLoad(String schema, String table, List<String> columns, List<List<String>> boundaries) {
    }

    static final Set<String> OPERATORS = Set.of("gte", "lte", "ste", "between", "eq", "noteq", "null", "notnull");
    private static final Set<String> ACTIONS = Set.of("rename", "remove-column", "convert-lowercase");
    private static final Set<String> PREP_MODES = Set.of("DO_NOTHING", "TRUNCATE_BEFORE_LOAD");
    /** Settings that do not change what a full load into existing tables writes. */
    private static final Map<String, Set<String>> SETTINGS = Map.of(
            "TargetMetadata", Set.of("TargetSchema", "SupportLobs", "FullLobMode", "LobChunkSize", "LimitedSizeLobMode", "LobMaxSize"),
            "FullLoadSettings", Set.of("TargetTablePrepMode", "CreatePkAfterFullLoad", "StopTaskCachedChangesApplied",
                    "StopTaskCachedChangesNotApplied", "MaxFullLoadSubTasks", "TransactionConsistencyTimeout", "CommitRate"),
            "Logging", Set.of("EnableLogging", "LogComponents"));
    private static final ObjectMapper JSON = new ObjectMapper();

    static TaskPlan parse(String migrationType, String tableMappings, String taskSettings) {
        List<String> problems = new ArrayList<>();
        if (!"full-load".equals(migrationType)) {
            problems.add("migration type " + migrationType + ": the local engine does full loads only (no CDC)");
        }
        JsonNode mappings = read(tableMappings, "table mappings", problems);
        JsonNode settings = read(taskSettings, "task settings", problems);
        List<Selection> selections = new ArrayList<>();
        List<Transformation> transformations = new ArrayList<>();
        List<ParallelLoad> parallelLoads = new ArrayList<>();
        if (mappings != null) {
            for (JsonNode rule : mappings.path("rules")) {
                String type = rule.path("rule-type").asText();
                String name = "rule " + rule.path("rule-name").asText(rule.path("rule-id").asText());
                switch (type) {
                    case "selection" -> selection(rule, name, problems).ifPresent(selections::add);
                    case "transformation" -> transformation(rule, name, problems).ifPresent(transformations::add);
                    case "table-settings" -> parallelLoad(rule, name, problems).ifPresent(parallelLoads::add);
                    default -> problems.add(name + ": rule-type '" + type + "' is not supported by the local engine");
                }
            }
            if (selections.stream().noneMatch(Selection::include)) {
                problems.add("the table mappings include no table");
            }
        }
        String prepMode = "DO_NOTHING";
        int maxSubTasks = 8;
        int commitRate = 10000;
        if (settings != null) {
            for (Iterator<Map.Entry<String, JsonNode>> sections = settings.fields(); sections.hasNext(); ) {
                Map.Entry<String, JsonNode> section = sections.next();
                Set<String> known = SETTINGS.get(section.getKey());
                if (known == null) {
                    problems.add("setting " + section.getKey() + " is not supported by the local engine");
                    continue;
                }
                section.getValue().fieldNames().forEachRemaining(key -> {
                    if (!known.contains(key)) {
                        problems.add("setting " + section.getKey() + "." + key + " is not supported by the local engine");
                    }
                });
            }
            JsonNode fullLoad = settings.path("FullLoadSettings");
            prepMode = fullLoad.path("TargetTablePrepMode").asText(prepMode);
            if ("DROP_AND_CREATE".equals(prepMode)) {
                problems.add("TargetTablePrepMode DROP_AND_CREATE: schema-service owns the DDL of staging tables (their key,"
                        + " types and bookkeeping columns); use TRUNCATE_BEFORE_LOAD or DO_NOTHING");
            } else if (!PREP_MODES.contains(prepMode)) {
                problems.add("TargetTablePrepMode " + prepMode + " is not supported by the local engine");
            }
            if (fullLoad.path("CreatePkAfterFullLoad").asBoolean(false)) {
                problems.add("CreatePkAfterFullLoad true: the local engine loads into existing tables and creates no key");
            }
            maxSubTasks = fullLoad.path("MaxFullLoadSubTasks").asInt(maxSubTasks);
            commitRate = fullLoad.path("CommitRate").asInt(commitRate);
            if (maxSubTasks < 1 || commitRate < 1) {
                problems.add("MaxFullLoadSubTasks and CommitRate must be at least 1");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new TaskPlan(List.copyOf(selections), List.copyOf(transformations), List.copyOf(parallelLoads), prepMode, maxSubTasks, commitRate);
    }

    /** Only {@code parallel-load} of type {@code ranges}: partitions are an Oracle notion a PostgreSQL source lacks. */
    private static Optional<ParallelLoad> parallelLoad(JsonNode rule, String name, List<String> problems) {
        List<String> unknown = new ArrayList<>();
        rule.fieldNames().forEachRemaining(field -> {
            if (!Set.of("rule-type", "rule-id", "rule-name", "object-locator", "parallel-load").contains(field)) {
                unknown.add(field);
            }
        });
        if (!unknown.isEmpty()) {
            problems.add(name + ": table-settings " + String.join(", ", unknown) + " not supported by the local engine");
            return Optional.empty();
        }
        Locator locator = locator(rule);
        if (locator.schema() == null || locator.table() == null || locator.schema().contains("%") || locator.table().contains("%")) {
            problems.add(name + ": table-settings name one table, without wildcards");
            return Optional.empty();
        }
        JsonNode load = rule.path("parallel-load");
        String type = load.path("type").asText();
        if (!type.equals("ranges")) {
            problems.add(name + ": parallel-load type '" + type + "' is not supported by the local engine (only ranges)");
            return Optional.empty();
        }
        List<String> columns = new ArrayList<>();
        load.path("columns").forEach(column -> columns.add(column.asText()));
        List<List<String>> boundaries = new ArrayList<>();
        for (JsonNode boundary : load.path("boundaries")) {
            List<String> values = new ArrayList<>();
            boundary.forEach(value -> values.add(value.asText()));
            boundaries.add(List.copyOf(values));
        }
        if (columns.isEmpty() || columns.size() > 10 || boundaries.isEmpty()
                || boundaries.stream().anyMatch(b -> b.size() != columns.size())) {
            problems.add(name + ": parallel-load ranges need 1 to 10 columns and boundaries with one value per column");
            return Optional.empty();
        }
        return Optional.of(new ParallelLoad(locator.schema(), locator.table(), List.copyOf(columns), List.copyOf(boundaries)));
    }

    private static Optional<Selection> selection(JsonNode rule, String name, List<String> problems) {
        String action = rule.path("rule-action").asText();
        if (!action.equals("include") && !action.equals("exclude")) {
            problems.add(name + ": selection rule-action '" + action + "' is not supported by the local engine");
            return Optional.empty();
        }
        List<Filter> filters = new ArrayList<>();
        for (JsonNode filter : rule.path("filters")) {
            if (!"source".equals(filter.path("filter-type").asText())) {
                problems.add(name + ": filter-type '" + filter.path("filter-type").asText() + "' is not supported by the local engine");
                continue;
            }
            List<Condition> conditions = new ArrayList<>();
            for (JsonNode condition : filter.path("filter-conditions")) {
                String operator = condition.path("filter-operator").asText();
                if (!OPERATORS.contains(operator)) {
                    problems.add(name + ": filter-operator '" + operator + "' is not supported by the local engine");
                    continue;
                }
                List<String> values = switch (operator) {
                    case "null", "notnull" -> List.of();
                    case "between" -> List.of(condition.path("start-value").asText(), condition.path("end-value").asText());
                    default -> List.of(condition.path("value").asText());
                };
                conditions.add(new Condition(operator, values));
            }
            filters.add(new Filter(filter.path("column-name").asText(), conditions));
        }
        return Optional.of(new Selection(locator(rule), action.equals("include"), filters));
    }

    private static Optional<Transformation> transformation(JsonNode rule, String name, List<String> problems) {
        String action = rule.path("rule-action").asText();
        String target = rule.path("rule-target").asText();
        if (!ACTIONS.contains(action)) {
            problems.add(name + ": transformation rule-action '" + action + "' is not supported by the local engine");
            return Optional.empty();
        }
        if (!Set.of("schema", "table", "column").contains(target) || (action.equals("remove-column") && !target.equals("column"))) {
            problems.add(name + ": " + action + " of rule-target '" + target + "' is not supported by the local engine");
            return Optional.empty();
        }
        return Optional.of(new Transformation(action, target, locator(rule), rule.path("value").asText(null)));
    }

    private static Locator locator(JsonNode rule) {
        JsonNode locator = rule.path("object-locator");
        return new Locator(locator.path("schema-name").asText(null), locator.path("table-name").asText(null),
                locator.path("column-name").asText(null));
    }

    private static JsonNode read(String json, String what, List<String> problems) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            problems.add(what + " are not JSON: " + e.getMessage());
            return null;
        }
    }

    /** The name a transformation gives a schema, table or column (the last matching rule of each kind applies). */
    String transform(String target, String schema, String table, String column, String name) {
        String result = name;
        for (Transformation t : transformations) {
            if (!t.target().equals(target) || !t.locator().matches(schema, table, target.equals("column") ? column : null)) {
                continue;
            }
            if (t.action().equals("rename")) {
                result = t.value();
            } else if (t.action().equals("convert-lowercase")) {
                result = result.toLowerCase(Locale.ROOT);
            }
        }
        return result;
    }

    boolean removed(String schema, String table, String column) {
        return transformations.stream().anyMatch(t -> t.action().equals("remove-column") && t.locator().matches(schema, table, column));
    }
}
