package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.event.CheckResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks 1 to 4 of one table, staging against production after the merge, built around one pass that joins the
 * staged window with production by key and computes, per key range, the staged count, missing keys, stale rows and the
 * content hashes of both sides (cheaper than separate count, anti-join and hash queries, see PERFORMANCE-NOTES.md).
 * Ranges whose hashes differ are bisected down to the exact keys.
 *
 * <p>Newer-wins as the merge applies it: a production row is stale when its window column is older than the staged
 * row's, or NULL while the staged row has a value (a known time beats none). Contents are compared only where both
 * window values are equal, because a differing production row that is newer is CDC's, not the load's. Compared
 * columns are those staging and production share, except the key (equal by the join) and the window column (equal by
 * the filter); staging-only bookkeeping columns are ignored.
 */
final class ProductionChecks implements RangeComparison {

    private static final String S = StagedTable.S;
    private static final String P = "p";

    private final Connection connection;
    private final StagedTable table;
    private final Relation production;
    private final CheckSettings settings;
    private final Column productionLeadingKey;
    private final String stagedRow;
    private final String productionRow;

    ProductionChecks(Connection connection, StagedTable table, Relation production, CheckSettings settings) {
        this.connection = connection;
        this.table = table;
        this.production = production;
        this.settings = settings;
        table.keyColumns.forEach(production::column);
        table.windowColumn.ifPresent(w -> production.column(w.name()));
        this.productionLeadingKey = production.column(table.leadingKey.name());
        List<Column> stagedColumns = new ArrayList<>();
        List<Column> productionColumns = new ArrayList<>();
        for (Column column : table.staging.columnList()) {
            boolean excluded = table.keyColumns.contains(column.name())
                    || table.windowColumn.map(w -> w.name().equals(column.name())).orElse(false);
            Column other = production.columns().get(column.name());
            if (!excluded && other != null) {
                stagedColumns.add(column);
                productionColumns.add(other);
            }
        }
        this.stagedRow = Normalization.row(S, stagedColumns, productionColumns);
        this.productionRow = Normalization.row(P, productionColumns, stagedColumns);
    }

    /** Per key range of the first pass. */
    private record PassRow(int bucket, long staged, long missing, long stale, long compared, long stagedHash, long productionHash) {
    }

