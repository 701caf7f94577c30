package dev.dmsflow.validation.run;

import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.validation.check.CheckReport;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One validated run as recorded in {@code admin.validation_runs} for users (the outcome event itself is recorded by the
 * run skeleton).
 *
 * @param attempt    the run's attempt: the row holds the latest one validated
 * @param windowFrom null unless the run had a window (as is {@code windowTo})
 * @param reason     why the run was rejected; null otherwise
 */
public record RecordedRun(String requestId, int attempt, Outcome outcome, TaskKind kind, String multiStage, Instant windowFrom, Instant windowTo,
                          UUID eventId, Instant occurredAt, Instant startedAt, long durationMillis, List<CheckReport> checks,
                          String reason) {

    public RecordedRun {
        checks = List.copyOf(checks);
    }
}
