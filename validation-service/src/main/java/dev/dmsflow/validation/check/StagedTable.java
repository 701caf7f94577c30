package dev.dmsflow.validation.check;

import dev.dmsflow.support.sql.SqlQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A staging table of the run, resolved against the database: its key, its window column and its window, and how its
 * staged rows split into key ranges for the first pass. Shared by the checks against production and the source.
 */
final class StagedTable {

    static final String S = "s";

    final Relation staging;
    final List<String> keyColumns;
    final Optional<Column> windowColumn;
    final Optional<WindowFilter> window;
    final Column leadingKey;

    StagedTable(Relation staging, List<String> keyColumns, Optional<String> windowColumn, Optional<WindowFilter> window) {
        if (keyColumns.isEmpty()) {
            throw new InvalidRunException(staging + ": no key columns");
        }
        this.staging = staging;
        this.keyColumns = List.copyOf(keyColumns);
        keyColumns.forEach(staging::column);
        this.windowColumn = windowColumn.map(staging::column);
        this.window = this.windowColumn.isPresent() ? window : Optional.empty();
        this.leadingKey = staging.column(keyColumns.get(0));
    }

    String ref(String alias, String column) {
        return alias + "." + Normalization.quote(column);
    }

    /** {@code WHERE <staged row in the window>} (or {@code WHERE true} for a table loaded whole). */
    SqlQuery whereInWindow(SqlQuery query) {
        query.sql(" WHERE ");
        if (window.isPresent()) {
            return window.get().inside(query, ref(S, windowColumn.get().name()), windowColumn.get());
        }
        return query.sql("true");
    }

    String orderByKey(String alias) {
        return " ORDER BY " + String.join(", ", keyColumns.stream().map(k -> ref(alias, k)).toList());
    }

    /**
     * Key ranges of about {@code bucketRows} staged rows each, from quantiles of the leading key. Large windows are
     * sampled (about 20 rows per range): the ranges only need to be of similar size, not exact.
     */
    RangeLayout initialLayout(Connection connection, long expectedRows, int bucketRows) throws SQLException {
        // a view (the multi-stage source) cannot be sampled: its thresholds come from all of its rows
        return quantileLayout(connection, staging.quoted() + " " + S, ref(S, leadingKey.name()), () -> sampleable(connection),
                this::whereInWindow, expectedRows, bucketRows);
    }

    /** The window's rows of a relation, as {@link #quantileLayout} filters them. */
    interface Where {
        SqlQuery where(SqlQuery query);
    }

    /** Whether the relation can be sampled, asked only when a sample would be taken. */
    interface Sampleable {
        boolean sampleable() throws SQLException;
    }

    /**
     * Key ranges of about {@code bucketRows} rows each of {@code from} ({@code <relation> <alias>}), from quantiles of
     * {@code key}. Large windows are sampled when {@code sampleable} (about 20 rows per range): the ranges only need
     * to be of similar size, not exact. Rows are sampled one by one (BERNOULLI), which reads every page: a sample of
     * whole pages (SYSTEM) holds runs of adjacent keys, and its quantiles made a few hundred ranges of thousands of rows
     * between thousands of ranges of a few, so that CDC's changes in a few places made bisection read half the window.
     */
    static RangeLayout quantileLayout(Connection connection, String from, String key, Sampleable sampleable, Where where, long expectedRows,
                                      int bucketRows) throws SQLException {
        long buckets = Math.min(10_000, Math.max(1, (expectedRows + bucketRows - 1) / bucketRows));
        if (buckets == 1) {
            return RangeLayout.covering(List.of());
        }
        List<Double> fractions = new ArrayList<>();
        for (int i = 1; i < buckets; i++) {
            fractions.add((double) i / buckets);
        }
        double percent = Math.min(100.0, 100.0 * 20 * buckets / expectedRows);
        SqlQuery query = new SqlQuery().param("SELECT percentile_disc(?::float8[]) WITHIN GROUP (ORDER BY " + key + ")::text[] FROM " + from,
                new SqlQuery.DoubleArray(fractions));
        if (percent < 100.0 && sampleable.sampleable()) {
            query.param(" TABLESAMPLE BERNOULLI (?::real)", percent);
        }
        where.where(query);
        String[] points = query.single(connection, row -> row.getArray(1) == null ? new String[0] : (String[]) row.getArray(1).getArray());
        return RangeLayout.covering(distinct(List.of(points)));
    }

    /** Quantiles repeat when a value is frequent; thresholds must be strictly ascending. */
    static List<String> distinct(List<String> ascending) {
        List<String> result = new ArrayList<>();
        for (String value : ascending) {
            if (value != null && (result.isEmpty() || !result.get(result.size() - 1).equals(value))) {
                result.add(value);
            }
        }
        return result;
    }

    /**
     * Split points of every range of {@code ranges} (bucket → points) from the quantiles of the leading key of
     * {@code relation}, in one query whatever the number of ranges, read through its index on the key when the ranges
     * are few, so that splitting never scans the staged window.
     */
    static Map<Integer, List<String>> splitPoints(Connection connection, Relation relation, Column leadingKey, RangeLayout ranges, int parts)
            throws SQLException {
        List<Double> fractions = new ArrayList<>();
        for (int i = 1; i < parts; i++) {
            fractions.add((double) i / parts);
        }
        String key = "r." + Normalization.quote(leadingKey.name());
        SqlQuery query = new SqlQuery().sql("SELECT ");
        ranges.bucket(query, key, leadingKey.formattedType());
        query.param(", percentile_disc(?::float8[]) WITHIN GROUP (ORDER BY " + key + ")::text[] FROM " + relation.quoted() + " r WHERE true",
                new SqlQuery.DoubleArray(fractions));
        ranges.restrict(query, key, leadingKey.formattedType());
        Map<Integer, List<String>> points = new HashMap<>();
        query.sql(" GROUP BY 1").list(connection, row -> {
            int bucket = row.getInt(1);
            String lo = ranges.ranges().get(bucket).lo();
            List<String> inside = new ArrayList<>();
            // a range includes its lower bound, which is no point to split it at
            for (String point : (String[]) row.getArray(2).getArray()) {
                if (!point.equals(lo)) {
                    inside.add(point);
                }
            }
            return points.put(bucket, distinct(inside));
        });
        return points;
    }

    /** TABLESAMPLE works on tables and materialized views only. */
    private boolean sampleable(Connection connection) throws SQLException {
        try (PreparedStatement kind = connection.prepareStatement("SELECT relkind IN ('r', 'm') FROM pg_class WHERE oid = to_regclass(?)")) {
            kind.setString(1, staging.quoted());
            try (ResultSet rs = kind.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
