package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.support.sql.SqlQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Check 5: the source's window against staging, across databases, so by digests only: per key range the rows and the
 * sum of normalised-row hashes on both sides (same {@link Normalization}), mismatching ranges bisected, and only the
 * leaves' keys and row hashes read out.
 *
 * <p>CDC in flight: source rows whose window column is at or after the load's start changed after the load read them
 * (or while it did); they are left out of the source digest and a key that differs because of them is counted as
 * in flight, never as a failure. Their keys are read from the source first (up to {@link #EXCLUDED_KEYS}) and their
 * staged rows left out of the staged digest too: otherwise every key range CDC wrote to would mismatch and be
 * bisected, which under steady CDC is most ranges of a large window. A staged key the source no longer has (the load
 * read it, so it was deleted after the load started) is in flight too, once production does not have it either. If
 * production still holds it after a confirm delay, the check fails: CDC's delete found no row to delete (production
 * lacked it when the delete was applied) and the merge then inserted the load's copy — no change log can see a delete
 * that deleted nothing, so only the source can tell, and nothing will remove the row by itself. Columns are paired by
 * name ignoring case (Oracle upper case, PostgreSQL lower case); staging columns the source lacks are bookkeeping and
 * ignored.
 *
 * <p>A PostgreSQL source (the embedded default) is compared by typed values ({@link Normalization}'s
 * {@code hash_record}). An Oracle source is compared by one canonical text per value ({@link CanonicalForm}), computed
 * in each database: {@link OracleSql} on the source, {@link PostgresCanonical} on staging, bisected and read key by key
 * the same way; its keys are that canonical text on both sides.
 */
final class SourceChecks implements RangeComparison {

    private static final String S = StagedTable.S;
    private static final String O = "o";
    /**
     * Keys changed after the load started left out of both digests at most; with more, they are found by bisection
     * as any difference is (slower, same result).
     */
    static final int EXCLUDED_KEYS = 100_000;

    private final Connection staging;
    private final Connection source;
    private final StagedTable table;
    private final Relation sourceTable;
    private final Optional<Instant> loadStartedAt;
    private final CheckSettings settings;
    private final List<String> sourceKeys = new ArrayList<>();
    private final Column sourceLeadingKey;
    private final Optional<Column> sourceWindow;
    private final String stagedHash;
    private final String sourceHash;
    private final UnaryOperator<String> stagedKeyText;
    private final String sourceKeyText;
    private final Optional<OracleSql> oracle;
    /** Source keys changed after the load started, as key text, left out of the staged digests ({@link #run}). */
    private Set<String> changedAfterLoad = Set.of();

    /** How rows are compared with the source. */
    enum Dialect {
        /** A PostgreSQL source, by typed values. */
        POSTGRES,
        /**
         * A PostgreSQL source by canonical text, as an Oracle source is: the cross-engine path run where no Oracle is
         * (tests).
         */
        POSTGRES_CANONICAL,
        /** An Oracle source, by canonical text ({@link OracleSql}); its table read with {@link OracleSql#relation}. */
        ORACLE
    }

    /**
     * Which of these keys production holds now (outside the checks' snapshot): rendered keys in, rendered keys out,
     * keys rendered by {@code keyText} (the SQL of the key text of the row under an alias).
     */
    interface ProductionPresence {
        Set<String> present(List<KeyRange> leaves, Set<String> keys, UnaryOperator<String> keyText) throws SQLException;
    }

    private final ProductionPresence production;

    SourceChecks(Connection staging, Connection source, StagedTable table, Relation sourceTable, Optional<Instant> loadStartedAt,
                 CheckSettings settings, Dialect dialect, ProductionPresence production) {
        this.production = production;
        this.staging = staging;
        this.source = source;
        this.table = table;
        this.sourceTable = sourceTable;
        this.loadStartedAt = loadStartedAt;
        this.settings = settings;
        for (String key : table.keyColumns) {
            sourceKeys.add(sourceColumn(key).name());
        }
        this.sourceLeadingKey = sourceColumn(table.leadingKey.name());
        this.sourceWindow = table.windowColumn.map(w -> sourceColumn(w.name()));
        List<Column> stagedColumns = new ArrayList<>();
        List<Column> sourceColumns = new ArrayList<>();
        for (Column column : table.staging.columnList()) {
            sourceTable.columnIgnoringCase(column.name()).ifPresent(other -> {
                stagedColumns.add(column);
                sourceColumns.add(other);
            });
        }
        if (dialect == Dialect.POSTGRES) {
            this.stagedHash = Normalization.hash(Normalization.row(S, stagedColumns, sourceColumns));
            this.sourceHash = Normalization.hash(Normalization.row(O, sourceColumns, stagedColumns));
            this.stagedKeyText = alias -> Normalization.keyText(alias, table.keyColumns);
            this.sourceKeyText = Normalization.keyText(O, sourceKeys);
            this.oracle = Optional.empty();
            return;
        }
        CanonicalForm.Row row = CanonicalForm.Row.of(sourceColumns, dialect == Dialect.ORACLE ? OracleSql::type : PostgresCanonical::type, stagedColumns);
        List<Column> stagedKeys = table.keyColumns.stream().map(table.staging::column).toList();
        List<Column> sourceKeyColumns = table.keyColumns.stream().map(this::sourceColumn).toList();
        this.stagedHash = PostgresCanonical.rowHash(S, stagedColumns, row);
        this.stagedKeyText = alias -> PostgresCanonical.keyText(alias, stagedKeys, row);
        if (dialect == Dialect.ORACLE) {
            OracleSql sql = new OracleSql(sourceTable, sourceKeyColumns, sourceWindow, table.window, loadStartedAt, row);
            this.sourceHash = sql.rowHash();
            this.sourceKeyText = sql.keyText();
            this.oracle = Optional.of(sql);
        } else {
            this.sourceHash = PostgresCanonical.rowHash(O, sourceColumns, row);
            this.sourceKeyText = PostgresCanonical.keyText(O, sourceKeyColumns, row);
            this.oracle = Optional.empty();
        }
    }

    private Column sourceColumn(String stagingName) {
        return sourceTable.columnIgnoringCase(stagingName)
                .orElseThrow(() -> new InvalidRunException("source table " + sourceTable + " has no column " + stagingName));
    }

    CheckReport run(RangeLayout layout, String tableName) throws SQLException {
        changedAfterLoad = changedAfterLoad();
        Map<Integer, Digest> digests = new HashMap<>();
        long sourceWindowRows = 0;
        long stagedRows = 0;
        long inFlight = 0;
        for (long[] row : stagedDigest(layout, false)) {
            digests.put((int) row[0], new Digest(row[1], 0, row[2], 0));
            stagedRows += row[3];
            // staged copies of rows the source changed after the load read them
            inFlight += row[3] - row[1];
        }
        for (long[] row : sourceDigest(layout, false)) {
            Digest staged = digests.getOrDefault((int) row[0], new Digest(0, 0, 0, 0));
            digests.put((int) row[0], new Digest(staged.leftRows(), row[1], staged.leftHash(), row[2]));
            sourceWindowRows += row[3];
        }
        Bisector.Leaves bisected = new Bisector(settings.fanout(), settings.leafRows(), settings.keptKeys()).mismatchingLeaves(this, layout, digests);
        // ranges past the cap are not read key by key: they still differ, so the check cannot pass
        List<KeyRange> leaves = bisected.narrowedRanges();
        List<String> failures = new ArrayList<>();
        Set<String> deletedAfterLoad = new LinkedHashSet<>();
        if (!leaves.isEmpty()) {
            Map<String, Long> stagedHashes = stagedLeafRows(leaves);
            Map<String, SourceRow> sourceRows = sourceLeafRows(leaves);
            Set<String> keys = new LinkedHashSet<>(stagedHashes.keySet());
            sourceRows.forEach((key, row) -> {
                if (row.comparable()) {
                    keys.add(key);
                }
            });
            keys.removeAll(changedAfterLoad);
            for (String key : keys) {
                Long staged = stagedHashes.get(key);
                SourceRow row = sourceRows.get(key);
                if (staged != null && row != null && row.comparable() && staged.longValue() == row.hash()) {
                    continue;
                }
                if (row == null && staged != null) {
                    deletedAfterLoad.add(key);
                } else if (row != null && row.changedAfterLoad()) {
                    inFlight++;
                } else {
                    failures.add(key);
                }
            }
        }
        Set<String> resurrected = deletedAfterLoad.isEmpty() ? Set.of() : stillInProduction(leaves, deletedAfterLoad);
        inFlight += deletedAfterLoad.size() - resurrected.size();
        failures.addAll(resurrected);
        CheckResult result = new CheckResult(tableName, CheckNames.SOURCE, failures.isEmpty() && !bisected.capped(), Long.toString(sourceWindowRows),
                Long.toString(stagedRows), List.copyOf(failures.subList(0, Math.min(failures.size(), settings.sampleKeys()))), inFlight, null, List.of());
        List<String> sentences = new ArrayList<>();
        if (!resurrected.isEmpty()) {
            sentences.add(resurrected.size() + " key(s) the source deleted after the load read them are still in production " + sample(resurrected)
                    + ": CDC's delete found no row there (production lacked it when the delete was applied) and the merge inserted"
                    + " the load's copy; nothing removes such a row by itself");
        }
        if (bisected.capped()) {
            sentences.add("at least " + (bisected.ranges().size() - bisected.narrowed()) + " more key ranges differ from the source beyond the first "
                    + bisected.narrowed() + " compared key by key (sample-keys + repair-keys): not compared, so not proven equal");
        }
        return new CheckReport(result, sentences.isEmpty() ? null : String.join("; ", sentences), List.of(),
                failures.subList(0, Math.min(failures.size(), settings.keptKeys())),
                bisected.capped() || failures.size() > settings.keptKeys() ? KeyRange.joined(bisected.ranges()) : List.of());
    }

    /** Production's view of keys the source deleted after the load: looked at again after the confirm delay. */
    private Set<String> stillInProduction(List<KeyRange> leaves, Set<String> keys) throws SQLException {
        Set<String> present = production.present(leaves, keys, stagedKeyText);
        if (present.isEmpty() || settings.confirmDelay().isZero()) {
            return present;
        }
        try {
            Thread.sleep(settings.confirmDelay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to confirm deleted keys", e);
        }
        return production.present(leaves, present, stagedKeyText);
    }

    private String sample(Set<String> keys) {
        return keys.stream().limit(settings.sampleKeys()).toList().toString();
    }

    /**
     * Which of {@code keys} (their columns as text, in key order) the source has, whatever their window value: one
     * query joining the keys, bound as text arrays, with the source table through its key index.
     */
    boolean[] present(List<List<String>> keys) throws SQLException {
        boolean[] present = new boolean[keys.size()];
        if (keys.isEmpty()) {
            return present;
        }
        if (oracle.isPresent()) {
            oracle.get().present(keys).list(source, row -> present[row.getInt(1) - 1] = true);
            return present;
        }
        SqlQuery query = new SqlQuery().sql("SELECT x.n FROM unnest(");
        List<String> aliases = new ArrayList<>();
        List<String> on = new ArrayList<>();
        for (int i = 0; i < sourceKeys.size(); i++) {
            int column = i;
            query.param((i == 0 ? "" : ", ") + "?::text[]", new SqlQuery.TextArray(keys.stream().map(k -> k.get(column)).toList()));
            Column sourceKey = sourceColumn(table.keyColumns.get(i));
            aliases.add("k" + i);
            on.add(O + "." + Normalization.quote(sourceKey.name()) + " = x.k" + i + "::" + castType(sourceKey));
        }
        query.sql(") WITH ORDINALITY AS x(" + String.join(", ", aliases) + ", n) WHERE EXISTS (SELECT 1 FROM " + sourceTable.quoted() + " " + O
                + " WHERE " + String.join(" AND ", on) + ")");
        query.list(source, row -> present[(int) row.getLong(1) - 1] = true);
        return present;
    }

    /** The type a key's text is cast to for comparison: character types without a length, which would cut it short. */
    private static String castType(Column column) {
        return switch (column.typeName()) {
            case "varchar", "text" -> "text";
            case "bpchar" -> "bpchar";
            default -> column.formattedType();
        };
    }

    /** A source row of a leaf range: its hash, whether it is in the compared set, whether CDC changed it after the load started. */
    private record SourceRow(long hash, boolean comparable, boolean changedAfterLoad) {
    }

    @Override
    public Map<Integer, Digest> digest(RangeLayout layout) throws SQLException {
        Map<Integer, Digest> digests = new HashMap<>();
        for (long[] row : stagedDigest(layout, true)) {
            digests.put((int) row[0], new Digest(row[1], 0, row[2], 0));
        }
        for (long[] row : sourceDigest(layout, true)) {
            Digest staged = digests.getOrDefault((int) row[0], new Digest(0, 0, 0, 0));
            digests.put((int) row[0], new Digest(staged.leftRows(), row[1], staged.leftHash(), row[2]));
        }
        return digests;
    }

    @Override
    public Map<Integer, List<String>> splitPoints(RangeLayout ranges, int parts) throws SQLException {
        // the source table's key index, not a scan of staging
        if (oracle.isEmpty()) {
            return StagedTable.splitPoints(source, sourceTable, sourceLeadingKey, ranges, parts);
        }
        Map<Integer, List<String>> points = new HashMap<>();
        oracle.get().splitPoints(ranges, parts).list(source, row -> {
            int bucket = row.getInt(1);
            KeyRange range = ranges.ranges().get(bucket);
            if (range != null) {
                List<String> inside = new ArrayList<>();
                for (int i = 2; i <= parts; i++) {
                    // a range includes its lower bound, which is no point to split it at
                    String point = row.getString(i);
                    if (point != null && !point.equals(range.lo())) {
                        inside.add(point);
                    }
                }
                points.put(bucket, StagedTable.distinct(inside));
            }
            return bucket;
        });
        return points;
    }

    /**
     * The keys of the source rows changed at or after the load's start, whatever their window value now (through an
     * index on the window column where the source has one); none when there are more than {@link #EXCLUDED_KEYS}, or
     * no start or window column.
     */
    private Set<String> changedAfterLoad() throws SQLException {
        if (loadStartedAt.isEmpty() || sourceWindow.isEmpty()) {
            return Set.of();
        }
        SqlQuery query;
        if (oracle.isPresent()) {
            query = oracle.get().changedAfterLoad(EXCLUDED_KEYS + 1);
        } else {
            Column window = sourceWindow.get();
            query = new SqlQuery().sql("SELECT " + sourceKeyText + " FROM " + sourceTable.quoted() + " " + O + " WHERE " + O + "."
                    + Normalization.quote(window.name())).param(" >= ?", WindowFilter.bound(window, loadStartedAt.get()))
                    .param(" LIMIT ?", EXCLUDED_KEYS + 1);
        }
        Set<String> keys = new HashSet<>(query.list(source, row -> row.getString(1)));
        return keys.size() > EXCLUDED_KEYS ? Set.of() : keys;
    }

    /**
     * bucket, compared rows, their hash sum, all rows of the staged window: compared are those whose key the source
     * did not change after the load started.
     */
    private List<long[]> stagedDigest(RangeLayout layout, boolean restricted) throws SQLException {
        SqlQuery query = new SqlQuery().sql("SELECT b, count(*) FILTER (WHERE NOT x), coalesce(sum(h) FILTER (WHERE NOT x), 0), count(*) FROM (SELECT ");
        layout.bucket(query, table.ref(S, table.leadingKey.name()), table.leadingKey.formattedType());
        query.sql(" AS b, " + stagedHash + " AS h, ");
        if (changedAfterLoad.isEmpty()) {
            query.sql("false");
        } else {
            // an uncorrelated IN: PostgreSQL hashes the keys once
            query.sql(stagedKeyText.apply(S)).param(" IN (SELECT unnest(?::text[]))", new SqlQuery.TextArray(List.copyOf(changedAfterLoad)));
        }
        query.sql(" AS x FROM " + table.staging.quoted() + " " + S);
        table.whereInWindow(query);
        if (restricted) {
            layout.restrict(query, table.ref(S, table.leadingKey.name()), table.leadingKey.formattedType());
        }
        return query.sql(") d GROUP BY 1").list(staging, row -> new long[] {row.getInt(1), row.getLong(2), row.getLong(3), row.getLong(4)});
    }

    /** bucket, comparable rows, their hash sum, all rows of the source window. */
    private List<long[]> sourceDigest(RangeLayout layout, boolean restricted) throws SQLException {
        if (oracle.isPresent()) {
            // always restricted to the laid-out ranges, which is all rows for the first pass's covering layout
            return oracle.get().digest(layout).list(source, row -> new long[] {row.getInt(1), row.getLong(2), row.getLong(3), row.getLong(4)});
        }
        SqlQuery query = new SqlQuery().sql("SELECT ");
        layout.bucket(query, O + "." + Normalization.quote(sourceLeadingKey.name()), sourceLeadingKey.formattedType());
        query.sql(", count(*) FILTER (WHERE ");
        comparableCondition(query);
        query.sql("), coalesce(sum(" + sourceHash + ") FILTER (WHERE ");
        comparableCondition(query);
        query.sql("), 0), count(*) FROM " + sourceTable.quoted() + " " + O + " WHERE ");
        windowCondition(query);
        if (restricted) {
            layout.restrict(query, O + "." + Normalization.quote(sourceLeadingKey.name()), sourceLeadingKey.formattedType());
        }
        return query.sql(" GROUP BY 1").list(source, row -> new long[] {row.getInt(1), row.getLong(2), row.getLong(3), row.getLong(4)});
    }

    private SqlQuery windowCondition(SqlQuery query) {
        if (table.window.isPresent()) {
            return table.window.get().inside(query, O + "." + Normalization.quote(sourceWindow.orElseThrow().name()), sourceWindow.get());
        }
        return query.sql("true");
    }

    /** The row was last changed before the load started (always, without a load start or window column). */
    private SqlQuery comparableCondition(SqlQuery query) {
        if (loadStartedAt.isPresent() && sourceWindow.isPresent()) {
            return WindowFilter.before(query, O + "." + Normalization.quote(sourceWindow.get().name()), sourceWindow.get(), loadStartedAt.get());
        }
        return query.sql("true");
    }

    private Map<String, Long> stagedLeafRows(List<KeyRange> leaves) throws SQLException {
        RangeLayout layout = new RangeLayout();
        leaves.forEach(layout::add);
        SqlQuery query = new SqlQuery().sql("SELECT " + stagedKeyText.apply(S) + ", " + stagedHash + " FROM "
                + table.staging.quoted() + " " + S);
        table.whereInWindow(query);
        layout.restrict(query, table.ref(S, table.leadingKey.name()), table.leadingKey.formattedType());
        Map<String, Long> rows = new HashMap<>();
        query.list(staging, row -> rows.put(row.getString(1), row.getLong(2)));
        return rows;
    }

    /** Every source row in the leaf ranges, whatever its window value: a row CDC moved out of the window is in flight. */
    private Map<String, SourceRow> sourceLeafRows(List<KeyRange> leaves) throws SQLException {
        RangeLayout layout = new RangeLayout();
        leaves.forEach(layout::add);
        Map<String, SourceRow> rows = new HashMap<>();
        if (oracle.isPresent()) {
            oracle.get().leafRows(layout).list(source, row -> {
                // with many leaves, rows between them come in the gaps' buckets
                if (layout.ranges().containsKey(row.getInt(1))) {
                    rows.put(row.getString(2), new SourceRow(row.getLong(3), row.getInt(4) == 1, row.getInt(5) == 1));
                }
                return null;
            });
            return rows;
        }
        String key = O + "." + Normalization.quote(sourceLeadingKey.name());
        String type = sourceLeadingKey.formattedType();
        SqlQuery query = new SqlQuery().sql("SELECT " + sourceKeyText + ", " + sourceHash + ", (");
        windowCondition(query).sql(") AND (");
        comparableCondition(query).sql("), ");
        if (loadStartedAt.isPresent() && sourceWindow.isPresent()) {
            Column window = sourceWindow.get();
            query.sql("coalesce(" + O + "." + Normalization.quote(window.name())).param(" >= ?, false)", WindowFilter.bound(window, loadStartedAt.get()));
        } else {
            query.sql("false");
        }
        query.sql(" FROM " + sourceTable.quoted() + " " + O + " WHERE true");
        // every source row of the leaf ranges, through the source's key index
        layout.restrict(query, key, type);
        query.list(source, row -> rows.put(row.getString(1), new SourceRow(row.getLong(2), row.getBoolean(3), row.getBoolean(4))));
        return rows;
    }
}
