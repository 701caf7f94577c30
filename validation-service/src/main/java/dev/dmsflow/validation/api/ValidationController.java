package dev.dmsflow.validation.api;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.validation.check.CheckReport;
import dev.dmsflow.validation.run.RecordedRun;
import dev.dmsflow.validation.run.RunStore;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The recorded result of a run's validation. */
@RestController
class ValidationController {

    private final RunStore store;

    ValidationController(RunStore store) {
        this.store = store;
    }

    /** @param detail what the figures cannot say (in-flight keys, where extra keys come from); null when they say it all */
    record Check(String table, String check, boolean passed, String expected, String actual, List<String> sampleKeys, long inFlight,
                 String detail) {
        static Check of(CheckReport report) {
            CheckResult result = report.result();
            return new Check(result.getTable(), result.getCheck(), result.getPassed(), result.getExpected(), result.getActual(),
                    List.copyOf(result.getSampleKeys()), result.getInFlight(), report.detail());
        }
    }

    record Validation(String requestId, String outcome, String kind, String multiStage, Instant windowFrom, Instant windowTo,
                      Instant validatedAt, long durationMillis, String reason, List<Check> checks) {
    }

    @GetMapping("/api/validations/{requestId}")
    ResponseEntity<Validation> validation(@PathVariable String requestId) {
        return store.find(requestId)
                .map(ValidationController::view)
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    private static Validation view(RecordedRun run) {
        return new Validation(run.requestId(), run.outcome().name(), run.kind().name(), run.multiStage(), run.windowFrom(), run.windowTo(),
                run.occurredAt(), run.durationMillis(), run.reason(), run.checks().stream().map(Check::of).toList());
    }
}
