package dev.dmsflow.validation.repair;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.support.security.Roles;
import dev.dmsflow.validation.check.ColumnValues;
import dev.dmsflow.validation.check.InvalidRunException;
import dev.dmsflow.validation.run.RunStore;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a repair of a failed run would do (the dry run ops look at before they POST one, as a table whose catalog
 * repair policy is {@code manual} waits for them to) and what its confirmed rounds planned. Key texts and column names;
 * row values only in the dry run, and only to the admin role.
 */
@RestController
class RepairPlanController {

    private final RepairStore store;
    private final OutOfSyncKeys outOfSync;
    private final ObjectProvider<MigrationCatalog> catalog;

    RepairPlanController(RepairStore store, OutOfSyncKeys outOfSync, ObjectProvider<MigrationCatalog> catalog) {
        this.store = store;
        this.outOfSync = outOfSync;
        this.catalog = catalog;
    }

    /**
     * @param attempt     the failed validation's attempt
     * @param tables      per table with recorded keys or ranges, what a repair round would plan now
     * @param notCompared the tables with recorded keys or ranges the catalog does not name, which no repair reloads
     */
    record DryRun(String requestId, int attempt, List<DryRunTable> tables, List<NotCompared> notCompared) {
    }

    /**
     * A table's plan as a confirm would record it, and its keys' values.
     *
     * @param values both copies' values of the keys' differing columns: business data, so only for the admin role
     *               (null for others), as a validation's
     */
    record DryRunTable(String table, boolean deletes, long droppedKeys, List<RunStore.Range> ranges,
                       List<RepairStore.PlannedKey> keys, List<ColumnValues> values) {
        static DryRunTable of(OutOfSyncKeys.Compared compared, boolean admin) {
            RepairStore.PlannedTable plan = compared.plan();
            return new DryRunTable(plan.table(), plan.deletes(), plan.droppedKeys(), plan.ranges(), plan.keys(),
                    admin ? compared.values() : null);
        }
    }

    record NotCompared(String table, String reason) {
    }

    /**
     * The run's latest validation, if it failed, compared again now as a repair's confirm would: per table the keys
     * still out of sync, each with its action ({@code load}, or {@code delete}: the source lacks it; whether a repair
     * deletes is the catalog's {@code deletes}) and, for keys both databases hold, the columns that differ (both
     * copies' values of them to the admin role only); the recorded ranges, reloaded whole; how many recorded keys
     * dropped out. Nothing is recorded or published. 404 when the run has no validation or its latest one did not
     * fail; 409 when the comparison cannot run (no source configured, a table missing).
     */
    @GetMapping("/api/validations/{requestId}/repair-plan")
    ResponseEntity<?> dryRun(@PathVariable String requestId, HttpServletRequest request) throws SQLException {
        boolean admin = request.isUserInRole(Roles.ADMIN);
        Optional<RepairStore.Recorded> found = store.latestValidation(requestId);
        if (found.isEmpty()) {
            return error(HttpStatus.NOT_FOUND, requestId, "run " + requestId + " has no validation recorded");
        }
        RepairStore.Recorded recorded = found.get();
        if (!recorded.failed()) {
            return error(HttpStatus.NOT_FOUND, requestId, "the latest validation of run " + requestId + " (attempt "
                    + recorded.attempt() + ") is " + recorded.outcome() + ", not FAILED: no recorded keys to repair");
        }
        Set<String> names = new LinkedHashSet<>(recorded.keys().keySet());
        names.addAll(recorded.ranges().keySet());
        MigrationCatalog migrationCatalog = catalog.getIfAvailable();
        List<DryRunTable> tables = new ArrayList<>();
        List<NotCompared> notCompared = new ArrayList<>();
        for (String name : names) {
            if (migrationCatalog == null) {
                notCompared.add(new NotCompared(name, "no migration catalog configured (dmsflow.catalog.location)"));
                continue;
            }
            Optional<CatalogTable> table = migrationCatalog.table(name);
            if (table.isEmpty()) {
                notCompared.add(new NotCompared(name, "not a table of the catalog (a multi-stage final table, or one"
                        + " since removed): no repair loads it"));
                continue;
            }
            try {
                tables.add(DryRunTable.of(outOfSync.compare(table.get().toTableRef(), table.get().repair().deletes(),
                        recorded), admin));
            } catch (InvalidRunException e) {
                return error(HttpStatus.CONFLICT, requestId, e.getMessage());
            }
        }
        return ResponseEntity.ok(new DryRun(requestId, recorded.attempt(), tables, notCompared));
    }

    /**
     * The plans the run's repair rounds confirmed, oldest round first: per table the keys the round reloaded, each
     * with its action and differing columns, the ranges reloaded whole, the keys the confirm dropped. 404 when no
     * round of the run was confirmed.
     */
    @GetMapping("/api/validations/{requestId}/repair-rounds")
    ResponseEntity<?> rounds(@PathVariable String requestId) {
        List<RepairStore.Plan> rounds = store.rounds(requestId);
        if (rounds.isEmpty()) {
            return error(HttpStatus.NOT_FOUND, requestId, "no repair round of run " + requestId
                    + " was confirmed; GET /api/validations/" + requestId + "/repair-plan is the dry run");
        }
        return ResponseEntity.ok(rounds);
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String requestId, String error) {
        return ResponseEntity.status(status).body(Map.of("requestId", requestId, "error", error));
    }
}
