package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.QualifiedName;
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
                uniqueOn(connection, source, keyColumns), uniqueOn(connection, target, keyColumns), overriding);
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
        // pg_catalog rather than information_schema: the same answer in a fraction of the time, on every merge
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT a.attname, t.typname, a.attgenerated <> '', a.attidentity = 'a'
                FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            statement.setString(1, table.quoted());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
                }
            }
        }
        return columns;
    }

    /** A unique, non-partial index on exactly the key columns (in any order), so the source holds one row per key. */
    private static boolean uniqueOn(Connection connection, QualifiedName table, List<String> keyColumns) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT EXISTS (
                  SELECT 1 FROM pg_index i
                  WHERE i.indrelid = to_regclass(?) AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
                    AND i.indnkeyatts = cardinality(?::text[])
                    AND ARRAY(SELECT a.attname::text FROM pg_attribute a
                              WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey[0:i.indnkeyatts - 1]) ORDER BY 1)
                        = ARRAY(SELECT unnest(?::text[]) ORDER BY 1))""")) {
            statement.setString(1, table.quoted());
            statement.setArray(2, connection.createArrayOf("text", keyColumns.toArray()));
            statement.setArray(3, connection.createArrayOf("text", keyColumns.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
