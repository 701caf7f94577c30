package dev.dmsflow.schema.drift;

import dev.dmsflow.contracts.catalog.Identifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The seed's type verification, generalised: each staging table against the production table the catalog pairs it
 * with (not by equal names in fixed schemas), comparing the exact types ({@code format_type}, so lengths, precisions,
 * scales and timestamp precisions count) and reporting columns missing on either side. The same query backs the
 * {@code admin.oracle_pg_type_verification} view and the check after every load, so both always agree. Collations
 * count too (another collation sorts, and when nondeterministic compares, differently; two different non-default ones
 * in the merge's {@code p.key = s.key} fail with 42P22): a column's collation is part of its data type text
 * ({@code ... COLLATE "C"}) when it is not its type's default.
 * Staging bookkeeping columns ({@value #BOOKKEEPING_PREFIX}*) are not part of the mirror.
 */
public final class TypeVerification {

    public static final String BOOKKEEPING_PREFIX = "_dms_";

    private TypeVerification() {
    }

    /** The query; one row per drifted column: the seed's table_name, column_name, target_data_type, staging_data_type, status, then staging_table and target_table. */
    public static String query(List<TablePair> pairs) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("no table to verify");
        }
        String values = pairs.stream()
                .map(p -> "(" + String.join(", ", Identifiers.literal(p.name()), Identifiers.literal(p.staging().schema()),
                        Identifiers.literal(p.staging().table()), Identifiers.literal(p.target().schema()), Identifiers.literal(p.target().table())) + ")")
                .collect(Collectors.joining(",\n        "));
        return """
                WITH pairs (table_name, staging_schema, staging_table, target_schema, target_table) AS (
                    VALUES %s
                ),
                table_columns AS (
                    SELECT p.table_name, side.name AS side, a.attname::text AS column_name, a.atttypid, a.atttypmod, a.attcollation,
                           format_type(a.atttypid, a.atttypmod)
                               || CASE WHEN a.attcollation <> t.typcollation THEN ' COLLATE ' || a.attcollation::regcollation::text ELSE '' END
                               AS data_type,
                           t.typcategory
                    FROM pairs p
                    CROSS JOIN LATERAL (VALUES ('target', p.target_schema, p.target_table),
                                               ('staging', p.staging_schema, p.staging_table)) AS side (name, schema_name, relation)
                    JOIN pg_namespace n ON n.nspname = side.schema_name
                    JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = side.relation
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                    JOIN pg_type t ON t.oid = a.atttypid
                    WHERE side.name = 'target' OR left(a.attname, %d) <> '%s'
                ),
                target_columns AS (SELECT * FROM table_columns WHERE side = 'target'),
                staging_columns AS (SELECT * FROM table_columns WHERE side = 'staging'),
                compared AS (
                    SELECT coalesce(t.table_name, s.table_name) AS table_name,
                           coalesce(t.column_name, s.column_name) AS column_name,
                           t.data_type AS target_data_type,
                           s.data_type AS staging_data_type,
                           CASE
                               WHEN s.column_name IS NULL THEN 'MISSING IN STAGING'
                               WHEN t.column_name IS NULL THEN 'MISSING IN TARGET'
                               WHEN t.atttypid <> s.atttypid THEN 'DATA TYPE MISMATCH'
                               WHEN t.atttypmod = s.atttypmod AND t.attcollation = s.attcollation THEN 'OK'
                               WHEN t.atttypmod = s.atttypmod THEN 'COLLATION MISMATCH'
                               WHEN t.typcategory = 'S' THEN 'LENGTH MISMATCH'
                               WHEN t.atttypid = 'numeric'::regtype
                                    AND ((t.atttypmod - 4) >> 16) <> ((s.atttypmod - 4) >> 16) THEN 'PRECISION MISMATCH'
                               WHEN t.atttypid = 'numeric'::regtype THEN 'SCALE MISMATCH'
                               WHEN t.typcategory IN ('D', 'T') THEN 'PRECISION MISMATCH'
                               ELSE 'TYPE MODIFIER MISMATCH'
                           END AS status
                    FROM target_columns t
                    FULL JOIN staging_columns s ON s.table_name = t.table_name AND s.column_name = t.column_name
                )
                SELECT c.table_name, c.column_name, c.target_data_type, c.staging_data_type, c.status,
                       p.staging_schema || '.' || p.staging_table AS staging_table,
                       p.target_schema || '.' || p.target_table AS target_table
                FROM compared c
                JOIN pairs p ON p.table_name = c.table_name
                WHERE c.status <> 'OK'
                """.formatted(values, BOOKKEEPING_PREFIX.length(), BOOKKEEPING_PREFIX);
    }

    public static List<ColumnDrift> run(Connection connection, List<TablePair> pairs) throws SQLException {
        List<ColumnDrift> drifts = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(query(pairs) + " ORDER BY 1, 2")) {
            while (rs.next()) {
                drifts.add(new ColumnDrift(rs.getString(1), rs.getString(2), rs.getString(6), rs.getString(7),
                        rs.getString(3), rs.getString(4), rs.getString(5)));
            }
        }
        return drifts;
    }
}
