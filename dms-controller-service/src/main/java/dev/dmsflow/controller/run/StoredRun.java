package dev.dmsflow.controller.run;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.controller.engine.TaskHandle;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A run as stored: the resolved request and how far its task got (its status and percentage as last polled). */
record StoredRun(String requestId, TaskKind kind, String requestedBy, String multiStage, TimeWindow window,
                 List<TableRef> tables, Map<String, Integer> windowPrecisions, RunStatus status, String migrationType,
                 TaskHandle handle, int engineErrors, int attempt, Instant startedAt, Instant lastProgressAt, String stage,
                 String taskStatus, int progress) {
}
