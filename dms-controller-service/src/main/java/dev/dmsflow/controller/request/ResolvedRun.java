package dev.dmsflow.controller.request;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import java.util.List;
import java.util.Map;

/**
 * A request checked against the catalog: everything a run needs.
 *
 * @param windowPrecisions fractional-second digits of each table's window column in the source, by catalog name
 */
public record ResolvedRun(String requestId, TaskKind kind, List<TableRef> tables, TimeWindow window, String multiStage,
                          String requestedBy, int attempt, Map<String, Integer> windowPrecisions) {

    public ResolvedRun {
        tables = List.copyOf(tables);
        windowPrecisions = Map.copyOf(windowPrecisions);
    }

    public List<String> stagingTables() {
        return tables.stream().map(t -> t.getStagingSchema() + "." + t.getStagingTable()).toList();
    }
}
