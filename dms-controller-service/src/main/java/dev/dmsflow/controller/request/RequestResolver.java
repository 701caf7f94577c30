package dev.dmsflow.controller.request;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.TimeWindow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a request against the migration catalog, without touching any database, and says in plain words what is
 * wrong when it cannot run.
 */
public final class RequestResolver {

    /** The outcome: a run to start, or why not. */
    public sealed interface Resolution permits Accepted, Rejected {
    }

    public record Accepted(ResolvedRun run) implements Resolution {
    }

    public record Rejected(String reason) implements Resolution {
    }

    private static final int MAX_REQUEST_ID = 200;

    private final MigrationCatalog catalog;

    public RequestResolver(MigrationCatalog catalog) {
        this.catalog = catalog;
    }

    /** The catalog table's repair policy and deletes; empty for a table the catalog no longer has. */
    public Optional<CatalogTable.Repair> repair(String table) {
        return catalog.table(table).map(CatalogTable::repair);
    }

    public Resolution resolve(TaskRequested request) {
        List<String> problems = new ArrayList<>();
        String requestId = request.getHeader().getRequestId();
        if (requestId == null || requestId.isBlank() || requestId.length() > MAX_REQUEST_ID) {
            problems.add("the requestId must be 1 to " + MAX_REQUEST_ID + " characters");
        }
        TaskKind kind = request.getKind();
        TimeWindow window = request.getWindow();
        if (request.getTables().isEmpty()) {
            problems.add("the request names no table");
        }
        if (kind == TaskKind.UNKNOWN) {
            problems.add("the request's kind is newer than this controller knows (read as UNKNOWN); upgrade dms-controller-service");
        }
        if (kind == TaskKind.TIME_WINDOW_RELOAD && window == null) {
            problems.add("a TIME_WINDOW_RELOAD needs a window (from, to)");
        }
        if (window != null && (kind == TaskKind.FULL_LOAD || kind == TaskKind.FULL_LOAD_AND_CDC)) {
            problems.add("a " + kind + " copies whole tables and takes no window; use TIME_WINDOW_RELOAD for one");
        }
        if (window != null && !window.getFrom().isBefore(window.getTo())) {
            problems.add("the window is empty: from " + window.getFrom() + " is not before to " + window.getTo()
                    + " (windows are half-open, from <= t < to)");
        }
        List<TableRef> tables = new ArrayList<>();
        Map<String, Integer> precisions = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (RequestedTable requested : request.getTables()) {
            String name = requested.getName();
            if (!Identifiers.isPlain(name)) {
                problems.add("table name '" + name + "' is not a plain identifier");
                continue;
            }
            if (!seen.add(name)) {
                problems.add("table " + name + " is requested twice");
                continue;
            }
            CatalogTable table = catalog.table(name).orElse(null);
            if (table == null) {
                problems.add("table '" + name + "' is not in the migration catalog (known: " + String.join(", ", catalog.tables().keySet()) + ")");
                continue;
            }
            check(requested, table, kind, window, problems);
            tables.add(table.toTableRef());
            precisions.put(name, table.windowPrecision());
        }
        if (kind == TaskKind.MULTI_STAGE) {
            checkMultiStage(request.getMultiStage(), seen, problems);
        } else if (request.getMultiStage() != null) {
            problems.add("multiStage is only for MULTI_STAGE requests, this one is " + kind);
        }
        if (!problems.isEmpty()) {
            return new Rejected(String.join("; ", problems));
        }
        return new Accepted(new ResolvedRun(requestId, kind, tables, window, request.getMultiStage(), request.getRequestedBy(),
                request.getHeader().getAttempt(), precisions));
    }

    private static void check(RequestedTable requested, CatalogTable table, TaskKind kind, TimeWindow window, List<String> problems) {
        String name = table.name();
        String windowColumn = requested.getWindowColumn();
        if (windowColumn != null) {
            if (!Identifiers.isPlain(windowColumn)) {
                problems.add("window column '" + windowColumn + "' of " + name + " is not a plain identifier");
            } else if (!table.windowColumn().map(windowColumn::equals).orElse(false)) {
                problems.add("window column " + windowColumn + " of " + name + " is not the catalog's ("
                        + table.windowColumn().orElse("none") + ")");
            }
        }
        List<String> keys = requested.getKeyColumns();
        for (String key : keys) {
            if (!Identifiers.isPlain(key)) {
                problems.add("key column '" + key + "' of " + name + " is not a plain identifier");
            } else if (!table.keyColumns().contains(key)) {
                problems.add("key column " + key + " of " + name + " is not in the catalog's key " + table.keyColumns());
            }
        }
        if (!keys.isEmpty() && !new HashSet<>(keys).equals(new HashSet<>(table.keyColumns()))) {
            problems.add("key columns " + keys + " of " + name + " do not match the catalog's key " + table.keyColumns());
        }
        if ((kind == TaskKind.TIME_WINDOW_RELOAD || window != null) && table.windowColumn().isEmpty()) {
            problems.add("table " + name + " has no window column in the catalog, so it cannot be loaded by window");
        }
        if (kind == TaskKind.FULL_LOAD && table.cdc() && !table.changeTracking() && table.windowColumn().isEmpty()) {
            // with neither a window column nor a change log, the merge cannot tell CDC's rows from the load's older copy
            problems.add("table " + name + " has CDC running on it (catalog cdc: true) but neither a window column nor change"
                    + " tracking, so a FULL_LOAD would revert what CDC changed after the load read it; set changeTracking: true"
                    + " for it in the catalog and provision (schema-service POST /api/provision) before reloading it");
        }
    }

    private void checkMultiStage(String name, Set<String> requested, List<String> problems) {
        if (name == null) {
            problems.add("a MULTI_STAGE request needs multiStage, the name of the catalog's definition (known: "
                    + String.join(", ", catalog.multiStages().keySet()) + ")");
            return;
        }
        MultiStageDefinition definition = catalog.multiStage(name).orElse(null);
        if (definition == null) {
            problems.add("multi-stage '" + name + "' is not in the migration catalog (known: " + String.join(", ", catalog.multiStages().keySet()) + ")");
        } else if (!requested.contains(definition.stagingTable())) {
            problems.add("multi-stage " + name + " stages table " + definition.stagingTable() + ", which the request does not name");
        }
    }
}
