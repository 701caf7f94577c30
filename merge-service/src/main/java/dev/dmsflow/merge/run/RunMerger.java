package dev.dmsflow.merge.run;

import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.merge.window.MergeCounts;
import dev.dmsflow.merge.window.MergeRejectedException;
import dev.dmsflow.merge.window.MergeStep;
import dev.dmsflow.support.jdbc.TransientFaults;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges a staged run: every table in one transaction, each target locked with {@code pg_advisory_xact_lock}, the
 * audit rows and the run record committed with the data. A redelivered run is not merged again; its recorded
 * {@link MergeCompleted} is published once more, which also heals a crash between commit and publish. Transient
 * database faults are retried with exponential backoff; when a run cannot be merged, nothing of it is visible, a
 * FAILED summary row is written in its own transaction and {@link TaskFailed} goes out.
 */
public final class RunMerger {

    public static final String PRODUCER = "merge-service";
    private static final Logger log = LoggerFactory.getLogger(RunMerger.class);

    /** @param maxAttempts attempts of a run that meets transient faults; @param backoff wait before the second, doubling after */
    public record Retry(int maxAttempts, Duration backoff) {
    }

    private final DataSource dataSource;
    private final MergePlanner planner;
    private final MergeEvents events;
    private final Clock clock;
    private final Retry retry;
    private final MergeRuns runs = new MergeRuns();
    private final MergeAudit audit = new MergeAudit();

    public RunMerger(DataSource dataSource, MergePlanner planner, MergeEvents events, Clock clock, Retry retry) {
        this.dataSource = dataSource;
        this.planner = planner;
        this.events = events;
        this.clock = clock;
        this.retry = retry;
    }

    public void onWindowStaged(WindowStaged staged) {
        for (int attempt = 1; ; attempt++) {
            Instant start = clock.instant();
            MergeCompleted completed;
            try {
                completed = mergeOnce(staged, start);
            } catch (MergeRejectedException e) {
                fail(staged, start, attempt, e.getMessage(), false, e);
                return;
            } catch (SQLException e) {
                // includes a CDC change the merge overwrote while it ran: the next attempt leaves that key to CDC
                boolean retryable = TransientFaults.isTransient(e);
                if (retryable && attempt < retry.maxAttempts()) {
                    log.warn("Merge of run {} met a transient fault (attempt {} of {}), retrying: {}",
                            staged.getHeader().getRequestId(), attempt, retry.maxAttempts(), e.getMessage());
                    pause(retry.backoff().multipliedBy(1L << (attempt - 1)));
                    continue;
                }
                fail(staged, start, attempt, "database error " + e.getSQLState() + ": " + e.getMessage(), retryable, e);
                return;
            }
            events.completed(completed);
            return;
        }
    }

    private MergeCompleted mergeOnce(WindowStaged staged, Instant start) throws SQLException {
        String requestId = staged.getHeader().getRequestId();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                runs.lock(connection, requestId);
                Optional<MergeCompleted> recorded = runs.find(connection, requestId);
                if (recorded.isPresent()) {
                    connection.rollback();
                    log.info("Run {} was merged before; publishing its MergeCompleted again", requestId);
                    return recorded.get();
                }
                List<MergeStep> steps = planner.steps(staged);
                for (MergeStep step : steps) {
                    lockTarget(connection, step);
                }
                List<TableMergeResult> results = new ArrayList<>();
                for (MergeStep step : steps) {
                    long stepStart = System.nanoTime();
                    MergeCounts counts = step.execute(connection, staged.getWindow());
                    results.add(TableMergeResult.newBuilder()
                            .setTable(step.table())
                            .setInserted(counts.inserted()).setUpdated(counts.updated())
                            .setSkippedStale(counts.skippedStale()).setSkippedDeleted(counts.skippedDeleted())
                            .setDuplicates(counts.duplicates())
                            .setStagedRows(counts.staged()).setFullLoadRows(step.fullLoadRows())
                            .setDurationMillis(Duration.ofNanos(System.nanoTime() - stepStart).toMillis())
                            .build());
                }
                Instant end = clock.instant();
                MergeCompleted completed = MergeCompleted.newBuilder()
                        .setHeader(header(staged))
                        .setKind(staged.getKind()).setWindow(staged.getWindow()).setMultiStage(staged.getMultiStage())
                        .setLoadStartedAt(staged.getLoadStartedAt())
                        .setTables(results)
                        .setDurationMillis(Duration.between(start, end).toMillis())
                        .build();
                for (int i = 0; i < steps.size(); i++) {
                    audit.logTable(connection, requestId, results.get(i), steps.get(i).source().toString(), staged.getWindow(), end);
                }
                audit.summary(connection, requestId, staged.getHeader().getAttempt(), start, end, "SUCCESS", notes(staged, results), null);
                runs.record(connection, completed);
                connection.commit();
                return completed;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private static void lockTarget(Connection connection, MergeStep step) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            lock.setString(1, "dmsflow.merge-table:" + step.target());
            lock.execute();
        }
    }

    private void fail(WindowStaged staged, Instant start, int attempts, String reason, boolean retryable, Exception cause) {
        String requestId = staged.getHeader().getRequestId();
        log.error("Merge of run {} failed after {} attempt(s) (retryable: {}): {}", requestId, attempts, retryable, reason, cause);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            audit.summary(connection, requestId, staged.getHeader().getAttempt(), start, clock.instant(), "FAILED", "Error: " + reason, retryable);
        } catch (SQLException e) {
            log.error("Could not record the failure of run {} in admin.merge_summary: {}", requestId, e.getMessage());
        }
        events.failed(TaskFailed.newBuilder()
                .setHeader(header(staged))
                .setStage(FailureStage.MERGE)
                .setReason("merge of run " + requestId + " failed: " + reason)
                .setRetryable(retryable)
                .setTables(staged.getTables().stream().map(t -> t.getTable().getName()).toList())
                .setErrorType(cause.getClass().getSimpleName())
                .build());
    }

    private EventHeader header(WindowStaged staged) {
        return new EventHeader(UUID.randomUUID().toString(), staged.getHeader().getRequestId(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS), PRODUCER, staged.getHeader().getAttempt());
    }

    private static String notes(WindowStaged staged, List<TableMergeResult> results) {
        String tables = results.stream().map(r -> String.format("%s.%s: %d inserted, %d updated, %d skipped as stale, %d left deleted, %d duplicates",
                r.getTable().getTargetSchema(), r.getTable().getTargetTable(), r.getInserted(), r.getUpdated(),
                r.getSkippedStale(), r.getSkippedDeleted(), r.getDuplicates())).collect(Collectors.joining("; "));
        String window = staged.getWindow() == null ? "whole tables" : "window [" + staged.getWindow().getFrom() + ", " + staged.getWindow().getTo() + ")";
        return "Merged " + staged.getKind() + " run, " + window + ": " + tables;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry a merge", e);
        }
    }
}
