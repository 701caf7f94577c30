package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.KeyDifference;
import dev.dmsflow.support.sql.SqlQuery;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks 1 to 4 of one table, staging against production after the merge, built around one pass that full-joins the
 * staged window with production by key and computes, per key range, the staged count, missing keys, extra keys
 * (production rows of the window that were not staged), stale rows and the content hashes of both sides (cheaper than
 * separate count, anti-join and hash queries, see PERFORMANCE-NOTES.md). Ranges whose hashes differ are bisected down
 * to the exact keys.
 *
 * <p>Newer-wins as the merge applies it: a production row is stale when its window column is older than the staged
 * row's, or NULL while the staged row has a value (a known time beats none). Contents are compared only where both
 * window values are equal (both NULL included), because a differing production row that is newer is CDC's, not the
 * load's. Compared columns are those staging and production share, except the key (equal by the join) and the window
 * column (equal by the filter); staging-only bookkeeping columns are ignored.
 *
 * <p>Live CDC, when production has a change log: a missing key CDC deleted after the load started, and an extra key
 * CDC inserted or updated after it, are in flight, not failures.
 */
final class ProductionChecks implements RangeComparison {

    /** Whether each key (its columns as text, in key order) is in the source. */
    interface SourceKeys {
        boolean[] present(List<List<String>> keys) throws SQLException;
    }

    private static final String S = StagedTable.S;
    private static final String P = "p";
    /** Marks a staged row in the full join, whatever its columns hold; not a name of any dmsflow table. */
    private static final String STAGED = "\"dmsflow$staged\"";
    /** How often the staged window holds the row's key (multi-stage views can yield a key more than once). */
    private static final String COPIES = "\"dmsflow$copies\"";
    /** Extra keys looked up in the source at most, to say where they come from. */
    static final int CLASSIFIED_KEYS = 10_000;

    private final Connection connection;
    private final StagedTable table;
    private final Relation production;
    private final Optional<ChangeLogTable> changes;
    private final boolean duplicatesReportedElsewhere;
    private final CheckSettings settings;
    private final Column productionLeadingKey;
    private final Optional<Column> productionWindow;
    private final List<Column> comparedStaged;
    private final List<Column> comparedProduction;
    private final String stagedRow;
    private final String productionRow;

    /**
     * @param duplicatesReportedElsewhere keys staged more than once are named by another check (a multi-stage view's
     *                                    FINAL_DUPLICATES), so CONTENTS leaves them out rather than name them again
     */
    ProductionChecks(Connection connection, StagedTable table, Relation production, Optional<ChangeLogTable> changes,
                     boolean duplicatesReportedElsewhere, CheckSettings settings) {
        this.connection = connection;
        this.table = table;
        this.production = production;
        this.changes = changes;
        this.duplicatesReportedElsewhere = duplicatesReportedElsewhere;
        this.settings = settings;
        table.keyColumns.forEach(production::column);
        this.productionWindow = table.windowColumn.map(w -> production.column(w.name()));
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
        this.comparedStaged = List.copyOf(stagedColumns);
        this.comparedProduction = List.copyOf(productionColumns);
        this.stagedRow = Normalization.row(S, stagedColumns, productionColumns);
        this.productionRow = Normalization.row(P, productionColumns, stagedColumns);
    }

    /** Per key range of the first pass; {@code missing} and {@code extra} include the keys in flight. */
    private record PassRow(int bucket, long staged, long missing, long missingInFlight, long extra, long extraInFlight, long stale,
                           long compared, long stagedHash, long productionHash, long differing) {
    }

    /** A production key that was not staged: as users read it, and its columns as text. */
    private record ExtraKey(String text, List<String> columns) {
    }

