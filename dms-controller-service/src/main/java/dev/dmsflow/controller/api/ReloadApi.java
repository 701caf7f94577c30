package dev.dmsflow.controller.api;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.controller.ControllerProperties;
import dev.dmsflow.controller.engine.EngineException;
import dev.dmsflow.controller.request.RequestResolver;
import dev.dmsflow.controller.run.RunCoordinator;
import dev.dmsflow.controller.run.RunView;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reload requests over HTTP. A request is checked as the consumer will check it, so a caller learns at once what is
 * wrong (422), and otherwise published to dmsflow.task-requested like any other request (202 with its requestId).
 * 202 means the request can be recorded: with the run store or the broker unreachable (within request-timeout) the
 * answer is 503 with the reason, and nothing is published. Its requestedBy is the authenticated caller: a body naming
 * someone else is refused (400), not silently rewritten.
 */
@RestController
class ReloadApi {

    /**
     * The JSON a caller posts; from and to are ISO-8601 instants, e.g. 2026-01-01T00:00:00Z; requestedBy may be left
     * out, and when given must be the caller's own name.
     */
    record ReloadRequest(List<String> tables, String from, String to, String kind, String requestId, String requestedBy,
                         String multiStage, String reason) {
    }

    private final RequestResolver resolver;
    private final RunCoordinator coordinator;
    private final KafkaTemplate<String, SpecificRecord> template;
    private final AsyncTaskExecutor executor;
    private final Duration timeout;

    ReloadApi(RequestResolver resolver, RunCoordinator coordinator, KafkaTemplate<String, SpecificRecord> template,
              @Qualifier("applicationTaskExecutor") AsyncTaskExecutor executor, ControllerProperties controller) {
        this.resolver = resolver;
        this.coordinator = coordinator;
        this.template = template;
        this.executor = executor;
        this.timeout = controller.requestTimeout();
    }

