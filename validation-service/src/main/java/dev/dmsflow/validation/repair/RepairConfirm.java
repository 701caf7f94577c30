package dev.dmsflow.validation.repair;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.KeyBounds;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.support.run.RunSkeleton;
import dev.dmsflow.support.run.RunSkeletons;
import dev.dmsflow.support.run.StageWork;
import dev.dmsflow.validation.run.ValidationRunner;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confirms a repair round's keys out of sync before the controller reloads them: after a delay for CDC lag (when CDC
 * feeds a table of the round), the keys the run's latest failed validation recorded are compared again
 * ({@link OutOfSyncKeys}, as ops' dry run does).
 * Recorded key ranges are kept whole: the merge and the re-validation deal with them. The plan is recorded for ops
 * ({@code admin.repair_plans}, {@code GET /api/validations/{requestId}/repair-rounds}) and published as
 * RepairPlanned, once per (requestId, attempt) through the {@link RunSkeleton}, in an outcome table of its own: the
 * failed validation's outcome has the same (requestId, attempt). A confirm that cannot run ends in TaskFailed of the
 * stage VALIDATION.
 */
public final class RepairConfirm implements StageWork<RepairRequested> {

    static final RunSkeleton.Stage STAGE = new RunSkeleton.Stage(FailureStage.VALIDATION, ValidationRunner.PRODUCER,
            new QualifiedName("validation_service", "repair_outcomes"), "repair confirm",
            Connection.TRANSACTION_READ_COMMITTED,
            // the validation's run lock: a confirm never reads keys a re-validation of the run is replacing
            "dmsflow.validation-run");
    private static final Logger log = LoggerFactory.getLogger(RepairConfirm.class);

    private final OutOfSyncKeys outOfSync;
    private final RepairStore store;
    private final Duration confirmDelay;
    private final Predicate<String> cdcFed;
    private final RepairMetrics metrics;
    private final Clock clock;
    private final RunSkeleton<RepairRequested> skeleton;

    /** @param cdcFed whether CDC writes into a table's production copy, by catalog name */
    RepairConfirm(RunSkeletons skeletons, OutOfSyncKeys outOfSync, RepairStore store, Duration confirmDelay,
                  Predicate<String> cdcFed, RepairMetrics metrics, Clock clock) {
        this.outOfSync = outOfSync;
        this.store = store;
        this.confirmDelay = confirmDelay;
        this.cdcFed = cdcFed;
        this.metrics = metrics;
        this.clock = clock;
        this.skeleton = skeletons.create(STAGE, this);
    }

    /**
     * Waits out what is left of the confirm delay since the request, then confirms; returns once it is published. A
     * round of tables no CDC feeds does not wait: nothing is on its way to their production copies.
     */
    public void handle(RepairRequested request) {
        if (request.getTables().stream().noneMatch(table -> cdcFed.test(table.getName()))) {
            skeleton.handle(request);
            return;
        }
        // waited before the run's lock and transaction: nothing is held while CDC catches up
        Instant due = request.getHeader().getOccurredAt().plus(confirmDelay);
        Duration left = Duration.between(clock.instant(), due);
        if (left.compareTo(confirmDelay) > 0) {
            // the requester's clock is ahead: wait no longer than the delay
            left = confirmDelay;
        }
        if (!left.isNegative() && !left.isZero()) {
            try {
                Thread.sleep(left.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting to confirm a repair", e);
            }
        }
        skeleton.handle(request);
    }

    @Override
    public SpecificRecord run(Connection connection, RepairRequested request, Instant started) throws SQLException {
        String requestId = request.getHeader().getRequestId();
        RepairStore.Recorded recorded = store.latestValidation(connection, requestId)
                .orElseThrow(() -> new IllegalStateException("run " + requestId + " has no validation recorded"));
        if (!recorded.failed()) {
            throw new IllegalStateException("the latest validation of run " + requestId + " (attempt "
                    + recorded.attempt() + ") is " + recorded.outcome() + ", not FAILED: no recorded keys to repair");
        }
        Set<String> deletes = Set.copyOf(request.getDeletes());
        List<TableRepairScope> scopes = new ArrayList<>();
        List<RepairStore.PlannedTable> planned = new ArrayList<>();
        for (TableRef table : request.getTables()) {
            // the plan alone: its keys' values are the admin's dry run's, never recorded or published
            RepairStore.PlannedTable plan = outOfSync.compare(table, deletes.contains(table.getName()), recorded)
                    .plan();
            scopes.add(TableRepairScope.newBuilder().setTable(table)
                    .setKeys(plan.keys().stream().map(RepairStore.PlannedKey::key).toList())
                    .setRanges(plan.ranges().stream().map(range -> new KeyBounds(range.from(), range.to())).toList())
                    .setDeletes(plan.deletes()).setDroppedKeys(plan.droppedKeys()).build());
            planned.add(plan);
            metrics.planned(table.getName(), plan.keys().size(), plan.droppedKeys());
            log.info("Repair round {} of run {}: table {} keeps {} of {} recorded keys ({} ranges)", request.getRound(),
                    requestId, table.getName(), plan.keys().size(), plan.keys().size() + plan.droppedKeys(),
                    plan.ranges().size());
        }
        Instant finished = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        store.recordPlan(connection, new RepairStore.Plan(requestId, request.getRound(),
                request.getHeader().getAttempt(), request.getRequestedBy(), request.getHeader().getOccurredAt(), finished,
                planned));
        return RepairPlanned.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, finished, ValidationRunner.PRODUCER,
                        request.getHeader().getAttempt()))
                .setKind(request.getKind()).setWindow(request.getWindow())
                .setScope(new RepairScope(request.getRound(), scopes))
                // from the request, so the delay counts
                .setDurationMillis(Math.max(0, Duration.between(request.getHeader().getOccurredAt(), finished)
                        .toMillis()))
                .build();
    }
}
