package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.KeyDifference;
import dev.dmsflow.support.sql.SqlQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Objects;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A validate-only run's checks of one table: the source's window against production's, across databases, by digests
 * only (nothing is staged or written). Per key range both sides' rows and the sum of their normalised-row hashes
 * ({@link Normalization}, columns paired by name ignoring case), computed in both databases at once; mismatching ranges
 * bisected to leaf ranges whose rows are read key by key and classified. An Oracle source is read by canonical text
 * ({@link OracleSql} there, {@link PostgresCanonical} on production), as the SOURCE check reads it. Classes: MISSING (the source's row is not in
 * production), EXTRA (production's row is not in the source), CONTENTS (both hold the key, the rows differ; the
 * columns that differ are named).
 *
 * <p>Live CDC: a row whose window column is at or after the run's start changed in that database while the run ran;
 * such rows are left out of both digests, and a differing key with such a row on either side is in flight, not a
 * failure. A key that differs otherwise is looked at once more after the confirm delay (CDC may still have been
 * applying a change made before the run started, as GoldenGate Veridata's "confirm out of sync" does): a key that then
 * matches, or changed meanwhile, is in flight too. Rows whose window column is NULL are in no window; a run without a
 * window compares them like any others.
 */
final class ValidateOnlyChecks implements RangeComparison {

    /** The source's reads run beside production's: the two databases work at once. */
    private static final ExecutorService SOURCE_READS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "validate-only-source");
        thread.setDaemon(true);
        return thread;
    });

    enum Kind { MISSING, EXTRA, CONTENTS }

    /** New connections outside the checks' snapshots, for the confirm pass. */
    interface Reconnect {
        Connection production() throws SQLException;

        Connection source() throws SQLException;
    }

    /** One database's copy of the table: its digests per key range, its leaf rows and the compared values of some keys. */
    private interface Side {
        /** bucket → comparable rows, their hash sum, all rows in the window. */
        Map<Integer, long[]> digest(Connection connection, RangeLayout layout, boolean restricted) throws SQLException;

        /** The window's comparable rows and all its rows, counted without hashing them. */
        long[] counts(Connection connection) throws SQLException;

        /** Every row of the leaf ranges, whatever its window value (a row CDC moved out of the window differs too). */
        Map<String, SideRow> leafRows(Connection connection, RangeLayout leaves) throws SQLException;

        /** The compared values of the wanted keys' rows, as text, in column order; NULL values stay null. */
        Map<String, List<String>> values(Connection connection, RangeLayout leaves, Set<String> wanted) throws SQLException;

        /** The compared values of the rows of these leading-key texts, by the text as given: one query, keys bound as one array. */
        Map<String, List<String>> keyValues(Connection connection, List<String> keys) throws SQLException;
    }

    /**
     * A PostgreSQL copy: values normalised and hashed as typed values ({@link Normalization}) when both sides are
     * PostgreSQL, or as canonical text ({@link PostgresCanonical}) against an Oracle source.
     */
    private final class PostgresSide implements Side {
        final Relation table;
        final String alias;
        final Column leadingKey;
        final Optional<Column> windowColumn;
        final String hash;
        final String keyText;
        final List<String> values;

        PostgresSide(Relation table, String alias, List<Column> columns, List<Column> others, Optional<CanonicalForm.Row> canonical) {
            this.table = table;
            this.alias = alias;
            List<Column> keys = keyColumns.stream().map(k -> column(table, k)).toList();
            this.leadingKey = keys.get(0);
            this.windowColumn = windowColumnName.map(w -> column(table, w));
            List<String> texts = new ArrayList<>();
            if (canonical.isPresent()) {
                CanonicalForm.Row row = canonical.get();
                this.hash = PostgresCanonical.rowHash(alias, columns, row);
                this.keyText = PostgresCanonical.keyText(alias, keys, row);
                columns.forEach(c -> texts.add(PostgresCanonical.value(alias + "." + Normalization.quote(c.name()), c, row.form(c))));
            } else {
                this.hash = Normalization.hash(Normalization.row(alias, columns, others));
                this.keyText = Normalization.keyText(alias, keys.stream().map(Column::name).toList());
                for (int i = 0; i < columns.size(); i++) {
                    texts.add(Normalization.value(alias, columns.get(i), others.get(i)) + "::text");
                }
            }
            this.values = texts;
        }

        String key() {
            return alias + "." + Normalization.quote(leadingKey.name());
        }

        SqlQuery inWindow(SqlQuery query) {
            if (window.isPresent() && windowColumn.isPresent()) {
                return window.get().inside(query, alias + "." + Normalization.quote(windowColumn.get().name()), windowColumn.get());
            }
            return query.sql("true");
        }

        /** Changed at or after the run's start; NULL never is (the run has no window, or the row is in none). */
        SqlQuery changed(SqlQuery query) {
            if (windowColumn.isEmpty()) {
                return query.sql("false");
            }
            Column w = windowColumn.get();
            return query.sql("coalesce(" + alias + "." + Normalization.quote(w.name())).param(" >= ?, false)", WindowFilter.bound(w, startedAt));
        }

        @Override
        public Map<Integer, long[]> digest(Connection connection, RangeLayout layout, boolean restricted) throws SQLException {
            SqlQuery query = new SqlQuery().sql("SELECT ");
            layout.bucket(query, key(), leadingKey.formattedType());
            query.sql(", count(*) FILTER (WHERE NOT ");
            changed(query).sql("), coalesce(sum(" + hash + ") FILTER (WHERE NOT ");
            changed(query).sql("), 0), count(*) FROM " + table.quoted() + " " + alias + " WHERE ");
            inWindow(query);
            if (restricted) {
                layout.restrict(query, key(), leadingKey.formattedType());
            }
            Map<Integer, long[]> digests = new HashMap<>();
            query.sql(" GROUP BY 1").list(connection, r -> digests.put(r.getInt(1), new long[] {r.getLong(2), r.getLong(3), r.getLong(4)}));
            return digests;
        }

        @Override
        public long[] counts(Connection connection) throws SQLException {
            SqlQuery query = new SqlQuery().sql("SELECT count(*) FILTER (WHERE NOT ");
            changed(query).sql("), count(*) FROM " + table.quoted() + " " + alias + " WHERE ");
            return inWindow(query).single(connection, r -> new long[] {r.getLong(1), r.getLong(2)});
        }

        @Override
        public Map<String, SideRow> leafRows(Connection connection, RangeLayout leaves) throws SQLException {
            SqlQuery query = new SqlQuery().sql("SELECT ");
            leaves.bucket(query, key(), leadingKey.formattedType());
            query.sql(", " + keyText + ", " + hash + ", ");
            inWindow(query).sql(", ");
            changed(query).sql(" FROM " + table.quoted() + " " + alias + " WHERE true");
            leaves.restrict(query, key(), leadingKey.formattedType());
            Map<String, SideRow> rows = new HashMap<>();
            query.list(connection, r -> rows.put(r.getString(2), new SideRow(r.getInt(1), r.getLong(3), r.getBoolean(4), r.getBoolean(5))));
            return rows;
        }

        @Override
        public Map<String, List<String>> values(Connection connection, RangeLayout leaves, Set<String> wanted) throws SQLException {
            SqlQuery query = new SqlQuery().sql("SELECT " + keyText + ", ARRAY[" + String.join(", ", values) + "]::text[] FROM "
                    + table.quoted() + " " + alias + " WHERE true");
            leaves.restrict(query, key(), leadingKey.formattedType());
            Map<String, List<String>> rows = new HashMap<>();
            query.list(connection, r -> {
                String key = r.getString(1);
                return wanted.contains(key) ? rows.put(key, Arrays.asList((String[]) r.getArray(2).getArray())) : null;
            });
            return rows;
        }

        @Override
        public Map<String, List<String>> keyValues(Connection connection, List<String> keys) throws SQLException {
            // joined by the key given, cast to the column's type, so the result comes back under the text it was asked by
            SqlQuery query = new SqlQuery().sql("SELECT k.t, ARRAY[" + String.join(", ", values) + "]::text[] FROM ")
                    .param("unnest(?::text[]) AS k (t)", new SqlQuery.TextArray(keys))
                    .sql(" JOIN " + table.quoted() + " " + alias + " ON " + key() + " = k.t::" + leadingKey.formattedType());
            Map<String, List<String>> rows = new HashMap<>();
            query.list(connection, r -> rows.put(r.getString(1), Arrays.asList((String[]) r.getArray(2).getArray())));
            return rows;
        }
    }

    /** An Oracle source, by canonical text: {@link OracleSql}'s queries, whose rows between many ranges come in gaps' buckets. */
    private static final class OracleSide implements Side {
        final OracleSql sql;
        final int columns;

        OracleSide(OracleSql sql, int columns) {
            this.sql = sql;
            this.columns = columns;
        }

        @Override
        public Map<Integer, long[]> digest(Connection connection, RangeLayout layout, boolean restricted) throws SQLException {
            // always restricted to the laid-out ranges, which is every row for the first pass's covering layout
            Map<Integer, long[]> digests = new HashMap<>();
            sql.digest(layout).list(connection, r -> layout.ranges().containsKey(r.getInt(1))
                    ? digests.put(r.getInt(1), new long[] {r.getLong(2), r.getLong(3), r.getLong(4)}) : null);
            return digests;
        }

        @Override
        public long[] counts(Connection connection) throws SQLException {
            return sql.counts().single(connection, r -> new long[] {r.getLong(1), r.getLong(2)});
        }

        @Override
        public Map<String, SideRow> leafRows(Connection connection, RangeLayout leaves) throws SQLException {
            Map<String, SideRow> rows = new HashMap<>();
            sql.leafRows(leaves).list(connection, r -> {
                if (!leaves.ranges().containsKey(r.getInt(1))) {
                    return null;
                }
                boolean changed = r.getInt(5) == 1;
                // a changed row's window membership is not read: it is in flight whatever it is
                return rows.put(r.getString(2), new SideRow(r.getInt(1), r.getLong(3), r.getInt(4) == 1 || changed, changed));
            });
            return rows;
        }

        @Override
        public Map<String, List<String>> values(Connection connection, RangeLayout leaves, Set<String> wanted) throws SQLException {
            Map<String, List<String>> rows = new HashMap<>();
            sql.leafValues(leaves).list(connection, r -> {
                String key = r.getString(2);
                if (!leaves.ranges().containsKey(r.getInt(1)) || !wanted.contains(key)) {
                    return null;
                }
                List<String> values = new ArrayList<>();
                for (int i = 0; i < columns; i++) {
                    values.add(r.getString(3 + i));
                }
                return rows.put(key, values);
            });
            return rows;
        }

        @Override
        public Map<String, List<String>> keyValues(Connection connection, List<String> keys) throws SQLException {
            Map<String, List<String>> rows = new HashMap<>();
            sql.keyValues(keys).list(connection, r -> {
                List<String> values = new ArrayList<>();
                for (int i = 0; i < columns; i++) {
                    values.add(r.getString(2 + i));
                }
                return rows.put(keys.get(r.getInt(1) - 1), values);
            });
            return rows;
        }
    }

    /** A row of a leaf range: its range, hash, whether it is in the window, whether it changed after the run started. */
    private record SideRow(int bucket, long hash, boolean inWindow, boolean changed) {
    }

    /** Keys that differ per kind, the keys in flight, and which leaf ranges hold the differing keys. */
    private static final class Classified {
        final Map<Kind, List<String>> failures = new EnumMap<>(Kind.class);
        final Map<Kind, Set<String>> inFlight = new EnumMap<>(Kind.class);
        /** The leaf range of each differing key, in key order. */
        final Map<String, KeyRange> ranges = new LinkedHashMap<>();

        Classified() {
            for (Kind kind : Kind.values()) {
                failures.put(kind, new ArrayList<>());
                inFlight.put(kind, new HashSet<>());
            }
        }

        boolean anyFailure() {
            return failures.values().stream().anyMatch(keys -> !keys.isEmpty());
        }

        /** Every key that is a failure or in flight, of any kind. */
        Set<String> keys() {
            Set<String> keys = new HashSet<>();
            failures.values().forEach(keys::addAll);
            inFlight.values().forEach(keys::addAll);
            return keys;
        }

        long inFlightCount(Kind kind) {
            return inFlight.get(kind).size();
        }
    }

    /**
     * What comparing key ranges found: the rows of the window each side holds in them, the differing keys, the
     * mismatching ranges, and the keys that matched (or had changed) when looked at again after the confirm delay.
     */
    private record Compared(long sourceRows, long productionRows, Classified found, Bisector.Leaves bisected,
                            Set<String> settledOnSecondLook) {
    }

    /** A read of each database's copy, done in both at once. */
    private interface SideRead<T> {
        T read(Side side, Connection connection) throws SQLException;
    }

    private record Both<T>(T production, T source) {
    }

    /** A key range with the ranks of its bounds in the key's order (unbounded below and above ranked outermost). */
    private record RankedRange(KeyRange range, long lo, long hi) {
    }

    private final Connection production;
    private final Connection source;
    private final Reconnect reconnect;
    private final List<String> keyColumns;
    private final Optional<String> windowColumnName;
    private final Optional<WindowFilter> window;
    private final Instant startedAt;
    private final long snapshotNanos;
    private final CheckSettings settings;
    private final List<String> columnNames = new ArrayList<>();
    private final PostgresSide productionSide;
    private final Side sourceSide;

    /**
     * @param production  production's database, in the checks' snapshot
     * @param source      the source database, in the checks' snapshot
     * @param keyColumns  production's key columns, in key order
     * @param startedAt   when the run took its leases: rows changed at or after it are in flight
     * @param snapshotNanos {@link System#nanoTime()} when the snapshots were taken: the confirm delay runs from then
     * @param dialect     how the source is read: PostgreSQL by typed values, or by canonical text (Oracle)
     */
    ValidateOnlyChecks(Connection production, Connection source, Reconnect reconnect, Relation productionTable, Relation sourceTable,
                       List<String> keyColumns, Optional<String> windowColumn, Optional<WindowFilter> window, Instant startedAt,
                       long snapshotNanos, CheckSettings settings, SourceChecks.Dialect dialect) {
        if (keyColumns.isEmpty()) {
            throw new InvalidRunException(productionTable + ": no key columns");
        }
        this.production = production;
        this.source = source;
        this.reconnect = reconnect;
        this.keyColumns = List.copyOf(keyColumns);
        this.windowColumnName = windowColumn;
        this.window = windowColumn.isPresent() ? window : Optional.empty();
        this.startedAt = startedAt;
        this.snapshotNanos = snapshotNanos;
        this.settings = settings;
        List<Column> productionColumns = new ArrayList<>();
        List<Column> sourceColumns = new ArrayList<>();
        for (Column column : productionTable.columnList()) {
            sourceTable.columnIgnoringCase(column.name()).ifPresent(other -> {
                productionColumns.add(column);
                sourceColumns.add(other);
                columnNames.add(column.name());
            });
        }
        if (dialect == SourceChecks.Dialect.POSTGRES) {
            this.productionSide = new PostgresSide(productionTable, "p", productionColumns, sourceColumns, Optional.empty());
            this.sourceSide = new PostgresSide(sourceTable, "o", sourceColumns, productionColumns, Optional.empty());
            return;
        }
        // across engines both sides render one canonical text per value (CanonicalForm) and hash it
        CanonicalForm.Row row = CanonicalForm.Row.of(sourceColumns, dialect == SourceChecks.Dialect.ORACLE ? OracleSql::type : PostgresCanonical::type,
                productionColumns);
        this.productionSide = new PostgresSide(productionTable, "p", productionColumns, sourceColumns, Optional.of(row));
        if (dialect == SourceChecks.Dialect.ORACLE) {
            List<Column> sourceKeys = keyColumns.stream().map(k -> column(sourceTable, k)).toList();
            this.sourceSide = new OracleSide(new OracleSql(sourceTable, sourceKeys, windowColumn.map(w -> column(sourceTable, w)), this.window,
                    Optional.of(startedAt), row), sourceColumns.size());
        } else {
            this.sourceSide = new PostgresSide(sourceTable, "o", sourceColumns, productionColumns, Optional.of(row));
        }
    }

    private static Column column(Relation table, String name) {
        return table.columnIgnoringCase(name).orElseThrow(() -> new InvalidRunException(table + " has no column " + name));
    }

    /** The checks' results: SOURCE_COUNT, MISSING, EXTRA and CONTENTS. */
    List<CheckReport> run(String tableName, long expectedRows) throws SQLException {
        return reports(tableName, compare(initialLayout(expectedRows), false), Map.of(), null);
    }

    /**
     * A repair round's re-validation of the table, its load having started at the run's start: the round's keys
     * compared as {@link #compare(List)} compares them ({@code changedByCdc}: in flight), its key ranges compared as a
     * window is, restricted to them, and the window's rows counted in both databases, rows changed since the load
     * started left out. Other rows are not compared, only counted: a round changes its keys alone. Counts that differ
     * have the whole window compared, so that the difference is named (or found in flight). The checks of {@link #run}.
     *
     * @param keys   the round's keys, the leading key column's text of each
     * @param ranges the round's key ranges, in any order, possibly overlapping
     */
    List<CheckReport> repair(String tableName, List<String> keys, Set<String> changedByCdc, List<KeyRange> ranges)
            throws SQLException {
        requireSingleColumnKey();
        Both<long[]> counts = both(Side::counts);
        boolean countsDiffer = counts.production()[0] != counts.source()[0];
        Compared compared;
        if (countsDiffer) {
            compared = compare(initialLayout(Math.max(counts.production()[1], counts.source()[1])), false);
        } else if (!ranges.isEmpty()) {
            compared = compare(scopeLayout(ranges), true);
        } else {
            compared = new Compared(0, 0, new Classified(), new Bisector.Leaves(List.of(), 0, 0, 0), Set.of());
        }
        Classified found = compared.found();
        // a key the range comparison classified or settled on its second look is that comparison's
        Set<String> comparisons = found.keys();
        comparisons.addAll(compared.settledOnSecondLook());
        Map<String, List<ColumnValues>> known = new HashMap<>();
        Both<Map<String, List<String>>> rows = keys.isEmpty() ? new Both<>(Map.of(), Map.of())
                : both((side, connection) -> side.keyValues(connection, keys));
        for (String key : keys) {
            if (comparisons.contains(key)) {
                continue;
            }
            List<String> p = rows.production().get(key);
            List<String> o = rows.source().get(key);
            List<ColumnValues> columns = p != null && o != null ? differing(key, p, o) : List.of();
            boolean agrees = p == null ? o == null : o != null && columns.isEmpty();
            if (agrees) {
                continue;
            }
            Kind kind = p == null ? Kind.MISSING : o == null ? Kind.EXTRA : Kind.CONTENTS;
            if (changedByCdc.contains(key)) {
                found.inFlight.get(kind).add(key);
            } else {
                found.failures.get(kind).add(key);
                if (kind == Kind.CONTENTS) {
                    known.put(key, columns);
                }
            }
        }
        found.failures.values().forEach(failures -> failures.sort(ValidateOnlyChecks::compareKeys));
        String countNote = countsDiffer ? "rows last changed before the load started: " + counts.source()[0]
                + " in the source, " + counts.production()[0] + " in production, so the whole window was compared"
                : null;
        return reports(tableName, new Compared(counts.source()[1], counts.production()[1], found, compared.bisected(),
                compared.settledOnSecondLook()), known, countNote);
    }

    /** Digests the laid-out ranges (only their rows when {@code restricted}), bisects and classifies what differs. */
    private Compared compare(RangeLayout layout, boolean restricted) throws SQLException {
        Both<Map<Integer, long[]>> digests = both((side, connection) -> side.digest(connection, layout, restricted));
        long productionRows = digests.production().values().stream().mapToLong(d -> d[2]).sum();
        long sourceRows = digests.source().values().stream().mapToLong(d -> d[2]).sum();
        Bisector.Leaves bisected = new Bisector(settings.fanout(), settings.leafRows(), settings.keptKeys())
                .mismatchingLeaves(this, layout, combine(digests.production(), digests.source()));
        RangeLayout leaves = new RangeLayout();
        bisected.narrowedRanges().forEach(leaves::add);
        Classified first = leaves.ranges().isEmpty() ? new Classified()
                : classify(productionSide.leafRows(production, leaves), sourceSide.leafRows(source, leaves), leaves, null);
        Classified confirmed = first;
        Set<String> settledOnSecondLook = new HashSet<>();
        if (first.anyFailure() && !settings.confirmDelay().isZero()) {
            pauseUntilConfirmDelayAfter(snapshotNanos);
            Set<String> candidates = new LinkedHashSet<>();
            first.failures.values().forEach(candidates::addAll);
            RangeLayout again = rangesOf(first, candidates);
            try (Connection p = reconnect.production(); Connection o = reconnect.source()) {
                confirmed = classify(productionSide.leafRows(p, again), sourceSide.leafRows(o, again), again, candidates);
            }
            for (Kind kind : Kind.values()) {
                confirmed.inFlight.get(kind).addAll(first.inFlight.get(kind));
            }
            settledOnSecondLook.addAll(candidates);
            confirmed.failures.values().forEach(settledOnSecondLook::removeAll);
        }
        return new Compared(sourceRows, productionRows, confirmed, bisected, settledOnSecondLook);
    }

    /**
     * A repair's confirm pass: each key's row in both databases now (these connections' snapshots), compared as the
     * checks compare rows; keys are the leading key column's text. Window and run start play no part: a recorded key
     * is out of sync whatever its window value.
     */
    List<KeyComparison> compare(List<String> keys) throws SQLException {
        requireSingleColumnKey();
        Both<Map<String, List<String>>> rows = both((side, connection) -> side.keyValues(connection, keys));
        List<KeyComparison> compared = new ArrayList<>();
        for (String key : keys) {
            List<String> p = rows.production().get(key);
            List<String> o = rows.source().get(key);
            List<ColumnValues> columns = p != null && o != null ? differing(key, p, o) : List.of();
            compared.add(new KeyComparison(key, o != null, p != null, columns, false));
        }
        return compared;
    }

    private void requireSingleColumnKey() {
        if (keyColumns.size() != 1) {
            throw new InvalidRunException("a repair compares single-column keys; the key is " + keyColumns);
        }
    }

    /** The compared columns whose values differ between the two copies of the key's row, with both values. */
    private List<ColumnValues> differing(String key, List<String> productionValues, List<String> sourceValues) {
        List<ColumnValues> columns = new ArrayList<>();
        for (int i = 0; i < columnNames.size(); i++) {
            if (!Objects.equals(productionValues.get(i), sourceValues.get(i))) {
                columns.add(new ColumnValues(key, columnNames.get(i), sourceValues.get(i), productionValues.get(i)));
            }
        }
        return columns;
    }

    /**
     * @param known     the differing columns of keys already read, by key; the other sample keys' rows are read from
     *                  their leaf ranges
     * @param countNote what the counts say beyond their figures, or null
     */
    private List<CheckReport> reports(String tableName, Compared compared, Map<String, List<ColumnValues>> known,
                                      String countNote) throws SQLException {
        Classified found = compared.found();
        Bisector.Leaves bisected = compared.bisected();
        long missing = found.failures.get(Kind.MISSING).size();
        long extra = found.failures.get(Kind.EXTRA).size();
        long inFlight = found.inFlight.values().stream().mapToLong(Set::size).sum();
        long settledOnSecondLook = compared.settledOnSecondLook().size();
        List<CheckReport> reports = new ArrayList<>();
        List<String> countSentences = new ArrayList<>();
        if (countNote != null) {
            countSentences.add(countNote);
        }
        if (inFlight > 0) {
            countSentences.add(inFlight + " differing " + (inFlight == 1 ? "row" : "rows") + " changed in the source or production after the run"
                    + " started: in flight, not failures");
        }
        if (settledOnSecondLook > 0) {
            countSentences.add(settledOnSecondLook + " more matched or had changed when looked at again after " + settings.confirmDelay().toMillis()
                    + " ms (CDC was still applying them)");
        }
        CheckResult count = new CheckResult(tableName, CheckNames.SOURCE_COUNT,
                missing == 0 && extra == 0 && !bisected.capped(), Long.toString(compared.sourceRows()),
                Long.toString(compared.productionRows()), List.of(), inFlight, null, List.of());
        reports.add(new CheckReport(count, countSentences.isEmpty() ? null : String.join("; ", countSentences)));
        reports.add(offenders(tableName, CheckNames.MISSING, found, Kind.MISSING,
                "source rows of the window that production does not hold", bisected));
        reports.add(offenders(tableName, CheckNames.EXTRA, found, Kind.EXTRA,
                "production rows of the window that the source does not hold", bisected));
        List<String> contents = found.failures.get(Kind.CONTENTS);
        List<String> sample = contents.subList(0, Math.min(contents.size(), settings.sampleKeys()));
        Map<String, List<ColumnValues>> differing = new HashMap<>(known);
        differing.putAll(differingColumns(found, sample.stream().filter(key -> !known.containsKey(key)).toList()));
        List<KeyDifference> differences = new ArrayList<>();
        List<ColumnValues> values = new ArrayList<>();
        for (String key : sample) {
            List<ColumnValues> columns = differing.get(key);
            if (columns != null) {
                differences.add(new KeyDifference(key, columns.stream().map(ColumnValues::column).toList()));
                values.addAll(columns);
            }
        }
        CheckResult result = CheckResult.newBuilder(CheckResults.offenders(tableName, CheckNames.CONTENTS,
                        contents.size(), sample, found.inFlightCount(Kind.CONTENTS)))
                .setPassed(contents.isEmpty() && !bisected.capped()).setDifferences(differences).build();
        String detail = bisected.capped() ? "at least " + (bisected.ranges().size() - bisected.narrowed()) + " more key ranges differ beyond the first "
                + bisected.narrowed() + " compared key by key (sample-keys + repair-keys): not compared, so not proven equal" : null;
        reports.add(new CheckReport(result, detail, values, kept(contents), beyond(contents, bisected)));
        return reports;
    }

    private CheckReport offenders(String tableName, String check, Classified found, Kind kind, String what, Bisector.Leaves bisected) {
        List<String> keys = found.failures.get(kind);
        long inFlight = found.inFlightCount(kind);
        return new CheckReport(CheckResults.offenders(tableName, check, keys.size(), keys.subList(0, Math.min(keys.size(), settings.sampleKeys())),
                inFlight), keys.isEmpty() ? null : keys.size() + " " + what, List.of(), kept(keys), beyond(keys, bisected));
    }

    /**
     * The mismatching ranges when the keys kept may not be all: more keys than kept, or ranges past the cap not compared
     * key by key (whose keys, of any kind, are unknown).
     */
    private List<KeyRange> beyond(List<String> keys, Bisector.Leaves bisected) {
        return bisected.capped() || keys.size() > settings.keptKeys() ? KeyRange.joined(bisected.ranges()) : List.of();
    }

    /** The keys a check keeps for a repair: the first sample-keys + repair-keys. */
    private List<String> kept(List<String> keys) {
        return keys.subList(0, Math.min(keys.size(), settings.keptKeys()));
    }

    /**
     * Sorts the keys of the leaf rows (only {@code only}'s when given) into failures by kind and keys in flight; equal
     * rows and keys in neither window drop out.
     */
    private Classified classify(Map<String, SideRow> productionRows, Map<String, SideRow> sourceRows, RangeLayout leaves, Collection<String> only) {
        Classified classified = new Classified();
        Set<String> union = new HashSet<>(productionRows.keySet());
        union.addAll(sourceRows.keySet());
        List<Map.Entry<Integer, String>> keys = new ArrayList<>();
        for (String key : union) {
            SideRow row = productionRows.containsKey(key) ? productionRows.get(key) : sourceRows.get(key);
            keys.add(Map.entry(row.bucket(), key));
        }
        // reported in key order: by range, then by key within the range
        keys.sort(Comparator.<Map.Entry<Integer, String>>comparingInt(Map.Entry::getKey).thenComparing(Map.Entry::getValue, ValidateOnlyChecks::compareKeys));
        for (Map.Entry<Integer, String> entry : keys) {
            String key = entry.getValue();
            if (only != null && !only.contains(key)) {
                continue;
            }
            SideRow p = productionRows.get(key);
            SideRow o = sourceRows.get(key);
            boolean inWindow = (p != null && p.inWindow()) || (o != null && o.inWindow());
            if (!inWindow || (p != null && o != null && p.hash() == o.hash())) {
                continue;
            }
            Kind kind = p == null ? Kind.MISSING : o == null ? Kind.EXTRA : Kind.CONTENTS;
            if ((p != null && p.changed()) || (o != null && o.changed())) {
                classified.inFlight.get(kind).add(key);
            } else {
                classified.failures.get(kind).add(key);
                classified.ranges.put(key, leaves.ranges().get(entry.getKey()));
            }
        }
        return classified;
    }

    /** Numeric keys by value (9 before 10), any others as text. */
    private static int compareKeys(String a, String b) {
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    /** The leaf ranges holding these differing keys, laid out in key order. */
    private static RangeLayout rangesOf(Classified classified, Collection<String> keys) {
        Set<String> wanted = new HashSet<>(keys);
        RangeLayout layout = new RangeLayout();
        KeyRange last = null;
        for (Map.Entry<String, KeyRange> entry : classified.ranges.entrySet()) {
            if (wanted.contains(entry.getKey()) && !entry.getValue().equals(last)) {
                last = entry.getValue();
                layout.add(last);
            }
        }
        return layout;
    }

    /** The differing columns of these keys' rows, read from their leaf ranges; keys a side lacks are left out. */
    private Map<String, List<ColumnValues>> differingColumns(Classified found, List<String> keys) throws SQLException {
        if (keys.isEmpty()) {
            return Map.of();
        }
        RangeLayout leaves = rangesOf(found, keys);
        Set<String> wanted = new HashSet<>(keys);
        Both<Map<String, List<String>>> rows = both((side, connection) -> side.values(connection, leaves, wanted));
        Map<String, List<ColumnValues>> differing = new HashMap<>();
        for (String key : keys) {
            List<String> p = rows.production().get(key);
            List<String> o = rows.source().get(key);
            if (p != null && o != null) {
                differing.put(key, differing(key, p, o));
            }
        }
        return differing;
    }

    /**
     * The round's key ranges laid out in the key's order, overlapping and adjacent ones joined (the checks that
     * recorded them may overlap). Production's database ranks the bounds: it knows the key type's order and collation.
     */
    private RangeLayout scopeLayout(List<KeyRange> ranges) throws SQLException {
        Set<String> bounds = new LinkedHashSet<>();
        for (KeyRange range : ranges) {
            Stream.of(range.lo(), range.hi()).filter(Objects::nonNull).forEach(bounds::add);
        }
        Map<String, Long> rank = new HashMap<>();
        if (!bounds.isEmpty()) {
            String type = productionSide.leadingKey.formattedType();
            new SqlQuery().sql("SELECT b.v, dense_rank() OVER (ORDER BY b.v::" + type + ") FROM ")
                    .param("unnest(?::text[]) AS b (v)", new SqlQuery.TextArray(List.copyOf(bounds)))
                    .list(production, r -> rank.put(r.getString(1), r.getLong(2)));
        }
        List<RankedRange> ranked = ranges.stream()
                .map(range -> new RankedRange(range, range.lo() == null ? Long.MIN_VALUE : rank.get(range.lo()),
                        range.hi() == null ? Long.MAX_VALUE : rank.get(range.hi())))
                .filter(range -> range.lo() < range.hi())
                .sorted(Comparator.comparingLong(RankedRange::lo)).toList();
        RangeLayout layout = new RangeLayout();
        RankedRange open = null;
        for (RankedRange next : ranked) {
            if (open == null || next.lo() > open.hi()) {
                if (open != null) {
                    layout.add(open.range());
                }
                open = next;
            } else if (next.hi() > open.hi()) {
                open = new RankedRange(new KeyRange(open.range().lo(), next.range().hi()), open.lo(), next.hi());
            }
        }
        if (open != null) {
            layout.add(open.range());
        }
        return layout;
    }

    /**
     * The delay gives CDC time to apply what it was applying when the snapshots were taken; the checks since then
     * count towards it, so a long first pass waits little or not at all.
     */
    private void pauseUntilConfirmDelayAfter(long startedNanos) {
        long left = settings.confirmDelay().toNanos() - (System.nanoTime() - startedNanos);
        if (left <= 0) {
            return;
        }
        try {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to confirm differing keys", e);
        }
    }

    /** Key ranges of about {@code bucketRows} rows each of production's window, from a sample of it. */
    private RangeLayout initialLayout(long expectedRows) throws SQLException {
        return StagedTable.quantileLayout(production, productionSide.table.quoted() + " " + productionSide.alias, productionSide.key(), () -> true,
                query -> productionSide.inWindow(query.sql(" WHERE ")), expectedRows, settings.bucketRows());
    }

    private static Map<Integer, Digest> combine(Map<Integer, long[]> productionDigest, Map<Integer, long[]> sourceDigest) {
        Map<Integer, Digest> digests = new LinkedHashMap<>();
        Set<Integer> buckets = new LinkedHashSet<>(productionDigest.keySet());
        buckets.addAll(sourceDigest.keySet());
        for (int bucket : buckets) {
            long[] p = productionDigest.getOrDefault(bucket, new long[3]);
            long[] o = sourceDigest.getOrDefault(bucket, new long[3]);
            digests.put(bucket, new Digest(p[0], o[0], p[1], o[1]));
        }
        return digests;
    }

    @Override
    public Map<Integer, Digest> digest(RangeLayout layout) throws SQLException {
        Both<Map<Integer, long[]>> digests = both((side, connection) -> side.digest(connection, layout, true));
        return combine(digests.production(), digests.source());
    }

    /** Reads both databases at once, the source on another thread; production's failure is the one reported. */
    private <T> Both<T> both(SideRead<T> read) throws SQLException {
        CompletableFuture<T> sourceRead = CompletableFuture.supplyAsync(() -> {
            try {
                return read.read(sourceSide, source);
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, SOURCE_READS);
        T productionResult;
        try {
            productionResult = read.read(productionSide, production);
        } catch (SQLException | RuntimeException e) {
            // the source's read ends before the connections close
            sourceRead.exceptionally(failure -> null).join();
            throw e;
        }
        try {
            return new Both<>(productionResult, sourceRead.join());
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
    }

    @Override
    public Map<Integer, List<String>> splitPoints(RangeLayout ranges, int parts) throws SQLException {
        // production's key index (the merge relies on it)
        return StagedTable.splitPoints(production, productionSide.table, productionSide.leadingKey, ranges, parts);
    }
}
