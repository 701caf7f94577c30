package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.support.jdbc.CustomPlans;
import dev.dmsflow.support.sql.SqlQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every check of a merged run. Each database is read in one REPEATABLE READ, read-only transaction, so all
 * checks and every bisection level see one snapshot while CDC keeps writing; the service never writes business tables.
 */
public final class Validator {

    private static final Logger log = LoggerFactory.getLogger(Validator.class);
    /** Source checks run here, beside the production checks of the same table. */
    private static final ExecutorService SOURCE_CHECKS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "source-check");
        thread.setDaemon(true);
        return thread;
    });

    private final DataSource database;
    private final Optional<DataSource> source;
    private final Function<String, Optional<MultiStageDefinition>> multiStages;
    private final CheckSettings settings;
    private final Predicate<String> replicated;
    private final boolean canonicalText;

    /**
     * @param database    PostgreSQL database 1: staging, production, views and final tables
     * @param source      the source database, when source checks are configured
     * @param multiStages multi-stage definitions by name (the migration catalog)
     * @param replicated  whether CDC writes into a table's production copy, by catalog name: only then can a difference
     *                    a validate-only run finds still be on its way, worth the confirm pass's wait
     */
    public Validator(DataSource database, Optional<DataSource> source, Function<String, Optional<MultiStageDefinition>> multiStages,
                     CheckSettings settings, Predicate<String> replicated) {
        this(database, source, multiStages, settings, replicated, false);
    }

    /** Every table taken as replicated: validate-only runs always confirm their differences. */
    public Validator(DataSource database, Optional<DataSource> source, Function<String, Optional<MultiStageDefinition>> multiStages,
                     CheckSettings settings) {
        this(database, source, multiStages, settings, name -> true, false);
    }

    /**
     * @param canonicalText compare a PostgreSQL source by canonical text too, as an Oracle source always is: the
     *                      cross-engine path of the SOURCE check run where there is no Oracle (tests)
     */
    Validator(DataSource database, Optional<DataSource> source, Function<String, Optional<MultiStageDefinition>> multiStages, CheckSettings settings,
              boolean canonicalText) {
        this(database, source, multiStages, settings, name -> true, canonicalText);
    }

    private Validator(DataSource database, Optional<DataSource> source, Function<String, Optional<MultiStageDefinition>> multiStages,
                      CheckSettings settings, Predicate<String> replicated, boolean canonicalText) {
        this.database = database;
        this.source = source;
        this.multiStages = multiStages;
        this.settings = settings;
        this.replicated = replicated;
        this.canonicalText = canonicalText;
    }

    /** Whether CDC writes into the table's production copy, by catalog name: only then is a difference on its way. */
    public boolean replicated(String table) {
        return replicated.test(table);
    }

    /**
     * The results of every check, in table order.
     *
     * @throws InvalidRunException when the run names something that is not a plain identifier or does not exist
     */
    public List<CheckResult> validate(MergeCompleted run) throws SQLException {
        return report(run).stream().map(CheckReport::result).toList();
    }

    /**
     * Every check's result and what its figures cannot say, in table order.
     *
     * @throws InvalidRunException when the run names something that is not a plain identifier or does not exist
     */
    public List<CheckReport> report(MergeCompleted run) throws SQLException {
        Optional<MultiStageDefinition> multiStage = Optional.ofNullable(run.getMultiStage())
                .map(name -> multiStages.apply(name).orElseThrow(() -> new InvalidRunException("multi-stage definition " + name + " is not in the migration catalog")));
        Optional<WindowFilter> window = Optional.ofNullable(run.getWindow()).map(w -> new WindowFilter(w.getFrom(), w.getTo()));
        if (window.isPresent() && !window.get().from().isBefore(window.get().to())) {
            throw new InvalidRunException("window from " + window.get().from() + " is not before to " + window.get().to());
        }
        Optional<Instant> loadStartedAt = Optional.ofNullable(run.getLoadStartedAt());
        List<CheckReport> results = new ArrayList<>();
        // the source check reads staging on a connection of its own, beside the production checks
        try (Connection db = snapshot(database); Connection src = source.isPresent() ? snapshot(source.get()) : null;
             Connection stagingForSource = src != null && multiStage.isEmpty() ? snapshot(database) : null) {
            SourceChecks.Dialect dialect = src != null && OracleSql.isOracle(src) ? SourceChecks.Dialect.ORACLE
                    : canonicalText ? SourceChecks.Dialect.POSTGRES_CANONICAL : SourceChecks.Dialect.POSTGRES;
            for (TableMergeResult merged : run.getTables()) {
                TableRef ref = merged.getTable();
                StagedTable table = new StagedTable(DatabaseCatalog.require(db, "staging table of " + ref.getName(), ref.getStagingSchema(), ref.getStagingTable()),
                        ref.getKeyColumns(), Optional.ofNullable(ref.getWindowColumn()), window);
                Relation production = DatabaseCatalog.require(db, "production table of " + ref.getName(), ref.getTargetSchema(), ref.getTargetTable());
                Optional<ChangeLogTable> changes = ChangeLogTable.find(db, production, table.keyColumns, loadStartedAt, settings.clockSkew());
                RangeLayout layout = table.initialLayout(db, Math.max(merged.getStagedRows(), merged.getFullLoadRows()), settings.bucketRows());
                // a multi-stage run reports the view → final table merge: the view's rows are what the merge staged,
                // and the Oracle source is compared with the staging table by window runs, not with the view
                long expectedStaged = multiStage.isPresent() ? merged.getStagedRows() : merged.getFullLoadRows();
                Optional<SourceChecks> sourceChecks = Optional.empty();
                if (src != null && multiStage.isEmpty()) {
                    String role = "source table of " + ref.getName();
                    Relation sourceTable = dialect == SourceChecks.Dialect.ORACLE
                            ? OracleSql.relation(src, role, ref.getSourceSchema(), ref.getSourceTable())
                            : DatabaseCatalog.requireFoldingCase(src, role, ref.getSourceSchema(), ref.getSourceTable());
                    sourceChecks = Optional.of(new SourceChecks(stagingForSource, src, table, sourceTable, loadStartedAt, settings, dialect,
                            (leaves, keys, keyText) -> presentNow(table, production, leaves, keys, keyText)));
                }
                long started = System.nanoTime();
                // the source check (the source database and staging) runs on another thread beside the production
                // checks (database 1): both databases work at once, as they can on different cores
                Optional<CompletableFuture<CheckReport>> sourceCheck = sourceChecks.map(checks -> CompletableFuture.supplyAsync(() -> {
                    try {
                        CheckReport report = checks.run(layout, ref.getName());
                        log.debug("Table {}: source check done after {} ms", ref.getName(), (System.nanoTime() - started) / 1_000_000);
                        return report;
                    } catch (SQLException e) {
                        throw new CompletionException(e);
                    }
                }, SOURCE_CHECKS));
                try {
                    results.addAll(new ProductionChecks(db, table, production, changes, multiStage.isPresent(), settings)
                            .run(layout, expectedStaged, ref.getName(), sourceChecks.map(checks -> keys -> {
                                // the source connection is the source check's until it ends (only extra keys ask this)
                                sourceCheck.orElseThrow().exceptionally(failure -> null).join();
                                return checks.present(keys);
                            })));
                    ProductionChecks.outsideWindow(db, table, ref.getName(), settings.sampleKeys()).map(CheckReport::of).ifPresent(results::add);
                } catch (SQLException | RuntimeException e) {
                    // the source check ends before its connections close; the production checks' failure is the one reported
                    sourceCheck.ifPresent(check -> check.exceptionally(failure -> null).join());
                    throw e;
                }
                log.debug("Table {}: production checks done after {} ms", ref.getName(), (System.nanoTime() - started) / 1_000_000);
                if (sourceCheck.isPresent()) {
                    results.add(joined(sourceCheck.get()));
                }
            }
            if (multiStage.isPresent()) {
                results.addAll(MultiStageChecks.run(db, multiStage.get(), window, settings.sampleKeys()));
            }
            db.commit();
            if (src != null) {
                src.commit();
            }
            if (stagingForSource != null) {
                stagingForSource.commit();
            }
        }
        return results;
    }

    private static CheckReport joined(CompletableFuture<CheckReport> check) throws SQLException {
        try {
            return check.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    /**
     * A validate-only run's checks: each table's source window against its production window, in snapshots of both
     * databases taken as the run starts; nothing is written.
     *
     * @throws InvalidRunException when no source database is configured, or the run names something that does not exist
     */
    public List<CheckReport> validateOnly(ValidationRequested run) throws SQLException {
        requireSource("a validate-only run");
        Optional<WindowFilter> window = window(run.getWindow());
        List<CheckReport> results = new ArrayList<>();
        try (Connection db = snapshot(database); Connection src = snapshot(source.get())) {
            SourceChecks.Dialect dialect = dialect(src);
            Long snapshotNanos = null;
            for (TableRef ref : run.getTables()) {
                Relation production = productionTable(db, ref);
                Relation sourceTable = sourceTable(src, dialect, ref);
                if (snapshotNanos == null) {
                    // the first reads took the snapshots: the confirm delay runs from here, never from before them
                    snapshotNanos = System.nanoTime();
                }
                results.addAll(windowChecks(db, src, dialect, ref, production, sourceTable, window, run.getStartedAt(),
                        snapshotNanos).run(ref.getName(), estimatedRows(db, production)));
            }
            db.commit();
            src.commit();
        }
        return results;
    }

    /**
     * A repair round's re-validation, in snapshots of both databases: per scoped table its keys compared as
     * {@link #compareKeys} compares them (keys production's change log has since {@code loadStartedAt} are in flight),
     * its key ranges compared as a validate-only run compares a window, restricted to them, and the window's row counts
     * (the whole window compared only when they differ); the checks of a validate-only run. Nothing is written.
     *
     * @param runWindow     the run's window, null for whole tables
     * @param loadStartedAt when the round's load started: rows and keys changed since are in flight
     * @throws InvalidRunException when no source database is configured, or a table does not exist
     */
    public List<CheckReport> revalidateRepair(TimeWindow runWindow, Instant loadStartedAt,
                                              List<TableRepairScope> scopes) throws SQLException {
        requireSource("a repair's re-validation");
        Optional<WindowFilter> window = window(runWindow);
        List<CheckReport> results = new ArrayList<>();
        try (Connection db = snapshot(database); Connection src = snapshot(source.get())) {
            SourceChecks.Dialect dialect = dialect(src);
            Long snapshotNanos = null;
            for (TableRepairScope scope : scopes) {
                TableRef ref = scope.getTable();
                Relation production = productionTable(db, ref);
                Relation sourceTable = sourceTable(src, dialect, ref);
                if (snapshotNanos == null) {
                    snapshotNanos = System.nanoTime();
                }
                ValidateOnlyChecks checks = windowChecks(db, src, dialect, ref, production, sourceTable, window,
                        loadStartedAt, snapshotNanos);
                Set<String> changed = changedAmong(db, production, ref.getKeyColumns(), scope.getKeys(), loadStartedAt);
                List<KeyRange> ranges = scope.getRanges().stream()
                        .map(range -> new KeyRange(range.getFrom(), range.getTo())).toList();
                results.addAll(checks.repair(ref.getName(), scope.getKeys(), changed, ranges));
            }
            db.commit();
            src.commit();
        }
        return results;
    }

    /** A validate-only comparison of one table; the confirm pass only for tables CDC writes into. */
    private ValidateOnlyChecks windowChecks(Connection db, Connection src, SourceChecks.Dialect dialect, TableRef ref,
                                            Relation production, Relation sourceTable, Optional<WindowFilter> window,
                                            Instant startedAt, long snapshotNanos) {
        ref.getKeyColumns().forEach(production::column);
        Optional<String> windowColumn = Optional.ofNullable(ref.getWindowColumn());
        windowColumn.ifPresent(production::column);
        CheckSettings tableSettings = replicated.test(ref.getName()) ? settings : settings.withoutConfirmDelay();
        return new ValidateOnlyChecks(db, src, reconnect(), production, sourceTable, ref.getKeyColumns(), windowColumn,
                window, startedAt, snapshotNanos, tableSettings, dialect);
    }

    private void requireSource(String what) {
        if (source.isEmpty()) {
            throw new InvalidRunException(what + " compares the source with production, and no source database is"
                    + " configured (dmsflow.validation.source.url)");
        }
    }

    private static Optional<WindowFilter> window(TimeWindow runWindow) {
        Optional<WindowFilter> window = Optional.ofNullable(runWindow)
                .map(w -> new WindowFilter(w.getFrom(), w.getTo()));
        if (window.isPresent() && !window.get().from().isBefore(window.get().to())) {
            throw new InvalidRunException("window from " + window.get().from() + " is not before to "
                    + window.get().to());
        }
        return window;
    }

    private SourceChecks.Dialect dialect(Connection src) throws SQLException {
        return OracleSql.isOracle(src) ? SourceChecks.Dialect.ORACLE
                : canonicalText ? SourceChecks.Dialect.POSTGRES_CANONICAL : SourceChecks.Dialect.POSTGRES;
    }

    private static Relation productionTable(Connection db, TableRef ref) throws SQLException {
        return DatabaseCatalog.require(db, "production table of " + ref.getName(), ref.getTargetSchema(),
                ref.getTargetTable());
    }

    private static Relation sourceTable(Connection src, SourceChecks.Dialect dialect, TableRef ref)
            throws SQLException {
        String role = "source table of " + ref.getName();
        return dialect == SourceChecks.Dialect.ORACLE
                ? OracleSql.relation(src, role, ref.getSourceSchema(), ref.getSourceTable())
                : DatabaseCatalog.requireFoldingCase(src, role, ref.getSourceSchema(), ref.getSourceTable());
    }

    /** Which of the keys production's change log has since {@code since} (less the clock-skew allowance). */
    private Set<String> changedAmong(Connection db, Relation production, List<String> keyColumns, List<String> keys,
                                     Instant since) throws SQLException {
        Optional<ChangeLogTable> log = ChangeLogTable.find(db, production, keyColumns, Optional.of(since),
                settings.clockSkew());
        if (log.isEmpty() || keys.isEmpty()) {
            return Set.of();
        }
        return log.get().changedAmong(db, keys, production.column(keyColumns.get(0)));
    }

    private ValidateOnlyChecks.Reconnect reconnect() {
        return new ValidateOnlyChecks.Reconnect() {
            @Override
            public Connection production() throws SQLException {
                return database.getConnection();
            }

            @Override
            public Connection source() throws SQLException {
                return source.orElseThrow().getConnection();
            }
        };
    }

    /**
     * A repair's confirm pass over one table's recorded keys: each key's row in the source and in production now, in
     * snapshots of both, compared as a validate-only run compares rows, and whether production's change log has the key
     * since {@code changedSince} (less the clock-skew allowance). Nothing is written.
     *
     * @param keys the leading key column's text of each key (a single-column key)
     * @throws InvalidRunException when no source database is configured, or the table does not exist
     */
    public List<KeyComparison> compareKeys(TableRef ref, List<String> keys, Instant changedSince) throws SQLException {
        requireSource("a repair's confirm");
        if (keys.isEmpty()) {
            return List.of();
        }
        try (Connection db = snapshot(database); Connection src = snapshot(source.get())) {
            SourceChecks.Dialect dialect = dialect(src);
            Relation production = productionTable(db, ref);
            List<KeyComparison> compared = new ValidateOnlyChecks(db, src, reconnect(), production,
                    sourceTable(src, dialect, ref), ref.getKeyColumns(), Optional.ofNullable(ref.getWindowColumn()),
                    Optional.empty(), changedSince, System.nanoTime(), settings, dialect).compare(keys);
            Set<String> changed = changedAmong(db, production, ref.getKeyColumns(), keys, changedSince);
            db.commit();
            src.commit();
            return compared.stream().map(c -> new KeyComparison(c.key(), c.inSource(), c.inProduction(),
                    c.values(), changed.contains(c.key()))).toList();
        }
    }

    /** The planner's row estimate of the table: enough to size the first pass's key ranges. */
    private static long estimatedRows(Connection connection, Relation table) throws SQLException {
        return new SqlQuery().param("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass(?)", table.quoted())
                .single(connection, row -> row.getLong(1));
    }

    /**
     * Which of the rendered keys production holds now: a read outside the checks' snapshot (which was taken before the
     * source's), so a delete CDC applied since is seen. Keys are rendered by {@code keyText} (SQL of the key text under an
     * alias), as the SOURCE check renders them.
     */
    private Set<String> presentNow(StagedTable table, Relation production, List<KeyRange> leaves, Set<String> keys, UnaryOperator<String> keyText)
            throws SQLException {
        RangeLayout layout = new RangeLayout();
        leaves.forEach(layout::add);
        SqlQuery query = new SqlQuery().sql("SELECT " + keyText.apply("p") + " FROM " + production.quoted()
                + " p WHERE true");
        layout.restrict(query, table.ref("p", table.leadingKey.name()), table.leadingKey.formattedType());
        try (Connection connection = database.getConnection()) {
            Set<String> present = new HashSet<>(query.list(connection, row -> row.getString(1)));
            present.retainAll(keys);
            return present;
        }
    }

    private static Connection snapshot(DataSource dataSource) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(false);
            // Oracle has no REPEATABLE READ: its SERIALIZABLE reads one snapshot too
            boolean oracle = OracleSql.isOracle(connection);
            connection.setTransactionIsolation(oracle ? Connection.TRANSACTION_SERIALIZABLE : Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            if (!oracle) {
                // its range digests bind a window and key bounds, run after run on pooled connections
                CustomPlans.forTransaction(connection);
            }
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }
}