    @PostMapping("/api/reloads")
    ResponseEntity<Map<String, String>> reload(@RequestBody ReloadRequest body, Principal caller) throws InterruptedException {
        TaskRequested request;
        try {
            request = toEvent(body, caller.getName());
        } catch (IllegalArgumentException e) {
            return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
        }
        String requestId = request.getHeader().getRequestId();
        if (resolver.resolve(request) instanceof RequestResolver.Rejected rejected) {
            return ResponseEntity.unprocessableEntity().body(Map.of("requestId", requestId, "error", rejected.reason()));
        }
        Optional<String> unavailable = publish(request);
        if (unavailable.isPresent()) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("requestId", requestId, "error", unavailable.get()));
        }
        return ResponseEntity.accepted().body(Map.of("requestId", requestId));
    }

    /** Reading a run needs the run store: unreachable, that is a 503 too, not a 500. */
    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<Map<String, String>> storeUnreachable(DataAccessException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("error", "the run store is unreachable: " + e.getMessage()));
    }

    /**
     * Publishes the request if it can be recorded: the run store answers and the broker acknowledges, each within the
     * timeout (a database that does not answer is waited for on another thread, so the caller is not held longer).
     * Otherwise, why not.
     */
    private Optional<String> publish(TaskRequested request) throws InterruptedException {
        try {
            executor.submitCompletable(coordinator::checkStore).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.of("the run store is unreachable, so the request could not be recorded; send it again ("
                    + (e instanceof TimeoutException ? "no answer within " + timeout : e.getCause().getMessage()) + ")");
        }
        try {
            template.send(Topics.TASK_REQUESTED, request.getHeader().getRequestId(), request).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.of("could not publish the request to " + Topics.TASK_REQUESTED + "; send it again");
        }
        return Optional.empty();
    }

    @GetMapping("/api/runs/{requestId}")
    ResponseEntity<RunView> run(@PathVariable String requestId) {
        return coordinator.view(requestId).map(ResponseEntity::ok).orElse(ResponseEntity.notFound().build());
    }

    /** A FAILED run runs again as its next attempt, published like any request (202); 409 for a run that did not fail. */
    @PostMapping("/api/runs/{requestId}/retry")
    ResponseEntity<Map<String, Object>> retry(@PathVariable String requestId) throws InterruptedException {
        Optional<RunView> run = coordinator.view(requestId);
        if (run.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        if (!"FAILED".equals(run.get().status())) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("requestId", requestId,
                    "error", "run " + requestId + " is " + run.get().status() + ": only a FAILED run is retried"));
        }
        TaskRequested request = coordinator.retryRequest(requestId).orElseThrow();
        Optional<String> unavailable = publish(request);
        if (unavailable.isPresent()) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(Map.of("requestId", requestId, "error", unavailable.get()));
        }
        return ResponseEntity.accepted().body(Map.of("requestId", requestId, "attempt", request.getHeader().getAttempt()));
    }

    /**
     * Asks for a repair round of a FAILED run (its tables' catalog policy {@code manual} or {@code auto}): the run takes
     * its leases again and is REPAIRING until validation confirmed the keys it recorded, then loads, merges and
     * re-validates just those (202 with the run). 409 for a run that did not fail, or whose tables another run holds;
     * 422 when none of its tables may be repaired. The dry run is validation-service's
     * {@code GET /api/validations/{requestId}/repair-plan}.
     */
    @PostMapping("/api/runs/{requestId}/repair")
    ResponseEntity<?> repair(@PathVariable String requestId, Principal caller) {
        return switch (coordinator.repair(requestId, caller.getName())) {
            case REQUESTED -> ResponseEntity.accepted().body(coordinator.view(requestId).orElseThrow());
            case NOT_FOUND -> ResponseEntity.notFound().build();
            case NOT_FAILED -> ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("requestId", requestId, "error", "run "
                    + requestId + " is " + coordinator.view(requestId).map(RunView::status).orElse("gone")
                    + ": only a FAILED run is repaired"));
            case TABLES_BUSY -> ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("requestId", requestId, "error",
                    "another run holds or reads a table of run " + requestId + " (GET /api/leases); repair it after that run"));
            case NOT_REPAIRABLE -> ResponseEntity.unprocessableEntity().body(Map.of("requestId", requestId, "error",
                    "no table of run " + requestId + " may be repaired: the catalog's repair policy is off, the key is"
                            + " composite, or the run is multi-stage"));
        };
    }

    /**
     * Stops a REPLICATING run's CDC task and ends the run, releasing its leases (200 with the run); 409 for a run that
     * is not replicating, 502 when the engine could not stop the task (the run stays REPLICATING).
     */
    @PostMapping("/api/runs/{requestId}/stop")
    ResponseEntity<?> stop(@PathVariable String requestId) {
        RunCoordinator.StopResult result;
        try {
            result = coordinator.stop(requestId);
        } catch (EngineException e) {
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(Map.of("requestId", requestId, "error", e.getMessage()));
        }
        return switch (result) {
            case STOPPED -> ResponseEntity.ok(coordinator.view(requestId).orElseThrow());
            case NOT_FOUND -> ResponseEntity.notFound().build();
            case NOT_REPLICATING -> ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("requestId", requestId, "error", "run "
                    + requestId + " is " + coordinator.view(requestId).map(RunView::status).orElse("gone")
                    + ": only a REPLICATING run (a FULL_LOAD_AND_CDC run after its full load) is stopped"));
        };
    }

    private static TaskRequested toEvent(ReloadRequest body, String caller) {
        if (body.requestedBy() != null && !body.requestedBy().equals(caller)) {
            throw new IllegalArgumentException("requestedBy: is the authenticated caller, " + caller + "; leave it out");
        }
        if (body.tables() == null || body.tables().isEmpty()) {
            throw new IllegalArgumentException("tables: name at least one catalog table");
        }
        // UNKNOWN is what a reader makes of a kind newer than its schema, never one to ask for
        List<TaskKind> kinds = Arrays.stream(TaskKind.values()).filter(k -> k != TaskKind.UNKNOWN).toList();
        TaskKind kind = body.kind() == null ? TaskKind.TIME_WINDOW_RELOAD
                : kinds.stream().filter(k -> k.name().equals(body.kind())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("kind: '" + body.kind() + "' is none of " + kinds));
        TimeWindow window = null;
        if (body.from() != null || body.to() != null) {
            window = new TimeWindow(instant("from", body.from()), instant("to", body.to()));
        }
        String requestId = body.requestId() == null || body.requestId().isBlank() ? UUID.randomUUID().toString() : body.requestId();
        return TaskRequested.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now().truncatedTo(ChronoUnit.MILLIS), "rest-api", 1))
                .setKind(kind)
                .setTables(body.tables().stream().map(t -> RequestedTable.newBuilder().setName(t).build()).toList())
                .setWindow(window)
                .setRequestedBy(caller)
                .setMultiStage(body.multiStage())
                .setReason(body.reason())
                .build();
    }

    private static Instant instant(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": a window needs both from and to");
        }
        try {
            return Instant.parse(value).truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": '" + value + "' is not an ISO-8601 instant such as 2026-01-01T00:00:00Z");
        }
    }
}
