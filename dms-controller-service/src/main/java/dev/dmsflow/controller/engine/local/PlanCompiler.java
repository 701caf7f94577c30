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
 * filter compiled into SQL around bound placeholders, typed for the column by the dialect.
 */
final class PlanCompiler {

    private PlanCompiler() {
    }

    /** Every table the plan selects in the source, with its columns and filters resolved against the source's catalog. */
    static List<TableCopy> compile(TaskPlan plan, Connection source, SourceDialect dialect) throws SQLException {
        List<TableCopy> copies = new ArrayList<>();
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
                    copies.add(resolve(plan, selection, dialect, table));
                }
            }
        }
        return copies;
    }

    private static TableCopy resolve(TaskPlan plan, TaskPlan.Selection selection, SourceDialect dialect, SourceDialect.SourceTable source) {
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
            for (TaskPlan.Condition condition : filter.conditions()) {
                List<String> values = condition.values();
                String typed = values.isEmpty() ? null : dialect.typed(type, values.get(0));
                alternatives.add(switch (condition.operator()) {
                    case "gte" -> column + " >= " + typed;
                    case "lte", "ste" -> column + " <= " + typed;
                    case "between" -> column + " BETWEEN " + typed + " AND " + dialect.typed(type, values.get(1));
                    case "eq" -> column + " = " + typed;
                    case "noteq" -> column + " <> " + typed;
                    case "null" -> column + " IS NULL";
                    default -> column + " IS NOT NULL";
                });
                binds.addAll(condition.values());
            }
            // DMS: the conditions of one filter are ORed, separate filters ANDed
            conditions.add("(" + String.join(" OR ", alternatives) + ")");
        }
        String targetSchema = plan.transform("schema", schema, table, null, schema);
        String targetTable = plan.transform("table", schema, table, null, table);
        return new TableCopy(schema, table, targetSchema, targetTable, sourceColumns, targetColumns,
                conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), binds);
    }
}
