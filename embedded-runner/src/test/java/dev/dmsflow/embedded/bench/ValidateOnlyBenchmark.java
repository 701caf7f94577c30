package dev.dmsflow.embedded.bench;

import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.KeyDifference;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.embedded.load.ControllerClient;
import dev.dmsflow.embedded.load.ControllerClient.Reload;
import dev.dmsflow.embedded.load.EventLog;
import dev.dmsflow.embedded.load.LoadData;
import dev.dmsflow.embedded.load.ServiceInstances;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A validate-only run against the whole reload-and-validate path of the same window. A source table of 3 N rows whose
 * first 30 of 90 days hold N rows (PipelineBenchmark's generator), production in another database equal to the
 * source, one instance of each service, no CDC. First a reload of those 30 days through the REST API (the copy,
 * staging check, merge and validation; it passes), then 3 differences planted in production's window (an amount
 * changed in the same version, a row deleted, a row the source no longer has) and a VALIDATE_ONLY run of the same
 * window, which must fail naming exactly the 3 keys under the right checks (the program exits 1 otherwise). Each run's
 * wall time is from just before its POST to its outcome event's publication; validation-service's own duration of each
 * (the outcome's durationMillis) shows what the events and the controller add. One-day runs of each kind outside the
 * window run first, not counted. {@code --size=N} (default 1,000,000) chooses the window's rows.
 */
public final class ValidateOnlyBenchmark {

    private static final String TABLE = "load_01";
    private static final int WINDOW_DAYS = 30;

    /** A run as timed: from the POST to its outcome, and the outcome event. */
    private record Timed(long millis, SpecificRecord outcome, List<EventLog.Entry> events, Instant posted) {
    }

    public static void main(String[] args) throws Exception {
        SizedBenchmark.main(args, ValidateOnlyBenchmark::run);
    }

    private static boolean run(DmsflowInfrastructure infrastructure, int size) throws Exception {
        String label = PipelineBenchmark.label(size);
        long started = System.nanoTime();
        LoadData data = new LoadData(1, 3 * size);
        data.createInSync(infrastructure);
        JdbcTemplate source = new JdbcTemplate(infrastructure.dataSource(Database.SOURCE));
        JdbcTemplate production = new JdbcTemplate(infrastructure.dataSource(Database.DB1));
        System.out.printf("window %,d rows of %,d: data %.1f s%n", size, 3 * size, (System.nanoTime() - started) / 1e9);
        String prefix = "validate-only-bench-" + size + "-" + System.currentTimeMillis();
        List<String> tables = List.of(TABLE);
        Instant from = LoadData.day(0);
        Instant to = LoadData.day(WINDOW_DAYS);
        try (ServiceInstances services = ServiceInstances.start(infrastructure, data.catalog(), 1, Map.of());
             EventLog events = new EventLog(infrastructure.kafkaBootstrapServers())) {
            ControllerClient controller = new ControllerClient(services.controllerPorts().get(0));
            // a first run of a fresh JVM spends its time in class loading, compilation and opening pools: one day outside
            // the window of each kind, not counted
            for (Reload warmUp : List.of(new Reload(prefix + "-warm-up-reload", tables, LoadData.day(60), LoadData.day(61)),
                    Reload.validateOnly(prefix + "-warm-up-check", tables, LoadData.day(60), LoadData.day(61)))) {
                Timed timed = timed(controller, events, warmUp, Duration.ofMinutes(5));
                if (!(timed.outcome() instanceof ValidationPassed)) {
                    System.out.printf("warm-up %s did not pass: %s%n", warmUp.requestId(), timed.outcome());
                    return false;
                }
            }

            Timed reload = timed(controller, events, new Reload(prefix + "-reload", tables, from, to), Duration.ofMinutes(30));
            if (!(reload.outcome() instanceof ValidationPassed passed)) {
                System.out.printf("the reload did not pass: %s%n", reload.outcome());
                return false;
            }

            // equal-version contents, a row production lost, a row the source no longer has: spread over the window
            String contents = Long.toString(size / 4);
            String missing = Long.toString(size / 2);
            String extra = Long.toString(3L * size / 4);
            production.update("UPDATE production." + TABLE + " SET amount = amount + 1 WHERE id = ?", Long.parseLong(contents));
            production.update("DELETE FROM production." + TABLE + " WHERE id = ?", Long.parseLong(missing));
            source.update("DELETE FROM \"APP\".\"" + TABLE.toUpperCase() + "\" WHERE \"ID\" = ?", Long.parseLong(extra));
            Map<String, List<String>> planted = new TreeMap<>(Map.of("CONTENTS", List.of(contents), "MISSING", List.of(missing),
                    "EXTRA", List.of(extra)));

            Timed check = timed(controller, events, Reload.validateOnly(prefix + "-check", tables, from, to), Duration.ofMinutes(30));
            if (!(check.outcome() instanceof ValidationFailed failed)) {
                System.out.printf("the validate-only run did not fail: %s%n", check.outcome());
                return false;
            }
            Map<String, List<String>> reported = new TreeMap<>();
            failed.getFailures().stream().filter(f -> !f.getCheck().equals("SOURCE_COUNT"))
                    .forEach(f -> reported.put(f.getCheck(), List.copyOf(f.getSampleKeys())));
            List<String> columns = failed.getFailures().stream().filter(f -> f.getCheck().equals("CONTENTS"))
                    .flatMap(f -> f.getDifferences().stream()).map(KeyDifference::getColumns).flatMap(List::stream).toList();
            System.out.println("planted:  " + planted + " (CONTENTS in amount)");
            System.out.println("reported: " + reported + " (CONTENTS in " + columns + "); "
                    + failed.getFailures().stream().map(ValidateOnlyBenchmark::figures).collect(Collectors.joining(", ")));
            boolean exact = reported.equals(planted) && columns.equals(List.of("amount"));
            if (!exact) {
                System.out.println("the validate-only run did not name exactly the planted keys");
            }

            System.out.printf("reload and validate (%s): %d ms%n", label, reload.millis());
            System.out.printf("  events from the POST: FullLoadCompleted %d ms, WindowStaged %d ms, MergeCompleted %d ms, ValidationPassed %d ms;"
                            + " validation in validation-service %d ms (ValidationPassed.durationMillis)%n",
                    since(reload, FullLoadCompleted.class), since(reload, WindowStaged.class), since(reload, MergeCompleted.class),
                    reload.millis(), passed.getDurationMillis());
            System.out.printf("validate-only (%s): %d ms%n", label, check.millis());
            System.out.printf("validate-only in validation-service (%s): %d ms (ValidationFailed.durationMillis; the POST, lease and events took"
                            + " the other %d ms, %d ms of it to ValidationRequested)%n",
                    label, failed.getDurationMillis(), check.millis() - failed.getDurationMillis(), since(check, ValidationRequested.class));
            System.out.printf("validate-only/reload (%s): %.2f%n", label, (double) check.millis() / reload.millis());
            return exact;
        }
    }

    /** Posts the run and waits for its outcome: ValidationPassed, ValidationFailed or TaskFailed. */
    private static Timed timed(ControllerClient controller, EventLog events, Reload run, Duration timeout) {
        Instant posted = Instant.now();
        int status = controller.post(run);
        if (status != 202) {
            throw new IllegalStateException(run.requestId() + ": the controller answered " + status);
        }
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> outcome(events, run.requestId()).isPresent());
        EventLog.Entry outcome = outcome(events, run.requestId()).orElseThrow();
        return new Timed(Duration.between(posted, outcome.timestamp()).toMillis(), outcome.event(), events.of(run.requestId()), posted);
    }

    private static Optional<EventLog.Entry> outcome(EventLog events, String requestId) {
        return events.of(requestId).stream().filter(e -> e.event() instanceof ValidationPassed || e.event() instanceof ValidationFailed
                || e.event() instanceof TaskFailed).findFirst();
    }

    /** Milliseconds from the run's POST to the publication of its first event of the type. */
    private static long since(Timed run, Class<? extends SpecificRecord> type) {
        Instant at = run.events().stream().filter(e -> type.isInstance(e.event())).findFirst().orElseThrow().timestamp();
        return Duration.between(run.posted(), at).toMillis();
    }

    private static String figures(CheckResult check) {
        return check.getCheck() + " expected " + check.getExpected() + " actual " + check.getActual();
    }

    private ValidateOnlyBenchmark() {
    }
}