    List<CheckReport> run(RangeLayout layout, long fullLoadRows, String tableName, Optional<SourceKeys> source) throws SQLException {
        List<PassRow> pass = passQuery(layout, false).list(connection, ProductionChecks::passRow);
        long staged = pass.stream().mapToLong(PassRow::staged).sum();
        long missingInFlight = pass.stream().mapToLong(PassRow::missingInFlight).sum();
        long missing = pass.stream().mapToLong(PassRow::missing).sum() - missingInFlight;
        long extraInFlight = pass.stream().mapToLong(PassRow::extraInFlight).sum();
        long extra = pass.stream().mapToLong(PassRow::extra).sum() - extraInFlight;
        long stale = pass.stream().mapToLong(PassRow::stale).sum();
        List<CheckReport> results = new ArrayList<>();
        results.add(CheckReport.of(CheckResults.count(tableName, CheckNames.STAGED_COUNT, fullLoadRows, staged)));
        List<String> missingKeys = missing == 0 ? List.of() : missingKeys(layout, pass);
        Figure missingFigure = row -> row.missing() - row.missingInFlight();
        results.add(new CheckReport(CheckResults.offenders(tableName, CheckNames.MISSING, missing, sample(missingKeys), missingInFlight),
                missingInFlight == 0 ? null : missingInFlight + " staged " + keys(missingInFlight)
                        + " deleted from production by CDC after the load started: in flight, not missing", List.of(), missingKeys,
                beyond(missing, missingKeys, layout, pass, missingFigure)));
        results.add(extra(layout, pass, tableName, extra, extraInFlight, source));
        if (table.windowColumn.isPresent()) {
            List<String> staleKeys = stale == 0 ? List.of() : keptKeys(layout, pass, PassRow::stale, staleCondition());
            results.add(new CheckReport(CheckResults.offenders(tableName, CheckNames.STALE, stale, sample(staleKeys)), null, List.of(),
                    staleKeys, beyond(stale, staleKeys, layout, pass, PassRow::stale)));
        }
        Map<Integer, Digest> digests = new HashMap<>();
        pass.forEach(row -> digests.put(row.bucket(), new Digest(row.compared(), row.compared(), row.stagedHash(), row.productionHash(), row.differing())));
        Bisector.Leaves leaves = new Bisector(settings.fanout(), settings.leafRows(), settings.keptKeys()).mismatchingLeaves(this, layout, digests);
        Differing differing = leaves.narrowed() == 0 ? new Differing(0, List.of()) : differingKeys(leaves.narrowedRanges());
        long count = differing.count() + leaves.settledDiffering();
        List<KeyDifference> differences = new ArrayList<>();
        List<ColumnValues> values = new ArrayList<>();
        List<String> sampleKeys = sample(differing.keys());
        if (!sampleKeys.isEmpty()) {
            columnDifferences(leaves.narrowedRanges(), sampleKeys, differences, values);
        }
        CheckResult contents = CheckResult.newBuilder(CheckResults.offenders(tableName, CheckNames.CONTENTS, count, sampleKeys))
                .setDifferences(differences).build();
        results.add(new CheckReport(contents, leaves.capped()
                ? count + " rows differ: the first " + differing.count() + " compared value by value (sample-keys + repair-keys reached),"
                        + " the other " + leaves.settledDiffering() + " counted by their row hashes"
                : null, values, differing.keys(), count > differing.keys().size() ? KeyRange.joined(leaves.ranges()) : List.of()));
        return results;
    }

    /**
     * For the sample keys of CONTENTS, which compared columns differ (normalised as the hashes compare them), and both
     * copies' values: the staged copy (the source's, as loaded) and production's.
     */
    private void columnDifferences(List<KeyRange> leaves, List<String> keys, List<KeyDifference> differences, List<ColumnValues> values)
            throws SQLException {
        RangeLayout layout = new RangeLayout();
        leaves.forEach(layout::add);
        List<String> staged = new ArrayList<>();
        List<String> produced = new ArrayList<>();
        for (int i = 0; i < comparedStaged.size(); i++) {
            staged.add(Normalization.value(S, comparedStaged.get(i), comparedProduction.get(i)) + "::text");
            produced.add(Normalization.value(P, comparedProduction.get(i), comparedStaged.get(i)) + "::text");
        }
        SqlQuery query = new SqlQuery().sql("SELECT " + Normalization.keyText(S, table.keyColumns) + ", ARRAY[" + String.join(", ", staged)
                + "]::text[], ARRAY[" + String.join(", ", produced) + "]::text[]");
        joined(query, Optional.of(layout), false);
        query.sql(" WHERE " + sameVersion() + " AND " + Normalization.keyText(S, table.keyColumns)).param(" = ANY (?::text[])", new SqlQuery.TextArray(keys));
        Map<String, List<List<String>>> rows = new HashMap<>();
        query.list(connection, row -> rows.put(row.getString(1), List.of(Arrays.asList((String[]) row.getArray(2).getArray()),
                Arrays.asList((String[]) row.getArray(3).getArray()))));
        for (String key : keys) {
            List<List<String>> both = rows.get(key);
            if (both == null) {
                continue;
            }
            List<String> columns = new ArrayList<>();
            for (int i = 0; i < comparedStaged.size(); i++) {
                if (!Objects.equals(both.get(0).get(i), both.get(1).get(i))) {
                    String column = comparedStaged.get(i).name();
                    columns.add(column);
                    values.add(new ColumnValues(key, column, both.get(0).get(i), both.get(1).get(i)));
                }
            }
            differences.add(new KeyDifference(key, columns));
        }
    }

