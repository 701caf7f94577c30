package dev.dmsflow.schema.ddl;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.support.sql.CatalogReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** What PostgreSQL's catalog says about the objects schema-service provisions; names are compared exactly, never parsed. */
public final class PgCatalog {

    /**
     * A column and its exact type, as {@code format_type} spells it.
     *
     * @param collation the column's collation as written after {@code COLLATE} (quoted, schema-qualified when it is
     *                  not on the search path), null when it is its type's default
     */
    public record PgColumn(String name, String type, String collation) {

        public PgColumn(String name, String type) {
            this(name, type, null);
        }

        /** The type and, when the column has its own collation, {@code COLLATE} it: what DDL writes to give a column the same definition. */
        public String definition() {
            return collation == null ? type : type + " COLLATE " + collation;
        }
    }

    private PgCatalog() {
    }

    public static boolean schemaExists(Connection connection, String schema) throws SQLException {
        return exists(connection, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema);
    }

    /** The relation's kind ({@code r} table, {@code v} view, {@code f} foreign table...), empty when there is none. */
    public static Optional<String> relationKind(Connection connection, QualifiedName name) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            query.setString(1, name.schema());
            query.setString(2, name.table());
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public static boolean relationExists(Connection connection, QualifiedName name) throws SQLException {
        return relationKind(connection, name).isPresent();
    }

    public static List<PgColumn> columns(Connection connection, QualifiedName relation) throws SQLException {
        return CatalogReader.relation(connection, relation.schema(), relation.table())
                .map(r -> r.columns().stream().map(c -> new PgColumn(c.name(), c.type(), c.collation())).toList())
                .orElse(List.of());
    }

    /** The comment on a relation, view or function identified by its regclass/regprocedure text. */
    public static Optional<String> comment(Connection connection, String objectSql, String catalogTable) throws SQLException {
        String cast = catalogTable.equals("pg_proc") ? "::regprocedure" : "::regclass";
        try (PreparedStatement query = connection.prepareStatement("SELECT obj_description(?" + cast + ", '" + catalogTable + "')")) {
            query.setString(1, objectSql);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public static boolean indexExists(Connection connection, String schema, String index) throws SQLException {
        return exists(connection, "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('i', 'I')",
                schema, index);
    }

    public static boolean functionExists(Connection connection, String schema, String function) throws SQLException {
        return exists(connection, "SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ? AND p.proname = ?",
                schema, function);
    }

    public static boolean roleExists(Connection connection, String role) throws SQLException {
        return exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", role);
    }

    /** Whether the role holds the privilege on the table, view or foreign table ({@code has_table_privilege}). */
    public static boolean hasTablePrivilege(Connection connection, String role, QualifiedName relation, String privilege) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT has_table_privilege(?, ?, ?)")) {
            query.setString(1, role);
            query.setString(2, relation.quoted());
            query.setString(3, privilege);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    public static boolean hasSchemaUsage(Connection connection, String role, String schema) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT has_schema_privilege(?, ?, 'USAGE')")) {
            query.setString(1, role);
            query.setString(2, schema);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static boolean exists(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = query.executeQuery()) {
                return rs.next();
            }
        }
    }
}
