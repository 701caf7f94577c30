package dev.dmsflow.validation.repair;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The dry run ops look at: a run's latest confirmed repair plan. */
@RestController
class RepairPlanController {

    private final RepairStore store;

    RepairPlanController(RepairStore store) {
        this.store = store;
    }

    /**
     * Per table the keys the round reloads, each with its action ({@code load}, or {@code delete}: the source lacks it)
     * and, for keys both databases hold, the columns that differ; the ranges reloaded whole; the keys the confirm
     * dropped. Key texts and column names only, no values.
     */
    @GetMapping("/api/validations/{requestId}/repair-plan")
    ResponseEntity<RepairStore.Plan> plan(@PathVariable String requestId) {
        return store.plan(requestId).map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.notFound().build());
    }
}