    private static PassRow passRow(ResultSet row) throws SQLException {
        return new PassRow(row.getInt(1), row.getLong(2), row.getLong(3), row.getLong(4), row.getLong(5), row.getLong(6), row.getLong(7),
                row.getLong(8), row.getLong(9), row.getLong(10), row.getLong(11));
    }

    private static String keys(long count) {
        return count == 1 ? "key was" : "keys were";
    }

    /**
     * The staged rows of the window (only those in {@code restricted}'s ranges when given), marked so that a full join
     * tells them from production rows without a staged row.
     */
    private SqlQuery staged(SqlQuery query, Optional<RangeLayout> restricted, boolean countCopies) {
        query.sql("(SELECT " + S + ".*, true AS " + STAGED);
        if (countCopies) {
            query.sql(", count(*) OVER (PARTITION BY " + String.join(", ", table.keyColumns.stream().map(k -> table.ref(S, k)).toList()) + ") AS " + COPIES);
        }
        query.sql(" FROM " + table.staging.quoted() + " " + S);
        table.whereInWindow(query);
        restricted.ifPresent(layout -> layout.restrict(query, leadingKey(), table.leadingKey.formattedType()));
        return query.sql(") " + S);
    }

    private String on() {
        return String.join(" AND ", table.keyColumns.stream().map(k -> table.ref(P, k) + " = " + table.ref(S, k)).toList());
    }

    /** {@code FROM <staged window> LEFT JOIN production}: every staged row, with its production row if any. */
    private SqlQuery joined(SqlQuery query, Optional<RangeLayout> restricted, boolean countCopies) {
        query.sql(" FROM ");
        staged(query, restricted, countCopies);
        return query.sql(" LEFT JOIN " + production.quoted() + " " + P + " ON " + on());
    }

    private String isStaged() {
        return S + "." + STAGED + " IS NOT NULL";
    }

    private String inProduction() {
        return table.ref(P, productionLeadingKey.name()) + " IS NOT NULL";
    }

    private String missingCondition() {
        return isStaged() + " AND NOT " + inProduction();
    }

    private String extraCondition() {
        return "NOT " + isStaged();
    }

    private String staleCondition() {
        String w = table.windowColumn.orElseThrow().name();
        String s = table.ref(S, w);
        String p = table.ref(P, w);
        return inProduction() + " AND " + s + " IS NOT NULL AND (" + p + " IS NULL OR " + p + " < " + s + ")";
    }

    /**
     * Both sides hold the key with the same window value, NULL on both sides included (rows no window selects, compared
     * like any others when the run has no window): the rows must then be equal.
     */
    private String sameVersion() {
        String both = isStaged() + " AND " + inProduction();
        return table.windowColumn.map(w -> both + " AND " + table.ref(P, w.name()) + " IS NOT DISTINCT FROM " + table.ref(S, w.name()))
                .orElse(both);
    }

    private String leadingKey() {
        return table.ref(S, table.leadingKey.name());
    }

