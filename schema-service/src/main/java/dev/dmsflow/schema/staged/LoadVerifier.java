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
import dev.dmsflow.schema.drift.ColumnDrift;
import dev.dmsflow.schema.drift.TablePair;
import dev.dmsflow.schema.drift.TypeVerification;
import dev.dmsflow.schema.provision.PgCatalog;
import dev.dmsflow.schema.provision.PgCatalog.PgColumn;
import dev.dmsflow.support.jdbc.TransientFaults;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a finished load before anything is merged: every staging table still mirrors its production table (the type
 * verification), and holds exactly the rows the engine reported loading (FullLoadRows) inside the run's window.
 * Passing runs get a WindowStaged with the per-table counts; a drifted or miscounted run gets a TaskFailed (stage
 * STAGING) naming the columns or counts, and no WindowStaged. The outcome is recorded in the same (repeatable read)
 * transaction as the counts it reports, and a redelivered event republishes it instead of checking again; the run's
 * lock is held before that transaction takes its snapshot, so a delivery that waited for a concurrent one sees its
 * outcome.
 */
public final class LoadVerifier {

    public static final String PRODUCER = "schema-service";
    /** DMS's TableState of a table whose full load finished. */
    static final String TABLE_COMPLETED = "Table completed";
    private static final Logger log = LoggerFactory.getLogger(LoadVerifier.class);

    /** @param maxAttempts attempts of a check that meets transient faults; @param backoff wait before the second, doubling after */
    public record Retry(int maxAttempts, Duration backoff) {
    }

    /** Why a run cannot be merged, with the kind of problem (the TaskFailed errorType) and the table it concerns. */
    private record Problem(String kind, String table, String text) {
    }

    private final DataSource dataSource;
    private final StagedEvents events;
    private final Clock clock;
    private final Retry retry;
    private final StagedRuns runs = new StagedRuns();

    public LoadVerifier(DataSource dataSource, StagedEvents events, Clock clock, Retry retry) {
        this.dataSource = dataSource;
        this.events = events;
        this.clock = clock;
        this.retry = retry;
    }

    public void onFullLoadCompleted(FullLoadCompleted load) {
        String requestId = load.getHeader().getRequestId();
        for (int attempt = 1; ; attempt++) {
            SpecificRecord outcome;
            try {
                outcome = checkOnce(load);
            } catch (SQLException e) {
                boolean retryable = TransientFaults.isTransient(e);
                if (retryable && attempt < retry.maxAttempts()) {
                    log.warn("Staging check of run {} met a transient fault (attempt {} of {}), retrying: {}",
                            requestId, attempt, retry.maxAttempts(), e.getMessage());
                    pause(retry.backoff().multipliedBy(1L << (attempt - 1)));
                    continue;
                }
                log.error("Staging check of run {} failed after {} attempt(s)", requestId, attempt, e);
                outcome = failed(load, "staging check of run " + requestId + " failed: database error " + e.getSQLState() + ": " + e.getMessage(),
                        retryable, load.getTables().stream().map(t -> t.getTable().getName()).toList(), e.getClass().getSimpleName());
            }
            publish(outcome);
            return;
        }
    }

    private SpecificRecord checkOnce(FullLoadCompleted load) throws SQLException {
        String requestId = load.getHeader().getRequestId();
        int attempt = load.getHeader().getAttempt();
        try (Connection connection = dataSource.getConnection()) {
            // the run lock first, in a statement of its own: a REPEATABLE READ snapshot taken before it (the lock
            // statement would take it while waiting) could not see the outcome a concurrent delivery recorded meanwhile
            connection.setAutoCommit(true);
            runs.lock(connection, requestId);
            try {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try {
                    Optional<SpecificRecord> recorded = runs.find(connection, requestId, attempt);
                    if (recorded.isPresent()) {
                        connection.rollback();
                        log.info("Run {} (attempt {}) was checked before; publishing its outcome again", requestId, attempt);
                        return recorded.get();
                    }
                    SpecificRecord outcome = check(connection, load);
                    runs.record(connection, requestId, attempt, outcome);
                    connection.commit();
                    return outcome;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            } finally {
                runs.unlock(connection, requestId);
            }
        }
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
            StagingCounts counts = counts(connection, table, staging, load.getWindow(), problems);
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
        return WindowStaged.newBuilder()
                .setHeader(header(load))
                .setKind(load.getKind()).setWindow(load.getWindow()).setMultiStage(load.getMultiStage())
                .setTables(stagedTables)
                .setLoadStartedAt(load.getStartedAt())
                .build();
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

    private void publish(SpecificRecord outcome) {
        if (outcome instanceof WindowStaged staged) {
            events.staged(staged);
        } else {
            TaskFailed failure = (TaskFailed) outcome;
            log.warn("Run {} is not staged: {}", failure.getHeader().getRequestId(), failure.getReason());
            events.failed(failure);
        }
    }

    private EventHeader header(FullLoadCompleted load) {
        return new EventHeader(UUID.randomUUID().toString(), load.getHeader().getRequestId(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS), PRODUCER, load.getHeader().getAttempt());
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry a staging check", e);
        }
    }
}
