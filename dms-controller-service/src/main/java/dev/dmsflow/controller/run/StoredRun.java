package dev.dmsflow.controller.run;

import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.controller.engine.TaskHandle;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run as stored: the resolved request and how far its task got (its status and percentage as last polled).
 *
 * @param repairRound the repair rounds asked for so far
 * @param repair      the scope of the repair round this attempt loads, or null when the attempt loads the request
 */
record StoredRun(String requestId, TaskKind kind, String requestedBy, String multiStage, TimeWindow window,
                 List<TableRef> tables, Map<String, Integer> windowPrecisions, RunStatus status, String migrationType,
                 TaskHandle handle, int engineErrors, int attempt, Instant startedAt, Instant lastProgressAt, String stage,
                 String taskStatus, int progress, int repairRound, RepairScope repair) {

    /** The tables the attempt's task loads: a repair round's only those with keys or ranges to reload. */
    List<TableRef> loadTables() {
        if (repair == null) {
            return tables;
        }
        return repair.getTables().stream().filter(StoredRun::hasWork).map(TableRepairScope::getTable).toList();
    }

    static boolean hasWork(TableRepairScope table) {
        return !table.getKeys().isEmpty() || !table.getRanges().isEmpty();
    }
}
