package dev.dmsflow.validation.run;

import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.validation.check.CheckReport;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One validated run as recorded in {@code admin.validation_runs}: everything needed to publish its outcome event again,
 * with the same event id, when the MergeCompleted is redelivered.
 *
 * @param windowFrom null unless the run had a window (as is {@code windowTo})
 * @param reason     why the run was rejected; null otherwise
 */
public record RecordedRun(String requestId, Outcome outcome, TaskKind kind, String multiStage, Instant windowFrom, Instant windowTo,
                          UUID eventId, Instant occurredAt, Instant startedAt, long durationMillis, List<CheckReport> checks,
                          String reason) {

    public RecordedRun {
        checks = List.copyOf(checks);
    }
}
