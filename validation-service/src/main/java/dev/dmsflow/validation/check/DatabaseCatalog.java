package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.support.sql.CatalogReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Resolves names from events and the migration catalog against pg_catalog before any of them appears in SQL. */
final class DatabaseCatalog {

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
        CatalogReader.relation(connection, schema, table).ifPresent(relation -> relation.columns().forEach(c ->
                columns.put(c.name(), new Column(c.name(), c.typeName(), c.type(), c.typmod()))));
        return columns.isEmpty() ? Optional.empty() : Optional.of(new Relation(schema, table, columns));
    }
}
