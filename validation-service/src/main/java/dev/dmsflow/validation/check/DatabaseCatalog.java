package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.catalog.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Resolves names from events and the migration catalog against pg_catalog before any of them appears in SQL. */
final class DatabaseCatalog {

    private static final String COLUMNS = """
            SELECT a.attname, t.typname, format_type(a.atttypid, a.atttypmod), a.atttypmod
              FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
             WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped
             ORDER BY a.attnum""";

    private DatabaseCatalog() {
    }

    /** The table or view, or {@link InvalidRunException} naming {@code role} when the names are not plain or it does not exist. */
    static Relation require(Connection connection, String role, String schema, String table) throws SQLException {
        return find(connection, role, schema, table)
                .orElseThrow(() -> new InvalidRunException(role + " " + schema + "." + table + " does not exist"));
    }

    /**
     * Like {@link #require}, also trying the lower-case name: an Oracle {@code APP.ORDERS} copied into PostgreSQL
     * unquoted is {@code app.orders}.
     */
    static Relation requireFoldingCase(Connection connection, String role, String schema, String table) throws SQLException {
        Optional<Relation> exact = find(connection, role, schema, table);
        if (exact.isPresent()) {
            return exact.get();
        }
        return require(connection, role, schema.toLowerCase(Locale.ROOT), table.toLowerCase(Locale.ROOT));
    }

    /** The table or view when it exists; {@link InvalidRunException} when the names are not plain. */
    static Optional<Relation> find(Connection connection, String role, String schema, String table) throws SQLException {
        if (!Identifiers.isPlain(schema) || !Identifiers.isPlain(table)) {
            throw new InvalidRunException(role + " " + schema + "." + table + " is not a plain identifier");
        }
        Map<String, Column> columns = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
            statement.setString(1, Identifiers.qualified(schema, table));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1), new Column(rows.getString(1), rows.getString(2), rows.getString(3), rows.getInt(4)));
                }
            }
        }
        return columns.isEmpty() ? Optional.empty() : Optional.of(new Relation(schema, table, columns));
    }
}
