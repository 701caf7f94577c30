package dev.dmsflow.validation.run;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.support.run.RunSkeleton;
import dev.dmsflow.support.run.RunSkeletons;
import dev.dmsflow.support.run.StageWork;
import dev.dmsflow.validation.check.CheckNames;
import dev.dmsflow.validation.check.CheckReport;
import dev.dmsflow.validation.check.InvalidRunException;
import dev.dmsflow.validation.check.Validator;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a merged run, or a VALIDATE_ONLY run's source against production, through the {@link RunSkeleton}, once per (requestId, attempt): a redelivery publishes the
 * recorded outcome again, with the same event id; a retried run is validated again. The results go to
 * {@code admin.validation_runs} / {@code admin.validation_checks} in the transaction that records the outcome. A run
 * the checks cannot describe is REJECTED (TaskFailed); a database error, a statement timeout included, ends in
 * TaskFailed of the stage VALIDATION.
 */
public final class ValidationRunner implements StageWork<MergeCompleted> {

    public static final String PRODUCER = "validation-service";
    /** Validation's runs: a repair round's re-validation is one too (same outcome table, same run lock). */
    public static final RunSkeleton.Stage STAGE = new RunSkeleton.Stage(FailureStage.VALIDATION, PRODUCER,
            new QualifiedName("validation_service", "validation_outcomes"), "validation", Connection.TRANSACTION_READ_COMMITTED,
            "dmsflow.validation-run");
    private static final Logger log = LoggerFactory.getLogger(ValidationRunner.class);

    private final Validator validator;
    private final RunStore store;
    private final Clock clock;
    private final RunSkeleton<MergeCompleted> skeleton;
    private final RunSkeleton<ValidationRequested> validateOnly;

    public ValidationRunner(RunSkeletons skeletons, Validator validator, RunStore store, Clock clock) {
        this.validator = validator;
        this.store = store;
        this.clock = clock;
        this.skeleton = skeletons.create(STAGE, this);
        // a validate-only run is validation's run like any other: same outcome table, same run lock, same events
        this.validateOnly = skeletons.create(STAGE, (connection, run, started) -> validated(connection, run.getHeader(), run.getKind(), null,
                run.getWindow(), run.getTables().stream().map(TableRef::getName).toList(), started, () -> validator.validateOnly(run)).event());
    }

    public void handle(MergeCompleted run) {
        skeleton.handle(run);
    }

    /** A VALIDATE_ONLY run: the source against production, nothing written but its results. */
    public void handle(ValidationRequested run) {
        validateOnly.handle(run);
    }

    @Override
    public SpecificRecord run(Connection connection, MergeCompleted run, Instant started) throws SQLException {
        return validated(connection, run.getHeader(), run.getKind(), run.getMultiStage(), run.getWindow(),
                run.getTables().stream().map(t -> t.getTable().getName()).toList(), started, () -> validator.report(run)).event();
    }

    /** A validation as recorded, and its outcome event (ValidationPassed, ValidationFailed, or TaskFailed if rejected). */
    public record Verdict(RecordedRun run, SpecificRecord event) {
    }

    /**
     * A repair round's re-validation, in the caller's run transaction: the round's keys, ranges and the window's counts
     * ({@link Validator#revalidateRepair}; changes after {@code loadStartedAt}, the round's load start, are in
     * flight), recorded as any
     * validation (its differing keys kept for another round).
     */
    public Verdict revalidate(Connection connection, EventHeader header, TaskKind kind, TimeWindow window,
                              Instant loadStartedAt, List<TableRepairScope> scopes, Instant started) throws SQLException {
        return validated(connection, header, kind, null, window,
                scopes.stream().map(scope -> scope.getTable().getName()).toList(), started,
                () -> validator.revalidateRepair(window, loadStartedAt, scopes));
    }

    private interface Checks {
        List<CheckReport> run() throws SQLException;
    }

    private Verdict validated(Connection connection, EventHeader input, TaskKind kind, String multiStage, TimeWindow window,
                                     List<String> tables, Instant started, Checks checks) throws SQLException {
        List<CheckReport> reports;
        Outcome outcome;
        String reason = null;
        try {
            // the checks read in snapshots of their own; this connection records what they found
            reports = checks.run();
            outcome = reports.stream().allMatch(c -> c.result().getPassed()) ? Outcome.PASSED : Outcome.FAILED;
        } catch (InvalidRunException e) {
            reports = List.of();
            outcome = Outcome.REJECTED;
            reason = e.getMessage();
        }
        Instant finished = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        log.info("Run {} validated: {} ({} checks, {} ms)", input.getRequestId(), outcome, reports.size(),
                Duration.between(started, finished).toMillis());
        RecordedRun recorded = new RecordedRun(input.getRequestId(), input.getAttempt(), outcome, kind, multiStage,
                window == null ? null : window.getFrom(), window == null ? null : window.getTo(), UUID.randomUUID(),
                finished, started, Duration.between(started, finished).toMillis(), reports, reason);
        store.record(connection, recorded);
        return new Verdict(recorded, event(recorded, window, tables));
    }

    /**
     * Checks whose failures are key differences a targeted reload of their keys and ranges addresses (SOURCE_COUNT fails
     * only with a validate-only run's MISSING or EXTRA, or ranges past the cap); the others count or check structure.
     */
    private static final Set<String> REPAIRABLE = Set.of(CheckNames.MISSING, CheckNames.STALE, CheckNames.CONTENTS, CheckNames.EXTRA,
            CheckNames.SOURCE, CheckNames.SOURCE_COUNT);

    private static Stream<CheckReport> failed(RecordedRun recorded) {
        return recorded.checks().stream().filter(c -> !c.result().getPassed());
    }

    private static SpecificRecord event(RecordedRun recorded, TimeWindow window, List<String> tables) {
        EventHeader header = new EventHeader(recorded.eventId().toString(), recorded.requestId(), recorded.occurredAt(), PRODUCER,
                recorded.attempt());
        List<CheckResult> checks = recorded.checks().stream().map(CheckReport::result).toList();
        return switch (recorded.outcome()) {
            case PASSED -> ValidationPassed.newBuilder().setHeader(header).setKind(recorded.kind()).setWindow(window)
                    .setChecks(checks).setDurationMillis(recorded.durationMillis()).build();
            case FAILED -> ValidationFailed.newBuilder().setHeader(header).setKind(recorded.kind()).setWindow(window)
                    .setFailures(checks.stream().filter(c -> !c.getPassed()).toList())
                    .setPassedChecks(checks.stream().filter(CheckResult::getPassed).toList())
                    .setDurationMillis(recorded.durationMillis())
                    .setDifferingKeys(failed(recorded).mapToLong(c -> c.keys().size()).sum())
                    .setDifferingRanges(failed(recorded).mapToInt(c -> c.ranges().size()).sum())
                    .setRepairable(failed(recorded).allMatch(c -> REPAIRABLE.contains(c.result().getCheck()))).build();
            case REJECTED -> TaskFailed.newBuilder().setHeader(header).setStage(FailureStage.VALIDATION).setReason(recorded.reason())
                    .setRetryable(false).setErrorType("InvalidRun").setTables(tables).build();
        };
    }
}
