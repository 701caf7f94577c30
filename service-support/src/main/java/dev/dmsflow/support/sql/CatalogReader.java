package dev.dmsflow.support.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What PostgreSQL's catalog says about tables and their columns: the one place every service reads it from. One query
 * per lookup (pg_catalog, not information_schema or JDBC metadata: the same answer in a fraction of the time, which a
 * run pays on every stage). Names are compared exactly, never parsed, so a name from a request can be looked up before
 * it appears in SQL.
 */
public final class CatalogReader {

    /**
     * A column as the catalog describes it.
     *
     * @param typeName       {@code pg_type.typname}: {@code int8}, {@code numeric}, {@code timestamptz}, {@code bpchar}
     * @param type           {@code format_type()}, exact and usable in DDL or a cast: {@code character varying(20)}
     * @param typmod         {@code atttypmod}: a timestamp's fractional-second digits, -1 when unspecified
     * @param collation      the column's own collation as written after {@code COLLATE} (quoted, schema-qualified when
     *                       off the search path), null when it is its type's default
     * @param generated      a generated column (never written)
     * @param identityAlways {@code GENERATED ALWAYS AS IDENTITY} (written only with {@code OVERRIDING SYSTEM VALUE})
     */
    public record Column(String name, String typeName, String type, int typmod, String collation, boolean generated,
                         boolean identityAlways) {
    }

    /**
     * A table, view, materialized view or foreign table with its columns in table order.
     *
     * @param kind {@code pg_class.relkind}: {@code r} table, {@code p} partitioned table, {@code v} view, {@code m}
     *             materialized view, {@code f} foreign table
     */
    public record Relation(String schema, String name, String kind, List<Column> columns) {

        public Optional<Column> column(String column) {
            return columns.stream().filter(c -> c.name().equals(column)).findFirst();
        }

        public List<String> columnNames() {
            return columns.stream().map(Column::name).toList();
        }
    }

    private static final String SELECT = """
            SELECT n.nspname, c.relname, c.relkind::text, a.attname, t.typname, format_type(a.atttypid, a.atttypmod), a.atttypmod,
                   CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END,
                   a.attgenerated <> '', a.attidentity = 'a'
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              JOIN pg_type t ON t.oid = a.atttypid
             WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """;

    /** Exact names: the catalog's index answers it. */
    private static final String EXACT = SELECT + " AND n.nspname = ? AND c.relname = ? ORDER BY a.attnum";

    /** LIKE patterns; partitions are left out, their partitioned table stands for them. */
    private static final String MATCHING = SELECT + " AND n.nspname LIKE ? AND c.relname LIKE ? AND NOT c.relispartition"
            + " ORDER BY n.nspname, c.relname, a.attnum";

    private static final String UNIQUE_ON = """
            SELECT EXISTS (
              SELECT 1 FROM pg_index i
               WHERE i.indrelid = (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                    WHERE n.nspname = ? AND c.relname = ?)
                 AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
                 AND i.indnkeyatts = cardinality(?::text[])
                 AND ARRAY(SELECT a.attname::text FROM pg_attribute a
                            WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey[0:i.indnkeyatts - 1]) ORDER BY 1)
                     = ARRAY(SELECT unnest(?::text[]) ORDER BY 1))""";

    private CatalogReader() {
    }

    /** The relation of exactly this schema and name, with its columns; empty when there is none. */
    public static Optional<Relation> relation(Connection connection, String schema, String name) throws SQLException {
        List<Relation> found = read(connection, EXACT, schema, name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /**
     * Every relation whose schema and name match the SQL {@code LIKE} patterns ({@code %} any run, {@code _} any one
     * character: the wildcards of DMS table mappings), ordered by schema and name.
     */
    public static List<Relation> relations(Connection connection, String schemaPattern, String namePattern) throws SQLException {
        return read(connection, MATCHING, schemaPattern, namePattern);
    }

    /** Whether a unique, non-partial index covers exactly these columns (in any order): one row per key. */
    public static boolean uniqueOn(Connection connection, String schema, String name, List<String> columns) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(UNIQUE_ON)) {
            query.setString(1, schema);
            query.setString(2, name);
            query.setArray(3, connection.createArrayOf("text", columns.toArray()));
            query.setArray(4, connection.createArrayOf("text", columns.toArray()));
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static List<Relation> read(Connection connection, String sql, String schema, String name) throws SQLException {
        List<Relation> relations = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, schema);
            query.setString(2, name);
            try (ResultSet rs = query.executeQuery()) {
                String currentSchema = null;
                String currentName = null;
                String kind = null;
                List<Column> columns = null;
                while (rs.next()) {
                    if (!rs.getString(1).equals(currentSchema) || !rs.getString(2).equals(currentName)) {
                        if (columns != null) {
                            relations.add(new Relation(currentSchema, currentName, kind, List.copyOf(columns)));
                        }
                        currentSchema = rs.getString(1);
                        currentName = rs.getString(2);
                        kind = rs.getString(3);
                        columns = new ArrayList<>();
                    }
                    columns.add(new Column(rs.getString(4), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8),
                            rs.getBoolean(9), rs.getBoolean(10)));
                }
                if (columns != null) {
                    relations.add(new Relation(currentSchema, currentName, kind, List.copyOf(columns)));
                }
            }
        }
        return relations;
    }
}