    /** The leading key of a full join's row, from whichever side has it, in staging's type (the layout's). */
    private String eitherLeadingKey() {
        String p = table.ref(P, productionLeadingKey.name());
        boolean sameType = productionLeadingKey.typeName().equals(table.leadingKey.typeName());
        return "coalesce(" + leadingKey() + ", " + (sameType ? p : p + "::" + table.leadingKey.formattedType()) + ")";
    }

    /**
     * The first pass ({@code restricted} empty) full-joins the staged window with production's rows and keeps the
     * production rows in the window without a staged row, the extra keys; bisection levels only need the staged rows
     * of their ranges and their production rows. Each row's figures and hashes are computed once, in a subquery kept
     * apart ({@code OFFSET 0}) so that the aggregates share them: the rows whose hashes differ are counted exactly
     * along with the hash sums, at no extra hashing.
     */
    private SqlQuery passQuery(RangeLayout layout, boolean restricted) {
        String same = sameVersion();
        String stale = table.windowColumn.isPresent() ? staleCondition() : "false";
        SqlQuery query = new SqlQuery().sql("SELECT bucket, count(*) FILTER (WHERE staged), count(*) FILTER (WHERE missing),"
                + " count(*) FILTER (WHERE missing_in_flight), count(*) FILTER (WHERE extra), count(*) FILTER (WHERE extra_in_flight),"
                + " count(*) FILTER (WHERE stale), count(*) FILTER (WHERE same), coalesce(sum(staged_hash), 0), coalesce(sum(production_hash), 0),"
                + " count(*) FILTER (WHERE staged_hash <> production_hash) FROM (SELECT ");
        layout.bucket(query, restricted ? leadingKey() : eitherLeadingKey(), table.leadingKey.formattedType());
        query.sql(" AS bucket, " + isStaged() + " AS staged, " + missingCondition() + " AS missing"
                // the change log is read only once a row is missing or extra (short-circuit AND), then hashed once
                + ", " + missingCondition() + " AND ");
        ChangeLogTable.deletedSince(changes, query, S);
        query.sql(" AS missing_in_flight, " + extraCondition() + " AS extra, " + extraCondition() + " AND ");
        ChangeLogTable.writtenSince(changes, query, P);
        query.sql(" AS extra_in_flight, " + stale + " AS stale, " + same + " AS same"
                + ", CASE WHEN " + same + " THEN " + Normalization.hash(stagedRow) + " END AS staged_hash"
                + ", CASE WHEN " + same + " THEN " + Normalization.hash(productionRow) + " END AS production_hash");
        if (restricted) {
            joined(query, Optional.of(layout), false);
        } else {
            query.sql(" FROM ");
            staged(query, Optional.empty(), false);
            if (table.window.isPresent()) {
                // only production's rows that can pair with a staged row (their leading key within staging's, read
                // off its ends) or be extra (in the window) join: production is often several windows large, and
                // joining all of it hashed or sorted three times the rows the check needs
                String productionKey = table.ref(P, productionLeadingKey.name());
                String stagedKey = table.ref(S, table.leadingKey.name());
                String end = "(SELECT " + stagedKey + " FROM " + table.staging.quoted() + " " + S + " ORDER BY " + stagedKey;
                query.sql(" FULL JOIN (SELECT * FROM " + production.quoted() + " " + P + " WHERE " + productionKey + " >= " + end
                        + " LIMIT 1) AND " + productionKey + " <= " + end + " DESC LIMIT 1) OR ");
                table.window.get().inside(query, table.ref(P, productionWindow.orElseThrow().name()), productionWindow.get());
                query.sql(") " + P + " ON " + on());
                // production rows outside the window are no business of this run unless they hold a staged key
                query.sql(" WHERE " + isStaged() + " OR ");
                table.window.get().inside(query, table.ref(P, productionWindow.orElseThrow().name()), productionWindow.get());
            } else {
                query.sql(" FULL JOIN " + production.quoted() + " " + P + " ON " + on());
            }
        }
        return query.sql(" OFFSET 0) r GROUP BY 1");
    }

    @Override
    public Map<Integer, Digest> digest(RangeLayout layout) throws SQLException {
        Map<Integer, Digest> digests = new HashMap<>();
        for (PassRow row : passQuery(layout, true).list(connection, ProductionChecks::passRow)) {
            digests.put(row.bucket(), new Digest(row.compared(), row.compared(), row.stagedHash(), row.productionHash(), row.differing()));
        }
        return digests;
    }

