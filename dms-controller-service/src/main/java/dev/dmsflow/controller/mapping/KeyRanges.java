package dev.dmsflow.controller.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.support.jdbc.WindowBound;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where to split a large window into key-range segments (DMS {@code parallel-load} of type {@code ranges}). The
 * controller cannot read the source when DMS loads it, but production mirrors it: the planner's estimate of the
 * window's rows in the production table decides whether, and into how many segments, a table is split, and the
 * quantiles of its leading key within the window ({@code percentile_disc} over a page sample of about 100,000 of the
 * window's rows) are the boundaries. Production lags the
 * source by at most what this window brings, so the segments come out roughly, not exactly, even: each row still
 * belongs to exactly one segment, whatever the boundaries.
 *
 * <p>Only integer, numeric and text leading keys are split (DMS cannot split on floating-point columns, and other
 * types' literals depend on the source's formats). A key column is NOT NULL, so no row falls outside every segment
 * (DMS does not load rows with a NULL in a segment column). Names come from the catalog and are quoted; window bounds
 * and quantile fractions are bound.
 */
public final class KeyRanges {

    private static final Logger log = LoggerFactory.getLogger(KeyRanges.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FLOATS = Set.of("float4", "float8");
    /** Window rows the boundaries are computed from. */
    private static final long SAMPLE_ROWS = 100_000;

    private final DataSource production;
    private final ParallelLoadProperties properties;
    private final long sampleRows;

    /** @param production connections to the database of the catalog's production tables */
    public KeyRanges(DataSource production, ParallelLoadProperties properties) {
        this(production, properties, SAMPLE_ROWS);
    }

    /** @param sampleRows how many of the window's rows the boundaries are computed from, about */
    KeyRanges(DataSource production, ParallelLoadProperties properties, long sampleRows) {
        this.production = production;
        this.properties = properties;
        this.sampleRows = sampleRows;
    }

    /**
     * The boundaries of the tables to load in segments, by catalog name (tables not to split are absent): ascending
     * values of the leading key column, as text. A table whose production cannot be read loads in one piece.
     */
    public Map<String, List<String>> boundaries(List<TableRef> tables, TimeWindow window) {
        Map<String, List<String>> boundaries = new LinkedHashMap<>();
        if (properties.segments(Long.MAX_VALUE) < 2) {
            return boundaries;
        }
        try (Connection connection = production.getConnection()) {
            for (TableRef table : tables) {
                try {
                    List<String> values = boundaries(connection, table, window);
                    if (!values.isEmpty()) {
                        boundaries.put(table.getName(), values);
                    }
                } catch (SQLException | IllegalStateException e) {
                    log.warn("Table {}: no parallel load, production {}.{} could not be read: {}", table.getName(), table.getTargetSchema(),
                            table.getTargetTable(), e.getMessage());
                }
            }
        } catch (SQLException e) {
            log.warn("No parallel load: production could not be reached: {}", e.getMessage());
        }
        return boundaries;
    }

    private List<String> boundaries(Connection connection, TableRef table, TimeWindow window) throws SQLException {
        String key = table.getKeyColumns().get(0);
        String windowColumn = window == null ? null : table.getWindowColumn();
        Map<String, String[]> types = new LinkedHashMap<>();
        // the whole table's rows as the planner reckons them (its rows per page times the pages it has now): a window
        // holds no more, so a small table needs no estimate of its window; -1 when never analyzed (estimated below)
        double tableRows = -1;
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT a.attname, t.typcategory, t.typname, format_type(a.atttypid, a.atttypmod),
                       CASE WHEN c.relpages > 0 AND c.reltuples > 0
                            THEN c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int) ELSE -1 END
                  FROM pg_attribute a
                  JOIN pg_type t ON t.oid = a.atttypid
                  JOIN pg_class c ON c.oid = a.attrelid
                 WHERE a.attrelid = to_regclass(format('%I.%I', ?, ?)) AND a.attnum > 0 AND NOT a.attisdropped AND a.attname IN (?, ?)""")) {
            query.setString(1, table.getTargetSchema());
            query.setString(2, table.getTargetTable());
            query.setString(3, key);
            query.setString(4, Objects.requireNonNullElse(windowColumn, key));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                    tableRows = rs.getDouble(5);
                }
            }
        }
        String[] keyType = types.get(key);
        if (keyType == null || (windowColumn != null && !types.containsKey(windowColumn))
                || (tableRows >= 0 && properties.segments((long) tableRows) < 2)) {
            return List.of();
        }
        boolean text = keyType[0].equals("S");
        if (!text && !(keyType[0].equals("N") && !FLOATS.contains(keyType[1]))) {
            log.debug("Table {}: no parallel load on a {} key", table.getName(), keyType[2]);
            return List.of();
        }
        String where = windowColumn == null ? ""
                : " WHERE " + Identifiers.quote(windowColumn) + " >= ? AND " + Identifiers.quote(windowColumn) + " < ?";
        List<Object> bounds = windowColumn == null ? List.of() : List.of(WindowBound.value(window.getFrom(), types.get(windowColumn)[2]),
                WindowBound.value(window.getTo(), types.get(windowColumn)[2]));
        String relation = Identifiers.qualified(table.getTargetSchema(), table.getTargetTable());
        long estimate = estimate(connection, "EXPLAIN (FORMAT JSON) SELECT 1 FROM " + relation + where, bounds);
        int segments = properties.segments(estimate);
        if (segments < 2) {
            return List.of();
        }
        Double[] fractions = new Double[segments - 1];
        for (int i = 1; i < segments; i++) {
            fractions[i - 1] = (double) i / segments;
        }
        // text keys in byte order, as Oracle compares VARCHAR2 by default: segments balance in the source's order too
        String order = Identifiers.quote(key) + (text ? " COLLATE \"C\"" : "");
        List<String> quantiles;
        // from a sample of the window's rows (whole pages, the same ones each time): sorting the whole window took
        // seconds at millions of rows before the copy could begin, and segments need to be about even, not exact
        double percent = Math.min(100.0, 100.0 * sampleRows / Math.max(1, estimate));
        try (PreparedStatement query = connection.prepareStatement("SELECT (percentile_disc(?) WITHIN GROUP (ORDER BY " + order
                + "))::text[] FROM " + relation + (percent < 100.0 ? " TABLESAMPLE SYSTEM (?) REPEATABLE (0)" : "") + where)) {
            int parameter = 1;
            query.setArray(parameter++, connection.createArrayOf("float8", fractions));
            if (percent < 100.0) {
                query.setFloat(parameter++, (float) percent);
            }
            for (Object bound : bounds) {
                query.setObject(parameter++, bound);
            }
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                Array array = rs.getArray(1);
                quantiles = array == null ? List.of() : Arrays.asList((String[]) array.getArray());
            }
        }
        // a key value that fills several quantiles would give empty segments
        List<String> boundaries = new ArrayList<>(quantiles.stream().filter(Objects::nonNull).distinct().toList());
        log.info("Table {}: about {} rows in the window, parallel load in {} segments, boundaries {}", table.getName(), estimate,
                boundaries.size() + 1, boundaries);
        return boundaries;
    }

    /** The planner's row estimate: no scan of the window. */
    private static long estimate(Connection connection, String explain, List<Object> bounds) throws SQLException {
        String plan;
        try (PreparedStatement query = connection.prepareStatement(explain)) {
            for (int i = 0; i < bounds.size(); i++) {
                query.setObject(i + 1, bounds.get(i));
            }
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                plan = rs.getString(1);
            }
        }
        try {
            return JSON.readTree(plan).get(0).path("Plan").path("Plan Rows").asLong();
        } catch (Exception e) {
            throw new IllegalStateException("unreadable plan: " + plan, e);
        }
    }
}
