package dev.dmsflow.controller.engine.local;

import dev.dmsflow.contracts.catalog.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns a task's table mappings into the copies of the tables they select: wildcards resolved against the source's
 * catalog, exclusions and column removals applied, transformations naming the staging tables and columns, and each
 * filter compiled into SQL around bound placeholders, typed for the column by the dialect. A table with a
 * {@code parallel-load} of type {@code ranges} becomes one copy per segment, each the table's filters ANDed with its
 * segment's range, written as DMS writes it.
 */
final class PlanCompiler {

    /** Values in one IN list: Oracle's limit (ORA-01795). */
    private static final int MAX_IN_LIST = 1000;

    private PlanCompiler() {
    }

    /** Every table the plan selects in the source, with its columns and filters resolved against the source's catalog. */
    static List<TableLoad> compile(TaskPlan plan, Connection source, SourceDialect dialect) throws SQLException {
        List<TableLoad> loads = new ArrayList<>();
        for (TaskPlan.Selection selection : plan.selections()) {
            if (!selection.include()) {
                continue;
            }
            TaskPlan.Locator locator = selection.locator();
            List<SourceDialect.SourceTable> tables = dialect.tables(source, Objects.requireNonNullElse(locator.schema(), "%"),
                    Objects.requireNonNullElse(locator.table(), "%"));
            if (tables.isEmpty()) {
                throw new IllegalArgumentException("the source has no table " + locator.schema() + "." + locator.table());
            }
            for (SourceDialect.SourceTable table : tables) {
                boolean excluded = plan.selections().stream().anyMatch(s -> !s.include() && s.locator().matches(table.schema(), table.name(), null));
                if (!excluded) {
                    loads.add(resolve(plan, selection, dialect, table));
                }
            }
        }
        for (TaskPlan.ParallelLoad parallelLoad : plan.parallelLoads()) {
            if (loads.stream().noneMatch(load -> load.schema().equals(parallelLoad.schema()) && load.table().equals(parallelLoad.table()))) {
                throw new IllegalArgumentException("parallel-load of " + parallelLoad.schema() + "." + parallelLoad.table()
                        + ", a table the selection rules do not include");
            }
        }
        return loads;
    }

