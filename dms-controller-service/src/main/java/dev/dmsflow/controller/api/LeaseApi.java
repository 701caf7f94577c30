package dev.dmsflow.controller.api;

import dev.dmsflow.controller.run.LeaseView;
import dev.dmsflow.controller.run.RunCoordinator;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Ops see who holds which staging table, and release a lease a run will never give back (recorded with who and why:
 * who is the authenticated caller; a {@code by} naming someone else is refused).
 */
@RestController
class LeaseApi {

    private final RunCoordinator coordinator;

    LeaseApi(RunCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @GetMapping("/api/leases")
    List<LeaseView> leases() {
        return coordinator.leases();
    }

    @DeleteMapping("/api/leases/{stagingTable}")
    ResponseEntity<Map<String, Object>> release(@PathVariable String stagingTable, @RequestParam(required = false) String reason,
                                                @RequestParam(required = false) String by, Principal caller) {
        if (reason == null || reason.isBlank()) {
            return ResponseEntity.badRequest().body(Map.<String, Object>of("error", "reason: say why the lease is released"));
        }
        if (by != null && !by.equals(caller.getName())) {
            return ResponseEntity.badRequest().body(Map.<String, Object>of("error", "by: is the authenticated caller, " + caller.getName() + "; leave it out"));
        }
        String releasedBy = caller.getName();
        List<String> released = coordinator.releaseLease(stagingTable, releasedBy, reason);
        if (released.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.<String, Object>of("error", "no run holds " + stagingTable));
        }
        // requestId: the load holding it, or the first of the validate-only runs reading it (requestIds: all of them)
        return ResponseEntity.ok(Map.of("stagingTable", stagingTable, "requestId", released.get(0), "requestIds", released,
                "releasedBy", releasedBy, "reason", reason));
    }
}
