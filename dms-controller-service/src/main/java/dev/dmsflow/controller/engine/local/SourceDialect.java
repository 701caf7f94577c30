package dev.dmsflow.controller.engine.local;

import dev.dmsflow.support.sql.CatalogReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What differs between the databases the local engine reads: quoting, how a DMS filter value (a string such as
 * {@code 2026-01-31 23:59:59.999999}) becomes a typed value of the column, and session set-up. Values are always
 * bound; the dialect only writes the SQL around the placeholder.
 */
abstract class SourceDialect {

    static SourceDialect forUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return new Postgres();
        }
        if (jdbcUrl.startsWith("jdbc:oracle:")) {
            return new Oracle();
        }
        throw new IllegalArgumentException("the local engine reads PostgreSQL or Oracle sources, not " + jdbcUrl.split("//")[0]);
    }

    /** A source table or view and its columns' type names in table order. */
    record SourceTable(String schema, String name, Map<String, String> columnTypes) {
    }

    /**
     * The tables and views whose schema and name match the DMS table mapping's patterns ({@code %} and {@code _}
     * wildcards), with their columns: one catalog query for a task's selection, where JDBC metadata took two heavy ones
     * per table before a run's copy could begin.
     */
    abstract List<SourceTable> tables(Connection source, String schemaPattern, String tablePattern) throws SQLException;

    /**
     * Streams the table's selected rows into the staging COPY {@code copy}, committing every {@code commitRate} rows;
     * {@code rows} counts what is committed as it goes. Returns the rows loaded.
     */
    abstract long copy(TableCopy table, Connection source, Connection target, String copy, int commitRate, int fetchSize,
                       AtomicLong rows) throws SQLException;

    /** Window values are UTC; the session reads and compares in UTC too (run once per pooled connection). */
    abstract String sessionSetup();

    /** Whether source connections commit every statement; false where a cursor (and so the fetch size) needs a transaction. */
    abstract boolean autoCommit();

    /**
     * SQL that turns the bound string into a value comparable with a column of this database type. The value itself
     * is bound; it is passed so the dialect can pick a format that fits it.
     */
    abstract String typed(String typeName, String value);

    /** A value an {@code eq} condition compares the column with (an IN list's): as {@link #typed} unless a dialect knows better. */
    String typedEqual(String typeName, String value) {
        return typed(typeName, value);
    }

    static boolean isTimestamp(String typeName) {
        String type = typeName.toLowerCase(Locale.ROOT);
        return type.startsWith("timestamp") || type.equals("date");
    }

    static boolean isNumeric(String typeName) {
        String type = typeName.toLowerCase(Locale.ROOT);
        return type.equals("number") || type.equals("numeric") || type.startsWith("int") || type.equals("bigint")
                || type.equals("smallint") || type.startsWith("float") || type.startsWith("double") || type.equals("real")
                || type.startsWith("binary_") || type.equals("decimal");
    }

    static final class Postgres extends SourceDialect {
        /** Rows leave the source already in COPY text: no decoding and re-encoding (the fetch size does not apply). */
        @Override
        long copy(TableCopy table, Connection source, Connection target, String copy, int commitRate, int fetchSize,
                  AtomicLong rows) throws SQLException {
            return StreamCopy.copy(table, source, target, copy, commitRate, rows);
        }

        @Override
        List<SourceTable> tables(Connection source, String schemaPattern, String tablePattern) throws SQLException {
            List<SourceTable> tables = new ArrayList<>();
            for (CatalogReader.Relation relation : CatalogReader.relations(source, schemaPattern, tablePattern)) {
                Map<String, String> types = new LinkedHashMap<>();
                relation.columns().forEach(c -> types.put(c.name(), c.typeName()));
                tables.add(new SourceTable(relation.schema(), relation.name(), types));
            }
            return tables;
        }

        @Override
        String sessionSetup() {
            return "SET TIME ZONE 'UTC'";
        }

        @Override
        boolean autoCommit() {
            return false;
        }

        @Override
        String typed(String typeName, String value) {
            String type = typeName.toLowerCase(Locale.ROOT);
            if (type.equals("timestamptz") || type.equals("timestamp with time zone")) {
                return "(CAST(? AS timestamp) AT TIME ZONE 'UTC')";
            }
            if (isTimestamp(type)) {
                return "CAST(? AS timestamp)";
            }
            return isNumeric(type) ? "CAST(? AS numeric)" : "?";
        }

        /**
         * An integer column equal to numeric values is cast to numeric row by row, so its index is not used: a
         * repair's keys scanned the whole source table. A range keeps numeric: with the index, a parallel load's
         * half-table segments were read by it and two segments gained nothing over one (measured).
         */
        @Override
        String typedEqual(String typeName, String value) {
            String type = typeName.toLowerCase(Locale.ROOT);
            return INTEGERS.contains(type) && INTEGER.matcher(value).matches() ? "CAST(? AS bigint)" : typed(typeName, value);
        }
    }

    private static final Set<String> INTEGERS = Set.of("int2", "int4", "int8", "smallint", "integer", "bigint");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

    static final class Oracle extends SourceDialect {
        /** An Oracle DATE holds a time of day too, so it is copied as a timestamp. */
        @Override
        long copy(TableCopy table, Connection source, Connection target, String copy, int commitRate, int fetchSize,
                  AtomicLong rows) throws SQLException {
            return RowCopy.copy(table, source, target, copy, commitRate, fetchSize, true, rows);
        }

        /** ALL_TAB_COLUMNS has views' columns too; DATA_TYPE spells types as the JDBC driver does ({@code TIMESTAMP(6) WITH TIME ZONE}). */
        @Override
        List<SourceTable> tables(Connection source, String schemaPattern, String tablePattern) throws SQLException {
            Map<List<String>, Map<String, String>> tables = new LinkedHashMap<>();
            try (PreparedStatement query = source.prepareStatement("""
                    SELECT owner, table_name, column_name, data_type FROM all_tab_columns
                     WHERE owner LIKE ? AND table_name LIKE ? ORDER BY owner, table_name, column_id""")) {
                query.setString(1, schemaPattern);
                query.setString(2, tablePattern);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        tables.computeIfAbsent(List.of(rs.getString(1), rs.getString(2)), k -> new LinkedHashMap<>())
                                .put(rs.getString(3), rs.getString(4));
                    }
                }
            }
            List<SourceTable> found = new ArrayList<>();
            tables.forEach((name, types) -> found.add(new SourceTable(name.get(0), name.get(1), types)));
            return found;
        }

        @Override
        String sessionSetup() {
            return "ALTER SESSION SET TIME_ZONE = 'UTC'";
        }

        @Override
        boolean autoCommit() {
            return true;
        }

        /** DMS-style literals carry as many fractional digits as the column has, none for a DATE. */
        @Override
        String typed(String typeName, String value) {
            String type = typeName.toUpperCase(Locale.ROOT);
            String format = value != null && value.contains(".") ? "'YYYY-MM-DD HH24:MI:SS.FF'" : "'YYYY-MM-DD HH24:MI:SS'";
            if (type.contains("WITH TIME ZONE") || type.contains("WITH LOCAL TIME ZONE")) {
                return "FROM_TZ(TO_TIMESTAMP(?, " + format + "), 'UTC')";
            }
            if (isTimestamp(type)) {
                return "TO_TIMESTAMP(?, " + format + ")";
            }
            return isNumeric(type) ? "TO_NUMBER(?)" : "?";
        }
    }
}
