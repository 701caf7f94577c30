package dev.dmsflow.validation.api;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.support.security.Roles;
import dev.dmsflow.validation.check.CheckReport;
import dev.dmsflow.validation.check.ColumnValues;
import dev.dmsflow.validation.run.RecordedRun;
import dev.dmsflow.validation.run.RunStore;
import jakarta.servlet.http.HttpServletRequest;
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

    /**
     * @param detail      what the figures cannot say (in-flight keys, where extra keys come from); null when they say it all
     * @param differences for the keys it names whose two copies differ, which columns differ
     * @param values      both copies' values of those columns: business data, so only for the admin role (null for others)
     */
    record Check(String table, String check, boolean passed, String expected, String actual, List<String> sampleKeys, long inFlight,
                 String detail, List<Difference> differences, List<ColumnValues> values) {
        static Check of(CheckReport report, boolean admin) {
            CheckResult result = report.result();
            return new Check(result.getTable(), result.getCheck(), result.getPassed(), result.getExpected(), result.getActual(),
                    List.copyOf(result.getSampleKeys()), result.getInFlight(), report.detail(),
                    result.getDifferences().stream().map(d -> new Difference(d.getKey(), List.copyOf(d.getColumns()))).toList(),
                    admin ? report.values() : null);
        }
    }

    record Difference(String key, List<String> columns) {
    }

    record Validation(String requestId, String outcome, String kind, String multiStage, Instant windowFrom, Instant windowTo,
                      Instant validatedAt, long durationMillis, String reason, List<Check> checks) {
    }

    @GetMapping("/api/validations/{requestId}")
    ResponseEntity<Validation> validation(@PathVariable String requestId, HttpServletRequest request) {
        boolean admin = request.isUserInRole(Roles.ADMIN);
        return store.find(requestId)
                .map(run -> view(run, admin))
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    /**
     * Every key each failed check kept (up to sample-keys + repair-keys per table and check), where the validation
     * shows only the first few: the keys a targeted reload would take. {@code counted} above the number of keys means
     * the cap was reached.
     */
    @GetMapping("/api/validations/{requestId}/differences")
    ResponseEntity<List<RunStore.CheckDifferences>> differences(@PathVariable String requestId) {
        return store.differences(requestId).map(ResponseEntity::ok).orElseGet(() -> ResponseEntity.notFound().build());
    }

    private static Validation view(RecordedRun run, boolean admin) {
        return new Validation(run.requestId(), run.outcome().name(), run.kind().name(), run.multiStage(), run.windowFrom(), run.windowTo(),
                run.occurredAt(), run.durationMillis(), run.reason(), run.checks().stream().map(check -> Check.of(check, admin)).toList());
    }
}
