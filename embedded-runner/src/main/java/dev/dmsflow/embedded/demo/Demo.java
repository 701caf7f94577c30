package dev.dmsflow.embedded.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.support.kafka.EventEnvelope;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/**
 * The main job on the embedded default: a January reload of orders and customers while CDC keeps changing orders,
 * then a multi-stage load of the January orders joined with database 2 into the final table. Requests go through the
 * controller's REST API; the timeline prints every event; each run ends with its validation outcome.
 */
public final class Demo {

    /** How one run ended. */
    public record RunResult(String requestId, String outcome, String reason, List<Timeline.Seen> events, Duration took) {
        public boolean passed() {
            return "PASSED".equals(outcome);
        }

        /** The run's first event of the type (a repaired run's first ValidationFailed is its own attempt's). */
        public <T extends SpecificRecord> Optional<T> event(Class<T> type) {
            return events.stream().map(Timeline.Seen::event).filter(type::isInstance).map(type::cast).findFirst();
        }

        /** The run's last event of the type: a repaired run's last round's. */
        public <T extends SpecificRecord> Optional<T> lastEvent(Class<T> type) {
            return events.stream().map(Timeline.Seen::event).filter(type::isInstance).map(type::cast).reduce((a, b) -> b);
        }
    }

    private final int controllerPort;
    private final ApiUser user;
    private final Timeline timeline;
    private final PrintStream out;
    private final Duration timeout;

