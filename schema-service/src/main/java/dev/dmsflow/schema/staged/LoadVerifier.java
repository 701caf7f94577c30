package dev.dmsflow.schema.staged;

import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.StagedTable;
import dev.dmsflow.contracts.event.TableLoadStatistics;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.schema.ddl.PgCatalog.PgColumn;
import dev.dmsflow.schema.ddl.PgCatalog;
import dev.dmsflow.schema.drift.ColumnDrift;
import dev.dmsflow.schema.drift.TablePair;
import dev.dmsflow.schema.drift.TypeVerification;
import dev.dmsflow.support.run.OutcomeSink;
import dev.dmsflow.support.run.RunSkeleton;
import dev.dmsflow.support.run.RunSkeletons;
import dev.dmsflow.support.run.StageWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a finished load before anything is merged: every staging table still mirrors its production table (the type
 * verification), and holds exactly the rows the engine reported loading (FullLoadRows) inside the run's window.
 * Passing runs get a WindowStaged with the per-table counts; a drifted or miscounted run gets a TaskFailed (stage
 * STAGING) naming the columns or counts, and no WindowStaged. The check is the stage's work in the {@link RunSkeleton}:
 * its outcome is recorded in the same (repeatable read) transaction as the counts it reports, a redelivered event
 * republishes it instead of checking again, and the run's lock is held before that transaction takes its snapshot.
 * A repair round's load (its {@code repair} scope set) selected keys, not the window: all its staged rows count, and
 * its WindowStaged carries the scope on to the merge.
 */
public final class LoadVerifier implements StageWork<FullLoadCompleted> {

    public static final String PRODUCER = "schema-service";
    private static final Logger log = LoggerFactory.getLogger(LoadVerifier.class);
    /** DMS's TableState of a table whose full load finished. */
    static final String TABLE_COMPLETED = "Table completed";
    // repeatable read: the counts reported are those of one snapshot
    static final RunSkeleton.Stage STAGE = new RunSkeleton.Stage(FailureStage.STAGING, PRODUCER,
            new QualifiedName("schema_service", "staged_runs"), "staging check", Connection.TRANSACTION_REPEATABLE_READ,
            "dmsflow.schema-run");

    /** Why a run cannot be merged, with the kind of problem (the TaskFailed errorType) and the table it concerns. */
    private record Problem(String kind, String table, String text) {
    }

    private final Clock clock;
    private final RunSkeleton<FullLoadCompleted> skeleton;

    public LoadVerifier(RunSkeletons skeletons, OutcomeSink outcomes, Clock clock) {
        this.clock = clock;
        this.skeleton = skeletons.create(STAGE, this, outcomes);
    }

    public void onFullLoadCompleted(FullLoadCompleted load) {
        skeleton.handle(load);
    }

    @Override
    public SpecificRecord run(Connection connection, FullLoadCompleted load, Instant startedAt) throws SQLException {
        return check(connection, load);
    }

    private SpecificRecord check(Connection connection, FullLoadCompleted load) throws SQLException {
        List<Problem> problems = new ArrayList<>(invalid(load));
        if (!problems.isEmpty()) {
            return failed(load, problems);
        }
        List<TablePair> present = new ArrayList<>();
        for (TableLoadStatistics statistics : load.getTables()) {
            TableRef table = statistics.getTable();
            TablePair pair = TablePair.of(table);
            if (!TABLE_COMPLETED.equals(statistics.getTableState())) {
                problems.add(new Problem("TableNotLoaded", table.getName(), table.getName() + ": the engine reports table state '"
                        + statistics.getTableState() + "'" + (statistics.getErrorMessage() == null ? "" : " (" + statistics.getErrorMessage() + ")")));
            }
            boolean staged = PgCatalog.relationExists(connection, pair.staging());
            boolean target = PgCatalog.relationExists(connection, pair.target());
            if (!staged) {
                problems.add(new Problem("StagingTableMissing", table.getName(), table.getName() + ": staging table " + pair.staging() + " does not exist"));
            }
            if (!target) {
                problems.add(new Problem("StagingTableMissing", table.getName(), table.getName() + ": production table " + pair.target() + " does not exist"));
            }
            if (staged && target) {
                present.add(pair);
            }
        }
        if (!present.isEmpty()) {
            for (ColumnDrift drift : TypeVerification.run(connection, present)) {
                problems.add(new Problem("TypeDrift", drift.table(), drift.describe()));
            }
        }
        List<StagedTable> stagedTables = new ArrayList<>();
        for (TableLoadStatistics statistics : load.getTables()) {
            TableRef table = statistics.getTable();
            QualifiedName staging = TablePair.of(table).staging();
            if (!PgCatalog.relationExists(connection, staging)) {
                continue;
            }
            // a repair round loads its keys wherever their rows lie (a key whose row left the window is repaired too)
            StagingCounts counts = load.getRepair() != null ? StagingCounts.whole(connection, staging)
                    : counts(connection, table, staging, load.getWindow(), problems);
            if (counts == null) {
                continue;
            }
            // a FULL_LOAD_AND_CDC task keeps writing staging after its full load: the difference is CDC's, in flight
            boolean replicating = load.getKind() == TaskKind.FULL_LOAD_AND_CDC;
            long inFlight = replicating ? counts.inWindow() - statistics.getFullLoadRows() : 0;
            if (!replicating && counts.inWindow() != statistics.getFullLoadRows()) {
                problems.add(new Problem("RowCountMismatch", table.getName(), table.getName() + ": " + counts.inWindow() + " row(s) "
                        + (load.getWindow() != null && table.getWindowColumn() != null ? "of the window " : "") + "in " + staging
                        + ", but the engine reported FullLoadRows " + statistics.getFullLoadRows()));
            } else if (inFlight != 0) {
                log.info("Run {}: {} has {} row(s), FullLoadRows {}: {} row(s) of ongoing CDC in flight", load.getHeader().getRequestId(),
                        staging, counts.inWindow(), statistics.getFullLoadRows(), inFlight);
            }
            stagedTables.add(new StagedTable(table, statistics.getFullLoadRows(), counts.inWindow(), counts.outsideWindow(), counts.nullWindow(), inFlight));
        }
        if (!problems.isEmpty()) {
            return failed(load, problems);
        }
        analyze(connection, load);
        return WindowStaged.newBuilder()
                .setHeader(header(load))
                .setKind(load.getKind()).setWindow(load.getWindow()).setMultiStage(load.getMultiStage())
                .setTables(stagedTables)
                .setLoadStartedAt(load.getStartedAt())
                .setRepair(load.getRepair())
                .build();
    }

