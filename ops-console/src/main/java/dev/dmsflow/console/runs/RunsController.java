package dev.dmsflow.console.runs;

import dev.dmsflow.console.ConsoleProperties;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

@RestController
@RequestMapping("/api/console/runs")
class RunsController {

    private static final Set<String> STATUSES = Set.of("RUNNING", "PASSED", "FAILED");

    private final RunQueries queries;
    private final ReadModel readModel;
    private final ConsoleProperties properties;

    RunsController(RunQueries queries, ReadModel readModel, ConsoleProperties properties) {
        this.queries = queries;
        this.readModel = readModel;
        this.properties = properties;
    }

    /** Runs newest first: {@code ?table=orders&status=FAILED&from=2026-01-01T00:00:00Z&to=...&page=0&size=50} (all optional). */
    @GetMapping
    RunQueries.RunPage runs(@RequestParam(required = false) String table, @RequestParam(required = false) String status,
                            @RequestParam(required = false) Instant from, @RequestParam(required = false) Instant to,
                            @RequestParam(defaultValue = "0") int page, @RequestParam(required = false) Integer size) {
        String wantedStatus = blank(status) ? null : status.toUpperCase(Locale.ROOT);
        if (wantedStatus != null && !STATUSES.contains(wantedStatus)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "status is one of " + STATUSES + ", not " + status);
        }
        if (page < 0 || size != null && size < 1) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "page must be 0 or more and size 1 or more");
        }
        int pageSize = Math.min(size == null ? properties.pageSize() : size, properties.maxPageSize());
        return queries.page(new RunQueries.Filter(blank(table) ? null : table, wantedStatus, from, to), page, pageSize);
    }

    @GetMapping("/{requestId}")
    RunView run(@PathVariable String requestId) {
        RunView run = readModel.run(requestId);
        if (run == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no events of run " + requestId);
        }
        return run;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
