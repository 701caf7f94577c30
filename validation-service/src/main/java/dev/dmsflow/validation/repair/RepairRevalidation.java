package dev.dmsflow.validation.repair;

import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRepairResult;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.support.kafka.EventEnvelope;
import dev.dmsflow.support.run.OutcomeSink;
import dev.dmsflow.support.run.RunSkeleton;
import dev.dmsflow.support.run.RunSkeletons;
import dev.dmsflow.support.run.StageWork;
import dev.dmsflow.validation.check.CheckReport;
import dev.dmsflow.validation.run.Outcome;
import dev.dmsflow.validation.run.RecordedRun;
import dev.dmsflow.validation.run.ValidationRunner;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/**
 * Re-validates a repair round's merge (a MergeCompleted with {@code repair} set, whatever its kind): staging holds only
 * the repaired keys, so the staged checks cannot run. Per scoped table the source is compared with production for the
 * round's keys (as its confirm compares them), its key ranges (as a VALIDATE_ONLY run compares a window) and the
 * window's row counts ({@link dev.dmsflow.validation.check.Validator#revalidateRepair}; what changed after the round's
 * load started is in flight), not row by row over the whole window: a round changes its keys alone. It is recorded as
 * any validation, its differing keys kept for another round. Two events end it: RepairCompleted, then
 * the verdict (ValidationPassed or ValidationFailed). The verdict is the run skeleton's outcome (validation's outcome
 * table); RepairCompleted is recorded in the same transaction and published before it on every delivery, so both come
 * out for each (requestId, attempt) and a redelivery republishes both as they were.
 */
public final class RepairRevalidation implements StageWork<MergeCompleted> {

    private final ValidationRunner runner;
    private final RepairStore store;
    private final RepairMetrics metrics;
    private final RunSkeleton<MergeCompleted> skeleton;

    RepairRevalidation(RunSkeletons skeletons, ValidationRunner runner, RepairStore store, RepairMetrics metrics) {
        this.runner = runner;
        this.store = store;
        this.metrics = metrics;
        OutcomeSink publisher = skeletons.publisher();
        this.skeleton = skeletons.create(ValidationRunner.STAGE, this, outcome -> {
            EventHeader header = EventEnvelope.header(outcome);
            store.completion(header.getRequestId(), header.getAttempt()).ifPresent(publisher::publish);
            publisher.publish(outcome);
        });
    }

    /** A repair round's merge: returns once RepairCompleted and the verdict (or TaskFailed) are out. */
    public void handle(MergeCompleted merged) {
        if (merged.getRepair() == null) {
            throw new IllegalArgumentException("run " + merged.getHeader().getRequestId()
                    + ": not a repair round's merge");
        }
        skeleton.handle(merged);
    }

    @Override
    public SpecificRecord run(Connection connection, MergeCompleted merged, Instant started) throws SQLException {
        RepairScope scope = merged.getRepair();
        EventHeader header = merged.getHeader();
        // rows and keys CDC changed after the repair's load started are in flight
        Instant loadStartedAt = merged.getLoadStartedAt() != null ? merged.getLoadStartedAt() : header.getOccurredAt();
        ValidationRunner.Verdict verdict = runner.revalidate(connection, header, merged.getKind(), merged.getWindow(),
                loadStartedAt, scope.getTables(), started);
        RecordedRun run = verdict.run();
        if (run.outcome() == Outcome.REJECTED) {
            // nothing was compared: TaskFailed alone
            return verdict.event();
        }
        Map<String, TableMergeResult> mergedTables = merged.getTables().stream()
                .collect(Collectors.toMap(t -> t.getTable().getName(), Function.identity(), (a, b) -> a));
        List<TableRepairResult> tables = new ArrayList<>();
        for (TableRepairScope table : scope.getTables()) {
            String name = table.getTable().getName();
            TableMergeResult result = mergedTables.get(name);
            tables.add(TableRepairResult.newBuilder().setTable(name).setPlannedKeys(table.getKeys().size())
                    .setInserted(result == null ? 0 : result.getInserted())
                    .setUpdated(result == null ? 0 : result.getUpdated())
                    .setDeleted(result == null ? 0 : result.getDeleted())
                    .setKeptAbsent(result == null ? 0 : result.getKeptAbsent())
                    .setSkippedCdc(result == null ? 0 : result.getSkippedStale() + result.getSkippedDeleted())
                    .setStillDifferent(stillDifferent(run, name))
                    .build());
        }
        Instant requestedAt = store.requestedAt(connection, header.getRequestId(), scope.getRound()).orElse(null);
        RepairCompleted completed = RepairCompleted.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), header.getRequestId(), run.occurredAt(),
                        ValidationRunner.PRODUCER, header.getAttempt()))
                .setKind(merged.getKind()).setWindow(merged.getWindow()).setRound(scope.getRound()).setTables(tables)
                .setHealed(run.outcome() == Outcome.PASSED)
                // from the request when this service confirmed the round; otherwise the re-validation alone
                .setDurationMillis(requestedAt == null ? run.durationMillis()
                        : Math.max(0, Duration.between(requestedAt, run.occurredAt()).toMillis()))
                .build();
        store.recordCompletion(connection, completed);
        metrics.completed(completed);
        return verdict.event();
    }

    /** Distinct keys the re-validation's failed checks of the table kept (each differing key is in one of them). */
    private static long stillDifferent(RecordedRun run, String table) {
        Set<String> keys = new HashSet<>();
        for (CheckReport check : run.checks()) {
            if (!check.result().getPassed() && check.result().getTable().equals(table)) {
                keys.addAll(check.keys());
            }
        }
        return keys.size();
    }
}