    @Override
    public Map<Integer, List<String>> splitPoints(RangeLayout ranges, int parts) throws SQLException {
        // production has the key index (the merge relies on it); staging need not
        return StagedTable.splitPoints(connection, production, productionLeadingKey, ranges, parts);
    }

    /** How many rows differ, and the first of their keys. */
    private record Differing(long count, List<String> keys) {
    }

    /**
     * The rows of the mismatching ranges that differ, compared row by row: their exact number and the first
     * {@code sampleKeys + repairKeys} keys, whatever their number (the count is taken in the database, never by
     * listing keys).
     */
    private Differing differingKeys(List<KeyRange> leaves) throws SQLException {
        RangeLayout layout = new RangeLayout();
        leaves.forEach(layout::add);
        SqlQuery query = new SqlQuery().sql("SELECT count(*) OVER (), " + Normalization.keyText(S, table.keyColumns));
        joined(query, Optional.of(layout), duplicatesReportedElsewhere);
        query.sql(" WHERE " + sameVersion() + " AND " + stagedRow + " IS DISTINCT FROM " + productionRow);
        if (duplicatesReportedElsewhere) {
            query.sql(" AND " + S + "." + COPIES + " = 1");
        }
        query.sql(table.orderByKey(S)).param(" LIMIT ?", settings.keptKeys());
        List<String[]> rows = query.list(connection, row -> new String[] {row.getString(1), row.getString(2)});
        long count = rows.isEmpty() ? 0 : Long.parseLong(rows.get(0)[0]);
        return new Differing(count, rows.stream().map(r -> r[1]).toList());
    }

    private interface Figure {
        long of(PassRow row);
    }

    /** The ranges where the pass counted some of {@code figure}. */
    private static RangeLayout offending(RangeLayout layout, List<PassRow> pass, Figure figure) {
        RangeLayout offending = new RangeLayout();
        Map<Integer, PassRow> byBucket = new HashMap<>();
        pass.forEach(row -> byBucket.put(row.bucket(), row));
        layout.ranges().forEach((bucket, range) -> {
            PassRow row = byBucket.get(bucket);
            if (row != null && figure.of(row) > 0) {
                offending.add(range);
            }
        });
        return offending;
    }

    /** The first sample-keys + repair-keys staged keys matching {@code condition}, in the ranges where the pass counted some. */
    private List<String> keptKeys(RangeLayout layout, List<PassRow> pass, Figure figure, String condition) throws SQLException {
        SqlQuery query = new SqlQuery().sql("SELECT " + Normalization.keyText(S, table.keyColumns));
        joined(query, Optional.of(offending(layout, pass, figure)), false);
        query.sql(" WHERE " + condition + table.orderByKey(S)).param(" LIMIT ?", settings.keptKeys());
        return query.list(connection, row -> row.getString(1));
    }

    /** The first sample-keys + repair-keys missing keys, those CDC deleted after the load started left out. */
    private List<String> missingKeys(RangeLayout layout, List<PassRow> pass) throws SQLException {
        SqlQuery query = new SqlQuery().sql("SELECT " + Normalization.keyText(S, table.keyColumns));
        joined(query, Optional.of(offending(layout, pass, row -> row.missing() - row.missingInFlight())), false);
        query.sql(" WHERE " + missingCondition() + " AND NOT ");
        ChangeLogTable.deletedSince(changes, query, S);
        query.sql(table.orderByKey(S)).param(" LIMIT ?", settings.keptKeys());
        return query.list(connection, row -> row.getString(1));
    }