    /**
     * Gives each staging table statistics of what it now holds. A load truncates and refills it, and autovacuum analyzes
     * it a minute or more later: meanwhile the merge and validation planned with the statistics of the previous load
     * (a million staged rows estimated at a few thousand chose an index on the window column and filtered the whole
     * window on every bisection level). A sample of the table's rows; committed with the check.
     */
    private static void analyze(Connection connection, FullLoadCompleted load) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (TableLoadStatistics statistics : load.getTables()) {
                statement.execute("ANALYZE " + TablePair.of(statistics.getTable()).staging().quoted());
            }
        }
    }

    private static StagingCounts counts(Connection connection, TableRef table, QualifiedName staging, TimeWindow window,
                                        List<Problem> problems) throws SQLException {
        String column = table.getWindowColumn();
        if (window == null || column == null) {
            return StagingCounts.whole(connection, staging);
        }
        Optional<String> type = PgCatalog.columns(connection, staging).stream().filter(c -> c.name().equals(column)).map(PgColumn::type).findFirst();
        if (type.isEmpty()) {
            problems.add(new Problem("TypeDrift", table.getName(), table.getName() + ": staging table " + staging + " has no window column " + column));
            return null;
        }
        return StagingCounts.window(connection, staging, column, type.get(), window);
    }

    /** What makes a run uncheckable before any table is looked at; nothing touches the database for it. */
    private static List<Problem> invalid(FullLoadCompleted load) {
        List<Problem> problems = new ArrayList<>();
        if (load.getTables().isEmpty()) {
            problems.add(new Problem("InvalidRun", null, "the run names no table"));
        }
        TimeWindow window = load.getWindow();
        if (load.getKind() == TaskKind.TIME_WINDOW_RELOAD && window == null) {
            problems.add(new Problem("InvalidRun", null, "a TIME_WINDOW_RELOAD run without a window"));
        }
        if (window != null && !window.getFrom().isBefore(window.getTo())) {
            problems.add(new Problem("InvalidRun", null, "window [" + window.getFrom() + ", " + window.getTo() + ") is empty: from must be before to"));
        }
        for (TableLoadStatistics statistics : load.getTables()) {
            TableRef t = statistics.getTable();
            List<String> names = Stream.concat(Stream.of(t.getStagingSchema(), t.getStagingTable(), t.getTargetSchema(), t.getTargetTable()),
                    Stream.concat(t.getKeyColumns().stream(), Stream.ofNullable(t.getWindowColumn()))).toList();
            List<String> bad = names.stream().filter(n -> !Identifiers.isPlain(n)).toList();
            if (!bad.isEmpty()) {
                problems.add(new Problem("InvalidRun", t.getName(), t.getName() + ": not plain identifiers: " + String.join(", ", bad)));
            }
        }
        return problems;
    }

    private TaskFailed failed(FullLoadCompleted load, List<Problem> problems) {
        Set<String> tables = new LinkedHashSet<>();
        problems.stream().map(Problem::table).filter(t -> t != null).forEach(tables::add);
        if (tables.isEmpty()) {
            load.getTables().forEach(t -> tables.add(t.getTable().getName()));
        }
        String kinds = problems.stream().map(Problem::kind).distinct().collect(Collectors.joining(","));
        String reason = "staging check of run " + load.getHeader().getRequestId() + " failed: "
                + problems.stream().map(Problem::text).collect(Collectors.joining("; "));
        return failed(load, reason, false, List.copyOf(tables), kinds);
    }

    private TaskFailed failed(FullLoadCompleted load, String reason, boolean retryable, List<String> tables, String errorType) {
        return TaskFailed.newBuilder()
                .setHeader(header(load))
                .setStage(FailureStage.STAGING)
                .setReason(reason)
                .setRetryable(retryable)
                .setTables(tables)
                .setErrorType(errorType)
                .build();
    }

    private EventHeader header(FullLoadCompleted load) {
        return new EventHeader(UUID.randomUUID().toString(), load.getHeader().getRequestId(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS), PRODUCER, load.getHeader().getAttempt());
    }
}
