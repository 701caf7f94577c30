package dev.dmsflow.merge.run;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.merge.window.MergeCounts;
import dev.dmsflow.merge.window.MergeStep;
import dev.dmsflow.support.run.OutcomeSink;
import dev.dmsflow.support.run.RunSkeleton;
import dev.dmsflow.support.run.RunSkeletons;
import dev.dmsflow.support.run.StageWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Merges a staged run through the {@link RunSkeleton}: every table in one (read committed) transaction, each target
 * locked with {@code pg_advisory_xact_lock}, the audit rows and the outcome committed with the data. A redelivered run
 * (same requestId and attempt) is not merged again, its recorded outcome is published once more; a retried run
 * (attempt + 1) is merged again. When a run cannot be merged, nothing of it is visible, a FAILED summary row is
 * recorded with its TaskFailed. A transient fault (e.g. a key CDC inserted meanwhile) is retried by the skeleton.
 */
public final class RunMerger implements StageWork<WindowStaged> {

    public static final String PRODUCER = "merge-service";
    static final RunSkeleton.Stage STAGE = new RunSkeleton.Stage(FailureStage.MERGE, PRODUCER,
            new QualifiedName("merge_service", "merge_runs"), "merge", Connection.TRANSACTION_READ_COMMITTED, "dmsflow.merge-run");

    private final MergePlanner planner;
    private final Clock clock;
    private final MergeAudit audit = new MergeAudit();
    private final RunSkeleton<WindowStaged> skeleton;

    public RunMerger(RunSkeletons skeletons, MergePlanner planner, OutcomeSink outcomes, Clock clock) {
        this.planner = planner;
        this.clock = clock;
        this.skeleton = skeletons.create(STAGE, this, outcomes);
    }

    public void onWindowStaged(WindowStaged staged) {
        skeleton.handle(staged);
    }

    @Override
    public MergeCompleted run(Connection connection, WindowStaged staged, Instant start) throws SQLException {
        String requestId = staged.getHeader().getRequestId();
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
                    .setDeleted(counts.deleted()).setKeptAbsent(counts.keptAbsent())
                    .setStagedRows(counts.staged()).setFullLoadRows(step.fullLoadRows())
                    .setDurationMillis(Duration.ofNanos(System.nanoTime() - stepStart).toMillis())
                    .build());
        }
        Instant end = clock.instant();
        MergeCompleted completed = MergeCompleted.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, end.truncatedTo(ChronoUnit.MILLIS), PRODUCER,
                        staged.getHeader().getAttempt()))
                .setKind(staged.getKind()).setWindow(staged.getWindow()).setMultiStage(staged.getMultiStage())
                .setLoadStartedAt(staged.getLoadStartedAt()).setRepair(staged.getRepair())
                .setTables(results)
                .setDurationMillis(Duration.between(start, end).toMillis())
                .build();
        for (int i = 0; i < steps.size(); i++) {
            audit.logTable(connection, requestId, results.get(i), steps.get(i).source().toString(), staged.getWindow(), end);
        }
        audit.summary(connection, requestId, staged.getHeader().getAttempt(), start, end, "SUCCESS", notes(staged, results), null);
        return completed;
    }

    @Override
    public void recordFailure(Connection connection, WindowStaged staged, TaskFailed failed, String detail, Instant start) throws SQLException {
        audit.summary(connection, staged.getHeader().getRequestId(), staged.getHeader().getAttempt(), start, clock.instant(), "FAILED",
                "Error: " + detail, failed.getRetryable());
    }

    private static void lockTarget(Connection connection, MergeStep step) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            lock.setString(1, "dmsflow.merge-table:" + step.target());
            lock.execute();
        }
    }

    private static String notes(WindowStaged staged, List<TableMergeResult> results) {
        boolean repair = staged.getRepair() != null;
        String tables = results.stream().map(r -> String.format("%s.%s: %d inserted, %d updated, %d skipped as stale, %d left deleted, %d duplicates",
                r.getTable().getTargetSchema(), r.getTable().getTargetTable(), r.getInserted(), r.getUpdated(),
                r.getSkippedStale(), r.getSkippedDeleted(), r.getDuplicates())
                + (repair ? String.format(", %d deleted, %d kept absent", r.getDeleted(), r.getKeptAbsent()) : ""))
                .collect(Collectors.joining("; "));
        String window = staged.getWindow() == null ? "whole tables" : "window [" + staged.getWindow().getFrom() + ", " + staged.getWindow().getTo() + ")";
        String run = (repair ? "repair round " + staged.getRepair().getRound() + " of " : "") + staged.getKind()
                + " run";
        return "Merged " + run + ", " + window + ": " + tables;
    }
}
