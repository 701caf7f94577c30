package dev.dmsflow.console.alerts;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.ValidationFailed;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * An alert as the console shows it: a TaskFailed (stage, reason) or a ValidationFailed (its failed checks).
 *
 * @param type TaskFailed or ValidationFailed
 */
record Alert(String type, String eventId, String requestId, Instant occurredAt, int attempt, String stage, String reason,
             String errorType, Boolean retryable, List<String> tables, List<FailedCheck> failedChecks) {

    record FailedCheck(String table, String check, String expected, String actual, List<String> sampleKeys, String detail) {
    }

    static Alert of(SpecificRecord event) {
        if (event instanceof TaskFailed failed) {
            return new Alert("TaskFailed", failed.getHeader().getEventId(), failed.getHeader().getRequestId(),
                    failed.getHeader().getOccurredAt(), failed.getHeader().getAttempt(), failed.getStage().name(), failed.getReason(),
                    failed.getErrorType(), failed.getRetryable(), List.copyOf(failed.getTables()), List.of());
        }
        if (event instanceof ValidationFailed failed) {
            List<FailedCheck> checks = failed.getFailures().stream().map(Alert::failedCheck).toList();
            return new Alert("ValidationFailed", failed.getHeader().getEventId(), failed.getHeader().getRequestId(),
                    failed.getHeader().getOccurredAt(), failed.getHeader().getAttempt(), "VALIDATION",
                    checks.size() + " check(s) failed", null, null,
                    checks.stream().map(FailedCheck::table).distinct().toList(), checks);
        }
        throw new IllegalArgumentException(event.getSchema().getFullName() + " is not an alert");
    }

    private static FailedCheck failedCheck(CheckResult check) {
        return new FailedCheck(check.getTable(), check.getCheck(), check.getExpected(), check.getActual(),
                List.copyOf(check.getSampleKeys()), check.getDetail());
    }
}