    private static TableLoad resolve(TaskPlan plan, TaskPlan.Selection selection, SourceDialect dialect, SourceDialect.SourceTable source) {
        String schema = source.schema();
        String table = source.name();
        List<String> columns = List.copyOf(source.columnTypes().keySet());
        List<String> types = List.copyOf(source.columnTypes().values());
        List<String> sourceColumns = new ArrayList<>();
        List<String> targetColumns = new ArrayList<>();
        for (String column : columns) {
            if (!plan.removed(schema, table, column)) {
                sourceColumns.add(column);
                targetColumns.add(plan.transform("column", schema, table, column, column));
            }
        }
        List<String> conditions = new ArrayList<>();
        List<String> binds = new ArrayList<>();
        for (TaskPlan.Filter filter : selection.filters()) {
            int index = columns.indexOf(filter.column());
            if (index < 0) {
                throw new IllegalArgumentException("filter column " + filter.column() + " is not a column of " + schema + "." + table);
            }
            String column = Identifiers.escape(filter.column());
            String type = types.get(index);
            List<String> alternatives = new ArrayList<>();
            List<String> equalTo = new ArrayList<>();
            int firstBind = binds.size();
            for (TaskPlan.Condition condition : filter.conditions()) {
                List<String> values = condition.values();
                String typed = values.isEmpty() ? null : dialect.typed(type, values.get(0));
                if (condition.operator().equals("eq")) {
                    equalTo.add(dialect.typedEqual(type, values.get(0)));
                    continue;
                }
                alternatives.add(switch (condition.operator()) {
                    case "gte" -> column + " >= " + typed;
                    case "lte", "ste" -> column + " <= " + typed;
                    case "between" -> column + " BETWEEN " + typed + " AND " + dialect.typed(type, values.get(1));
                    case "noteq" -> column + " <> " + typed;
                    case "null" -> column + " IS NULL";
                    default -> column + " IS NOT NULL";
                });
                binds.addAll(condition.values());
            }
            if (!equalTo.isEmpty()) {
                // IN lists, not an OR per key: a repair's thousand keys are then one index probe each (ORed, the
                // source scanned the table and tested every key on every row); Oracle takes 1,000 values per list
                List<String> lists = new ArrayList<>();
                for (int from = 0; from < equalTo.size(); from += MAX_IN_LIST) {
                    lists.add(column + " IN (" + String.join(", ",
                            equalTo.subList(from, Math.min(from + MAX_IN_LIST, equalTo.size()))) + ")");
                }
                alternatives.addAll(0, lists);
                List<String> values = filter.conditions().stream().filter(c -> c.operator().equals("eq"))
                        .map(c -> c.values().get(0)).toList();
                binds.addAll(firstBind, values);
            }
            // DMS: the conditions of one filter are ORed, separate filters ANDed
            conditions.add("(" + String.join(" OR ", alternatives) + ")");
        }
        String targetSchema = plan.transform("schema", schema, table, null, schema);
        String targetTable = plan.transform("table", schema, table, null, table);
        List<TaskPlan.ParallelLoad> parallelLoads = plan.parallelLoads().stream()
                .filter(p -> p.schema().equals(schema) && p.table().equals(table)).toList();
        if (parallelLoads.size() > 1) {
            throw new IllegalArgumentException("more than one parallel-load for " + schema + "." + table);
        }
        if (parallelLoads.isEmpty()) {
            return new TableLoad(List.of(new TableCopy(schema, table, targetSchema, targetTable, sourceColumns, targetColumns,
                    conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), binds)));
        }
        List<TableCopy> segments = new ArrayList<>();
        for (Segment segment : segments(parallelLoads.get(0), columns, types, dialect)) {
            List<String> segmentConditions = new ArrayList<>(conditions);
            segmentConditions.add(segment.condition());
            List<String> segmentBinds = new ArrayList<>(binds);
            segmentBinds.addAll(segment.binds());
            segments.add(new TableCopy(schema, table, targetSchema, targetTable, sourceColumns, targetColumns,
                    " WHERE " + String.join(" AND ", segmentConditions), segmentBinds));
        }
        return new TableLoad(segments);
    }

    /** A segment's range as SQL and its placeholders' values, in order. */
    record Segment(String condition, List<String> binds) {
    }

    /**
     * The segments of a {@code ranges} parallel load, as DMS documents them: with {@code below(b)} the rows whose
     * columns are lexicographically below boundary {@code b} ({@code c1 < b1 OR (c1 = b1 AND c2 < b2) ...}), the first
     * segment is {@code below(b1)}, segment k is {@code NOT below(b(k-1)) AND below(bk)}, and the last is
     * {@code NOT below(bn)}. A row on a boundary belongs to the segment above it; a row with a NULL in a segment column
     * compares as unknown, so it is in no segment: DMS does not replicate such rows either.
     */
    static List<Segment> segments(TaskPlan.ParallelLoad parallelLoad, List<String> columns, List<String> types, SourceDialect dialect) {
        List<Segment> below = new ArrayList<>();
        for (List<String> boundary : parallelLoad.boundaries()) {
            List<String> alternatives = new ArrayList<>();
            List<String> binds = new ArrayList<>();
            for (int i = 0; i < parallelLoad.columns().size(); i++) {
                List<String> terms = new ArrayList<>();
                for (int j = 0; j <= i; j++) {
                    String column = parallelLoad.columns().get(j);
                    int index = columns.indexOf(column);
                    if (index < 0) {
                        throw new IllegalArgumentException("parallel-load column " + column + " is not a column of "
                                + parallelLoad.schema() + "." + parallelLoad.table());
                    }
                    terms.add(Identifiers.escape(column) + (j < i ? " = " : " < ") + dialect.typed(types.get(index), boundary.get(j)));
                    binds.add(boundary.get(j));
                }
                alternatives.add("(" + String.join(" AND ", terms) + ")");
            }
            below.add(new Segment("(" + String.join(" OR ", alternatives) + ")", binds));
        }
        List<Segment> segments = new ArrayList<>();
        for (int k = 0; k <= below.size(); k++) {
            List<String> parts = new ArrayList<>();
            List<String> binds = new ArrayList<>();
            if (k > 0) {
                parts.add("NOT " + below.get(k - 1).condition());
                binds.addAll(below.get(k - 1).binds());
            }
            if (k < below.size()) {
                parts.add(below.get(k).condition());
                binds.addAll(below.get(k).binds());
            }
            segments.add(new Segment("(" + String.join(" AND ", parts) + ")", binds));
        }
        return segments;
    }
}
