package dev.dmsflow.validation.run;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.validation.check.CheckReport;
import dev.dmsflow.validation.check.InvalidRunException;
import dev.dmsflow.validation.check.Validator;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a merged run once per requestId: a requestId already recorded is not validated again, its recorded
 * outcome is published again with the same event id (this heals a crash between the commit and the publish).
 */
public final class ValidationRunner {

    static final String PRODUCER = "validation-service";
    private static final Logger log = LoggerFactory.getLogger(ValidationRunner.class);

    private final Validator validator;
    private final RunStore store;
    private final OutcomePublisher publisher;
    private final Clock clock;

    public ValidationRunner(Validator validator, RunStore store, OutcomePublisher publisher, Clock clock) {
        this.validator = validator;
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
    }

    public void handle(MergeCompleted run) throws SQLException {
        String requestId = run.getHeader().getRequestId();
        RecordedRun recorded = store.find(requestId).orElse(null);
        if (recorded == null) {
            recorded = store.record(validate(run));
        } else {
            log.info("Run {} was validated already ({}); publishing its outcome again", requestId, recorded.outcome());
        }
        publish(recorded, run);
    }

    private RecordedRun validate(MergeCompleted run) throws SQLException {
        Instant started = clock.instant();
        List<CheckReport> checks;
        Outcome outcome;
        String reason = null;
        try {
            checks = validator.report(run);
            outcome = checks.stream().allMatch(c -> c.result().getPassed()) ? Outcome.PASSED : Outcome.FAILED;
        } catch (InvalidRunException e) {
            checks = List.of();
            outcome = Outcome.REJECTED;
            reason = e.getMessage();
        }
        Instant finished = clock.instant();
        TimeWindow window = run.getWindow();
        log.info("Run {} validated: {} ({} checks, {} ms)", run.getHeader().getRequestId(), outcome, checks.size(),
                Duration.between(started, finished).toMillis());
        return new RecordedRun(run.getHeader().getRequestId(), outcome, run.getKind(), run.getMultiStage(),
                window == null ? null : window.getFrom(), window == null ? null : window.getTo(), UUID.randomUUID(), finished, started,
                Duration.between(started, finished).toMillis(), checks, reason);
    }

    private void publish(RecordedRun recorded, MergeCompleted run) {
        EventHeader header = new EventHeader(recorded.eventId().toString(), recorded.requestId(), recorded.occurredAt(), PRODUCER,
                run.getHeader().getAttempt());
        TimeWindow window = recorded.windowFrom() == null ? null : new TimeWindow(recorded.windowFrom(), recorded.windowTo());
        List<CheckResult> checks = recorded.checks().stream().map(CheckReport::result).toList();
        SpecificRecord event;
        String topic;
        switch (recorded.outcome()) {
            case PASSED -> {
                topic = Topics.VALIDATION_PASSED;
                event = ValidationPassed.newBuilder().setHeader(header).setKind(recorded.kind()).setWindow(window)
                        .setChecks(checks).setDurationMillis(recorded.durationMillis()).build();
            }
            case FAILED -> {
                topic = Topics.ALERTS;
                event = ValidationFailed.newBuilder().setHeader(header).setKind(recorded.kind()).setWindow(window)
                        .setFailures(checks.stream().filter(c -> !c.getPassed()).toList())
                        .setPassedChecks(checks.stream().filter(CheckResult::getPassed).toList())
                        .setDurationMillis(recorded.durationMillis()).build();
            }
            default -> {
                topic = Topics.ALERTS;
                event = TaskFailed.newBuilder().setHeader(header).setStage(FailureStage.VALIDATION).setReason(recorded.reason())
                        .setRetryable(false).setErrorType("InvalidRun")
                        .setTables(run.getTables().stream().map(TableMergeResult::getTable).map(t -> t.getName()).toList()).build();
            }
        }
        publisher.publish(topic, recorded.requestId(), event);
    }
}