    /** Check EXTRA: its sample keys and, with a source, how many of the extra keys the source has. */
    private CheckReport extra(RangeLayout layout, List<PassRow> pass, String tableName, long extra, long inFlight, Optional<SourceKeys> source)
            throws SQLException {
        List<ExtraKey> keys = extra == 0 ? List.of()
                : extraKeys(layout, pass, Math.max(settings.keptKeys(), source.isPresent() ? CLASSIFIED_KEYS : 0));
        List<String> kept = keys.stream().map(ExtraKey::text).limit(settings.keptKeys()).toList();
        CheckResult result = CheckResults.offenders(tableName, CheckNames.EXTRA, extra, sample(kept), inFlight);
        List<String> sentences = new ArrayList<>();
        if (extra > 0) {
            sentences.add(extra + " production " + (extra == 1 ? "row" : "rows") + (table.window.isPresent() ? " in the window" : "")
                    + " without a staged row");
            if (source.isPresent() && !keys.isEmpty()) {
                sentences.add(classified(keys, source.get(), extra));
            }
        }
        if (inFlight > 0) {
            sentences.add(inFlight + " production " + keys(inFlight) + " inserted or updated by CDC after the load started: in flight, not extra");
        }
        return new CheckReport(result, sentences.isEmpty() ? null : String.join("; ", sentences), List.of(), kept,
                beyond(extra, kept, layout, pass, row -> row.extra() - row.extraInFlight()));
    }

    /** The ranges of the first pass that hold the offenders, when there are more of them than the keys kept. */
    private static List<KeyRange> beyond(long offenders, List<String> kept, RangeLayout layout, List<PassRow> pass, Figure figure) {
        return offenders > kept.size() ? KeyRange.joined(offending(layout, pass, figure).ranges().values()) : List.of();
    }

    /** The first sample-keys of the keys a check kept: what its event names. */
    private List<String> sample(List<String> keys) {
        return keys.subList(0, Math.min(keys.size(), settings.sampleKeys()));
    }

    /** How many extra keys the source has, and which, for the sentence of check EXTRA. */
    private String classified(List<ExtraKey> keys, SourceKeys source, long extra) throws SQLException {
        boolean[] present = source.present(keys.stream().map(ExtraKey::columns).toList());
        List<String> inSource = new ArrayList<>();
        List<String> notInSource = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            (present[i] ? inSource : notInSource).add(keys.get(i).text());
        }
        List<String> parts = new ArrayList<>();
        if (!inSource.isEmpty()) {
            parts.add(inSource.size() + " in the source (the load missed " + (inSource.size() == 1 ? "it or it" : "them or they") + " moved)"
                    + sampleText(inSource));
        }
        if (!notInSource.isEmpty()) {
            parts.add(notInSource.size() + " not in the source (deleted there and the delete never reached production, or never there)"
                    + sampleText(notInSource));
        }
        return (keys.size() < extra ? "of the first " + keys.size() + " by key, " : "") + String.join(", ", parts);
    }

    private String sampleText(List<String> keys) {
        return keys.isEmpty() ? "" : " " + sample(keys);
    }

    /**
     * Up to {@code limit} production keys of the window without a staged row, CDC's writes after the load started left
     * out, looking only in the ranges where the pass counted some.
     */
    private List<ExtraKey> extraKeys(RangeLayout layout, List<PassRow> pass, int limit) throws SQLException {
        SqlQuery query = new SqlQuery().sql("SELECT " + Normalization.keyText(P, table.keyColumns));
        table.keyColumns.forEach(k -> query.sql(", " + table.ref(P, k) + "::text"));
        query.sql(" FROM " + production.quoted() + " " + P + " WHERE ");
        if (table.window.isPresent()) {
            table.window.get().inside(query, table.ref(P, productionWindow.orElseThrow().name()), productionWindow.get());
        } else {
            query.sql("true");
        }
        offending(layout, pass, row -> row.extra() - row.extraInFlight())
                .restrict(query, table.ref(P, productionLeadingKey.name()), table.leadingKey.formattedType());
        query.sql(" AND NOT EXISTS (SELECT 1 FROM " + table.staging.quoted() + " " + S);
        table.whereInWindow(query);
        query.sql(" AND " + on() + ") AND NOT ");
        ChangeLogTable.writtenSince(changes, query, P);
        query.sql(table.orderByKey(P)).param(" LIMIT ?", limit);
        return query.list(connection, row -> {
            List<String> columns = new ArrayList<>();
            for (int i = 0; i < table.keyColumns.size(); i++) {
                columns.add(row.getString(i + 2));
            }
            return new ExtraKey(row.getString(1), columns);
        });
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
