package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.support.sql.CatalogReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@link TableShape}s from the database catalog. Names come from events, so each is checked to be a plain
 * identifier and to exist before any SQL uses it; what is wrong is said in a {@link MergeRejectedException}.
 */
public final class TableShapes {

    private record Column(String name, String type, boolean generated, boolean identityAlways) {
    }

    public TableShape resolve(Connection connection, QualifiedName source, QualifiedName target,
                              List<String> keyColumns, Optional<String> windowColumn) throws SQLException {
        for (String name : List.of(source.schema(), source.table(), target.schema(), target.table())) {
            requirePlain(name, "table name");
        }
        keyColumns.forEach(k -> requirePlain(k, "key column"));
        windowColumn.ifPresent(w -> requirePlain(w, "window column"));
        if (keyColumns.isEmpty()) {
            throw new MergeRejectedException("no key columns for " + target);
        }
        Map<String, Column> sourceColumns = columns(connection, source);
        Map<String, Column> targetColumns = columns(connection, target);
        if (sourceColumns.isEmpty()) {
            throw new MergeRejectedException("source " + source + " does not exist (or has no columns)");
        }
        if (targetColumns.isEmpty()) {
            throw new MergeRejectedException("target " + target + " does not exist (or has no columns)");
        }
        List<String> copied = new ArrayList<>();
        boolean overriding = false;
        for (Column column : targetColumns.values()) {
            if (sourceColumns.containsKey(column.name()) && !column.generated()) {
                copied.add(column.name());
                overriding |= column.identityAlways();
            }
        }
        List<String> required = new ArrayList<>(keyColumns);
        windowColumn.ifPresent(required::add);
        for (String column : required) {
            if (!sourceColumns.containsKey(column)) {
                throw new MergeRejectedException("column " + column + " is not in " + source + " (columns: " + String.join(", ", sourceColumns.keySet()) + ")");
            }
            if (!targetColumns.containsKey(column)) {
                throw new MergeRejectedException("column " + column + " is not in " + target + " (columns: " + String.join(", ", targetColumns.keySet()) + ")");
            }
        }
        // the window filter runs on the source, so its bounds are bound for the source column's type
        String windowType = windowColumn.map(w -> sourceColumns.get(w).type()).orElse(null);
        return new TableShape(source, target, copied, keyColumns, windowColumn, windowType,
                CatalogReader.uniqueOn(connection, source.schema(), source.table(), keyColumns),
                CatalogReader.uniqueOn(connection, target.schema(), target.table(), keyColumns), overriding);
    }

    /** Whether a table (or view) exists. */
    static boolean exists(Connection connection, QualifiedName table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, table.quoted());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static void requirePlain(String name, String what) {
        if (!Identifiers.isPlain(name)) {
            throw new MergeRejectedException("'" + name + "' is not a plain identifier (" + what + ")");
        }
    }

    private static Map<String, Column> columns(Connection connection, QualifiedName table) throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        CatalogReader.relation(connection, table.schema(), table.table()).ifPresent(relation -> relation.columns().forEach(c ->
                columns.put(c.name(), new Column(c.name(), c.typeName(), c.generated(), c.identityAlways()))));
        return columns;
    }
}