    List<CheckResult> run(RangeLayout layout, long fullLoadRows, String tableName) throws SQLException {
        List<PassRow> pass = pass(layout);
        long staged = pass.stream().mapToLong(PassRow::staged).sum();
        long missing = pass.stream().mapToLong(PassRow::missing).sum();
        long stale = pass.stream().mapToLong(PassRow::stale).sum();
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResults.count(tableName, CheckNames.STAGED_COUNT, fullLoadRows, staged));
        results.add(CheckResults.offenders(tableName, CheckNames.MISSING, missing,
                missing == 0 ? List.of() : sampleKeys(layout, pass, PassRow::missing, P + "." + Normalization.quote(productionLeadingKey.name()) + " IS NULL")));
        if (table.windowColumn.isPresent()) {
            results.add(CheckResults.offenders(tableName, CheckNames.STALE, stale,
                    stale == 0 ? List.of() : sampleKeys(layout, pass, PassRow::stale, staleCondition())));
        }
        Map<Integer, Digest> digests = new HashMap<>();
        pass.forEach(row -> digests.put(row.bucket(), new Digest(row.compared(), row.compared(), row.stagedHash(), row.productionHash())));
        List<KeyRange> leaves = new Bisector(settings.fanout(), settings.leafRows()).mismatchingLeaves(this, layout, digests);
        List<String> differing = leaves.isEmpty() ? List.of() : differingKeys(leaves);
        results.add(CheckResults.offenders(tableName, CheckNames.CONTENTS, differing.size(),
                differing.subList(0, Math.min(differing.size(), settings.sampleKeys()))));
        return results;
    }

    private String joined() {
        List<String> on = table.keyColumns.stream().map(k -> table.ref(P, k) + " = " + table.ref(S, k)).toList();
        return " FROM " + table.staging.quoted() + " " + S + " LEFT JOIN " + production.quoted() + " " + P + " ON " + String.join(" AND ", on);
    }

    private String staleCondition() {
        String w = table.windowColumn.orElseThrow().name();
        String s = table.ref(S, w);
        String p = table.ref(P, w);
        return table.ref(P, productionLeadingKey.name()) + " IS NOT NULL AND " + s + " IS NOT NULL AND (" + p + " IS NULL OR " + p + " < " + s + ")";
    }

    /** Both sides hold the key with the same window value: the rows must then be equal. */
    private String sameVersion() {
        return table.windowColumn.map(w -> table.ref(P, w.name()) + " = " + table.ref(S, w.name()))
                .orElse(table.ref(P, productionLeadingKey.name()) + " IS NOT NULL");
    }

    private String leadingKey() {
        return table.ref(S, table.leadingKey.name());
    }

    private List<PassRow> pass(RangeLayout layout) throws SQLException {
        return passQuery(layout, false).list(connection, row -> new PassRow(row.getInt(1), row.getLong(2), row.getLong(3), row.getLong(4),
                row.getLong(5), row.getLong(6), row.getLong(7)));
    }

    private SqlQuery passQuery(RangeLayout layout, boolean restricted) {
        String same = sameVersion();
        String stale = table.windowColumn.isPresent() ? staleCondition() : "false";
        SqlQuery query = new SqlQuery().sql("SELECT ");
        layout.bucket(query, leadingKey(), table.leadingKey.formattedType());
        query.sql(" AS bucket, count(*), count(*) FILTER (WHERE " + table.ref(P, productionLeadingKey.name()) + " IS NULL)"
                + ", count(*) FILTER (WHERE " + stale + ")"
                + ", count(*) FILTER (WHERE " + same + ")"
                + ", coalesce(sum(" + Normalization.hash(stagedRow) + ") FILTER (WHERE " + same + "), 0)"
                + ", coalesce(sum(" + Normalization.hash(productionRow) + ") FILTER (WHERE " + same + "), 0)"
                + joined());
        table.whereInWindow(query);
        if (restricted) {
            layout.restrict(query, leadingKey(), table.leadingKey.formattedType());
        }
        return query.sql(" GROUP BY 1");
    }

    @Override
    public Map<Integer, Digest> digest(RangeLayout layout) throws SQLException {
        Map<Integer, Digest> digests = new HashMap<>();
        for (PassRow row : passQuery(layout, true).list(connection, row -> new PassRow(row.getInt(1), row.getLong(2), row.getLong(3),
                row.getLong(4), row.getLong(5), row.getLong(6), row.getLong(7)))) {
            digests.put(row.bucket(), new Digest(row.compared(), row.compared(), row.stagedHash(), row.productionHash()));
        }
        return digests;
    }

    @Override
    public List<String> splitPoints(KeyRange range, int parts) throws SQLException {
        // production has the key index (the merge relies on it); staging need not
        return StagedTable.splitPoints(connection, production, productionLeadingKey, range, parts);
    }

    /** The keys of the leaf ranges whose rows differ, compared row by row. */
    private List<String> differingKeys(List<KeyRange> leaves) throws SQLException {
        RangeLayout layout = new RangeLayout();
        leaves.forEach(layout::add);
        SqlQuery query = new SqlQuery().sql("SELECT " + Normalization.keyText(S, table.keyColumns) + joined());
        table.whereInWindow(query);
        layout.restrict(query, leadingKey(), table.leadingKey.formattedType());
        query.sql(" AND " + sameVersion() + " AND " + stagedRow + " IS DISTINCT FROM " + productionRow + table.orderByKey(S));
        return query.list(connection, row -> row.getString(1));
    }

    private interface Figure {
        long of(PassRow row);
    }

    /** Sample keys matching {@code condition}, looking only in the ranges where the pass counted some. */
    private List<String> sampleKeys(RangeLayout layout, List<PassRow> pass, Figure figure, String condition) throws SQLException {
        RangeLayout offending = new RangeLayout();
        Map<Integer, PassRow> byBucket = new HashMap<>();
        pass.forEach(row -> byBucket.put(row.bucket(), row));
        layout.ranges().forEach((bucket, range) -> {
            PassRow row = byBucket.get(bucket);
            if (row != null && figure.of(row) > 0) {
                offending.add(range);
            }
        });
        SqlQuery query = new SqlQuery().sql("SELECT " + Normalization.keyText(S, table.keyColumns) + joined());
        table.whereInWindow(query);
        offending.restrict(query, leadingKey(), table.leadingKey.formattedType());
        query.sql(" AND " + condition + table.orderByKey(S)).param(" LIMIT ?", settings.sampleKeys());
        return query.list(connection, row -> row.getString(1));
    }

    /** Check OUTSIDE_WINDOW: staged rows the window filter should have kept out, NULL window values included. */
    static Optional<CheckResult> outsideWindow(Connection connection, StagedTable table, String tableName, int sampleKeys) throws SQLException {
        if (table.window.isEmpty()) {
            return Optional.empty();
        }
        Column windowColumn = table.windowColumn.orElseThrow();
        SqlQuery query = new SqlQuery().sql("SELECT count(*) OVER (), " + Normalization.keyText(S, table.keyColumns)
                + " FROM " + table.staging.quoted() + " " + S + " WHERE ");
        table.window.get().outside(query, table.ref(S, windowColumn.name()), windowColumn);
        query.sql(table.orderByKey(S)).param(" LIMIT ?", Math.max(1, sampleKeys));
        List<String[]> rows = query.list(connection, row -> new String[] {row.getString(1), row.getString(2)});
        long count = rows.isEmpty() ? 0 : Long.parseLong(rows.get(0)[0]);
        List<String> keys = rows.stream().map(r -> r[1]).limit(sampleKeys).toList();
        return Optional.of(CheckResults.offenders(tableName, CheckNames.OUTSIDE_WINDOW, count, keys));
    }
}
