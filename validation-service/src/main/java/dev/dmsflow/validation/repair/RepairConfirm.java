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
import dev.dmsflow.validation.check.KeyComparison;
import dev.dmsflow.validation.check.Validator;
import dev.dmsflow.validation.run.Outcome;
import dev.dmsflow.validation.run.ValidationRunner;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confirms a repair round's keys out of sync before the controller reloads them (GoldenGate Veridata's "confirm out of
 * sync"): after a delay for CDC lag, each key the run's latest failed validation recorded is compared again, source
 * against production; it drops out when the two agree now, or when production's change log shows CDC changed it after
 * the check (CDC owns it; a reload could undo a newer change). Recorded key ranges are kept whole: the merge and the
 * re-validation deal with them. The plan is recorded for ops ({@code admin.repair_plans}) and published as
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
    static final String LOAD = "load";
    static final String DELETE = "delete";
    private static final Logger log = LoggerFactory.getLogger(RepairConfirm.class);

    private final Validator validator;
    private final RepairStore store;
    private final Duration confirmDelay;
    private final RepairMetrics metrics;
    private final Clock clock;
    private final RunSkeleton<RepairRequested> skeleton;

    RepairConfirm(RunSkeletons skeletons, Validator validator, RepairStore store, Duration confirmDelay,
                  RepairMetrics metrics, Clock clock) {
        this.validator = validator;
        this.store = store;
        this.confirmDelay = confirmDelay;
        this.metrics = metrics;
        this.clock = clock;
        this.skeleton = skeletons.create(STAGE, this);
    }

    /** Waits out what is left of the confirm delay since the request, then confirms; returns once it is published. */
    public void handle(RepairRequested request) {
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
        if (!recorded.outcome().equals(Outcome.FAILED.name())) {
            throw new IllegalStateException("the latest validation of run " + requestId + " (attempt "
                    + recorded.attempt() + ") is " + recorded.outcome() + ", not FAILED: no recorded keys to repair");
        }
        Set<String> deletes = Set.copyOf(request.getDeletes());
        List<TableRepairScope> scopes = new ArrayList<>();
        List<RepairStore.PlannedTable> planned = new ArrayList<>();
        for (TableRef table : request.getTables()) {
            List<String> keys = List.copyOf(recorded.keys().getOrDefault(table.getName(), Set.of()));
            List<KeyBounds> ranges = List.copyOf(recorded.ranges().getOrDefault(table.getName(), Set.of()));
            List<KeyComparison> outOfSync = validator.compareKeys(table, keys, recorded.startedAt()).stream()
                    .filter(key -> !key.agrees() && !key.changedByCdc())
                    .sorted(Comparator.comparing(KeyComparison::key, RepairConfirm::compareKeys))
                    .toList();
            long dropped = keys.size() - outOfSync.size();
            boolean tableDeletes = deletes.contains(table.getName());
            scopes.add(TableRepairScope.newBuilder().setTable(table)
                    .setKeys(outOfSync.stream().map(KeyComparison::key).toList())
                    .setRanges(ranges).setDeletes(tableDeletes).setDroppedKeys(dropped).build());
            planned.add(new RepairStore.PlannedTable(table.getName(), tableDeletes, dropped, ranges, outOfSync.stream()
                    .map(key -> new RepairStore.PlannedKey(key.key(), key.inSource() ? LOAD : DELETE,
                            key.differingColumns()))
                    .toList()));
            metrics.planned(table.getName(), outOfSync.size(), dropped);
            log.info("Repair round {} of run {}: table {} keeps {} of {} recorded keys ({} ranges)", request.getRound(),
                    requestId, table.getName(), outOfSync.size(), keys.size(), ranges.size());
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

    /** Numeric keys by value (9 before 10), any others as text: the key order the checks report in. */
    static int compareKeys(String a, String b) {
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }
}