    /** @param user who the requests are requested by: a user with the reload role */
    /** A run's status once it ended (a replicating run's validation is its last). */
    private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "STOPPED", "REPLICATING");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CHECK_ORDER = List.of("SOURCE_COUNT", "MISSING", "EXTRA", "CONTENTS");

    public Demo(int controllerPort, ApiUser user, Timeline timeline, PrintStream out, Duration timeout) {
        this.controllerPort = controllerPort;
        this.user = user;
        this.timeline = timeline;
        this.out = out;
        this.timeout = timeout;
    }

    public RunResult windowReload(String requestId) {
        return submit(requestId, "{\"tables\":[\"orders\",\"customers\"],\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-02-01T00:00:00Z\","
                + "\"kind\":\"TIME_WINDOW_RELOAD\",\"requestId\":\"" + requestId + "\",\"reason\":\"reload January\"}");
    }

    public RunResult multiStage(String requestId) {
        return submit(requestId, "{\"tables\":[\"orders\"],\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-02-01T00:00:00Z\","
                + "\"kind\":\"MULTI_STAGE\",\"multiStage\":\"orders_enriched\",\"requestId\":\"" + requestId + "\"}");
    }

    /** A VALIDATE_ONLY run: the source's window of the tables against production's; nothing is loaded or merged. */
    public RunResult validateOnly(String requestId, List<String> tables, Instant from, Instant to) {
        return submit(requestId, "{\"tables\":[" + tables.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(",")) + "],"
                + "\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"kind\":\"VALIDATE_ONLY\",\"requestId\":\"" + requestId + "\"}");
    }

    private RunResult submit(String requestId, String json) {
        Instant start = Instant.now();
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + controllerPort + "/api/reloads"))
                    .header("Content-Type", "application/json").header("Authorization", user.basicAuthorization()).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new RunResult(requestId, "REJECTED", "controller unreachable: " + e.getMessage(), List.of(), Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunResult(requestId, "REJECTED", "interrupted", List.of(), Duration.ZERO);
        }
        if (response.statusCode() != 202) {
            return new RunResult(requestId, "REJECTED", "HTTP " + response.statusCode() + " " + response.body(), List.of(), Duration.ZERO);
        }
        Instant deadline = start.plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            List<Timeline.Seen> events = timeline.of(requestId);
            Optional<Timeline.Seen> verdict = events.stream().filter(seen -> seen.event() instanceof ValidationPassed
                    || seen.event() instanceof ValidationFailed || seen.event() instanceof TaskFailed).reduce((a, b) -> b);
            // a failed validation may be the start of a repair round: the run's own status says when it ended
            if (verdict.isPresent() && roundsReported(events, verdict.get())
                    && ended(requestId, EventEnvelope.header(verdict.get().event()).getAttempt())) {
                Timeline.Seen seen = verdict.get();
                Duration took = Duration.between(start, seen.at());
                if (seen.event() instanceof ValidationPassed) {
                    return new RunResult(requestId, "PASSED", null, timeline.of(requestId), took);
                }
                String reason = seen.event() instanceof TaskFailed failed ? failed.getStage() + ": " + failed.getReason()
                        : Timeline.figures(seen.event());
                return new RunResult(requestId, "FAILED", reason, timeline.of(requestId), took);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new RunResult(requestId, "TIMEOUT", "no outcome within " + timeout.toSeconds() + " s", timeline.of(requestId), timeout);
    }

    /**
     * Every repair round merged has its RepairCompleted in the timeline (unless the run failed). It is published before
     * the verdict but on another topic, and Kafka orders records within a partition only: the timeline can see the
     * verdict first.
     */
    private static boolean roundsReported(List<Timeline.Seen> events, Timeline.Seen verdict) {
        if (verdict.event() instanceof TaskFailed) {
            return true;
        }
        Set<Integer> merged = events.stream().map(Timeline.Seen::event).filter(MergeCompleted.class::isInstance)
                .map(MergeCompleted.class::cast).filter(m -> m.getRepair() != null).map(m -> m.getRepair().getRound())
                .collect(Collectors.toSet());
        Set<Integer> completed = events.stream().map(Timeline.Seen::event).filter(RepairCompleted.class::isInstance)
                .map(e -> ((RepairCompleted) e).getRound()).collect(Collectors.toSet());
        return completed.containsAll(merged);
    }

    /**
     * The controller has no run (a rejected request), or the run ended at the verdict's attempt: that verdict is final.
     * A failed validation the controller has not acted on yet, or one a repair round follows, is not.
     */
    private boolean ended(String requestId, int attempt) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + controllerPort + "/api/runs/" + requestId))
                    .header("Authorization", user.basicAuthorization()).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return true;
            }
            JsonNode run = JSON.readTree(response.body());
            return ENDED.contains(run.path("status").asText()) && run.path("attempt").asInt() == attempt;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Per table and check of a validate-only run: the figures, and the keys and columns of a failed check. */
    public void printValidateOnlySummary(RunResult run) {
        out.printf("%n%s: %s in %.1f s%n", run.requestId(), run.outcome(), run.took().toMillis() / 1000.0);
        List<CheckResult> checks = run.event(ValidationPassed.class).map(ValidationPassed::getChecks)
                .or(() -> run.event(ValidationFailed.class).map(f -> {
                    // in the order the checks ran, as a passed run lists them
                    List<CheckResult> all = new ArrayList<>(f.getFailures());
                    all.addAll(f.getPassedChecks());
                    List<String> tables = all.stream().map(CheckResult::getTable).distinct().toList();
                    all.sort(Comparator.comparingInt((CheckResult c) -> tables.indexOf(c.getTable())).thenComparingInt(c -> CHECK_ORDER.indexOf(c.getCheck())));
                    return all;
                })).orElse(List.of());
        if (checks.isEmpty()) {
            out.println("  " + run.reason());
        }
        out.printf("  %-12s %-13s %10s %10s  %s%n", "table", "check", "source", "production", "result");
        for (CheckResult check : checks) {
            boolean count = check.getCheck().equals("SOURCE_COUNT");
            out.printf("  %-12s %-13s %10s %10s  %s%n", check.getTable(), check.getCheck(), count ? check.getExpected() : "",
                    count ? check.getActual() : check.getActual() + " rows", check.getPassed() ? "passed" : "FAILED"
                            + (check.getSampleKeys().isEmpty() ? "" : " keys " + check.getSampleKeys())
                            + (check.getDifferences().isEmpty() ? "" : " columns " + check.getDifferences().stream()
                                    .map(d -> d.getKey() + "=" + d.getColumns()).collect(Collectors.joining(", "))));
        }
    }

    /**
     * A run that failed and was repaired: what its own validation found, what each repair round did, and its verdict.
     */
    public void printRepairSummary(RunResult run) {
        out.printf("%n%s: %s in %.1f s%n", run.requestId(), run.outcome(), run.took().toMillis() / 1000.0);
        run.event(ValidationFailed.class).ifPresent(failed -> out.println("  found     " + Timeline.figures(failed)));
        run.events().stream().map(Timeline.Seen::event).filter(RepairCompleted.class::isInstance)
                .forEach(round -> out.println("  repaired  " + Timeline.figures(round)));
        out.println("  verdict   " + run.lastEvent(ValidationPassed.class).filter(p -> run.passed()).map(Timeline::figures)
                .orElse(run.reason()));
    }

    /** Per table of the run: loaded, staged, inserted, updated, skipped as stale, left deleted, and the validation outcome. */
    public void printSummary(RunResult run) {
        out.printf("%n%s: %s in %.1f s%s%n", run.requestId(), run.outcome(), run.took().toMillis() / 1000.0,
                run.reason() == null ? "" : " (" + run.reason() + ")");
        out.printf("  %-16s %10s %10s %10s %10s %10s %10s %10s  %s%n", "table", "loaded", "staged", "inserted", "updated", "stale",
                "deleted", "dup", "validation");
        Optional<WindowStaged> staged = run.event(WindowStaged.class);
        run.event(MergeCompleted.class).ifPresent(merge -> {
            for (TableMergeResult t : merge.getTables()) {
                long stagedRows = staged.flatMap(s -> s.getTables().stream().filter(x -> x.getTable().getName().equals(t.getTable().getName())).findFirst())
                        .map(x -> x.getStagedRows()).orElse(t.getStagedRows());
                out.printf("  %-16s %,10d %,10d %,10d %,10d %,10d %,10d %,10d  %s%n", t.getTable().getName(), t.getFullLoadRows(), stagedRows,
                        t.getInserted(), t.getUpdated(), t.getSkippedStale(), t.getSkippedDeleted(), t.getDuplicates(), run.outcome());
            }
        });
    }
}
