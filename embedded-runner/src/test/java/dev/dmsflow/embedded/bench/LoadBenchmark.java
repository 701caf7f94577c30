package dev.dmsflow.embedded.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableLoadStatistics;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.embedded.load.ControllerClient;
import dev.dmsflow.embedded.load.ControllerClient.Reload;
import dev.dmsflow.embedded.load.EventLog;
import dev.dmsflow.embedded.load.LoadData;
import dev.dmsflow.embedded.load.ServiceInstances;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.avro.specific.SpecificRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every run ends, on any number of instances: embedded Kafka and PostgreSQL, {@code --instances} (2) instances of
 * each service with {@code --concurrency} (3, one per partition) consumers per listener, {@code --tables} (10) tables
 * of {@code --rows} (100,000) rows in the source and production, and {@code --requests} (100) window reloads of one or
 * two random tables over random whole-day windows, posted by {@code --submitters} (10) concurrent submitters to either
 * controller; {@code --duplicates} (a tenth) of them resend the request of an earlier requestId. A submitter is a
 * client that posts its next request once its last run ended (at most one run per submitter in flight); with
 * {@code --burst=1} they post every request at once. A one-day reload per table and {@code --warm-up} (150) random
 * requests, posted as the measured ones, warm the JVM up first and are not counted. The events are read from Kafka by
 * a plain consumer.
 *
 * <p>Prints runs completed (a duplicate counts when its run completed and the controller's view of the run counts it
 * as ignored), runs failed, leases still held after every run ended, end-to-end p50/p95 (TaskRequested to
 * ValidationPassed, as published), and per stage the event overhead: from when the stage could take up the run's
 * input event to its output event, minus the SQL time inside it. A stage can take up an event once it is published
 * and the stage is done with the record before it on its partition; the load once the leases it waited for came back.
 * SQL time: the load's table copy (the tables' load start and end), the staging check from its transaction's start
 * (schema_service.staged_runs.checked_at), the durationMillis MergeCompleted and ValidationPassed carry. Targets:
 * every run completed, no stuck lease, overhead p95 at most 200 ms per stage; exit status 0 when all are met.
 *
 * <p>Run: {@code ./mvnw -q -pl embedded-runner exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dmsflow.embedded.bench.LoadBenchmark} (a quick run: {@code -Dexec.args="--requests=20 --rows=20000"}).
 */
public final class LoadBenchmark {

    private static final long OVERHEAD_TARGET_MS = 200;

    private record Submission(Reload reload, int original) {
        boolean duplicate() {
            return original >= 0;
        }
    }

    /** One run's records, the first of each kind (TaskRequested: the original request's); null for a stage not reached. */
    private record Run(String requestId, EventLog.Entry requested, EventLog.Entry loaded, EventLog.Entry staged, EventLog.Entry merged,
                       EventLog.Entry outcome) {

        boolean passed() {
            return outcome.event() instanceof ValidationPassed;
        }

        FullLoadCompleted load() {
            return (FullLoadCompleted) loaded.event();
        }

        Instant loadStart() {
            return load().getTables().stream().map(TableLoadStatistics::getFullLoadStartTime).filter(t -> t != null)
                    .min(Comparator.naturalOrder()).orElse(load().getStartedAt());
        }

        Instant loadEnd() {
            return load().getTables().stream().map(TableLoadStatistics::getFullLoadEndTime).filter(t -> t != null)
                    .max(Comparator.naturalOrder()).orElse(load().getFinishedAt());
        }

        Set<String> tables() {
            Set<String> tables = new LinkedHashSet<>();
            ((TaskRequested) requested.event()).getTables().forEach(t -> tables.add(t.getName()));
            return tables;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = new LinkedHashMap<>();
        Stream.of("requests=100", "rows=100000", "tables=10", "instances=2", "submitters=10", "duplicates=-1", "concurrency=3",
                "seed=42", "timeout-minutes=30", "burst=0", "warm-up=150").map(o -> o.split("="))
                .forEach(o -> options.put(o[0], Integer.parseInt(o[1])));
        for (String arg : args) {
            String[] pair = arg.replaceFirst("^--", "").split("=", 2);
            if (pair.length != 2 || !options.containsKey(pair[0])) {
                System.err.println("Unknown argument " + arg + "; use --name=N with a name of " + options.keySet());
                System.exit(2);
            }
            options.put(pair[0], Integer.parseInt(pair[1]));
        }
        int requests = options.get("requests");
        // a tenth of the requests by default
        int duplicates = Math.min(options.get("duplicates") < 0 ? requests / 10 : options.get("duplicates"), requests / 2);
        LoadData data = new LoadData(options.get("tables"), options.get("rows"));
        // the services' INFO lines would bury the figures; warnings and errors still show
        System.setProperty("logging.level.dev.dmsflow", "WARN");

        System.out.printf("dmsflow load benchmark: %d tables of %,d rows, %d instances of each service (%d consumers per listener),"
                        + " %d requests (%d resending an earlier requestId) from %d submitters%n", options.get("tables"), options.get("rows"),
                options.get("instances"), options.get("concurrency"), requests, duplicates, options.get("submitters"));
        long started = System.nanoTime();
        boolean targetsMet;
        try (DmsflowInfrastructure infrastructure = DmsflowInfrastructure.start(0)) {
            data.create(infrastructure);
            System.out.printf("  infrastructure and data   %.1f s%n", (System.nanoTime() - started) / 1e9);
            long servicesStarted = System.nanoTime();
            // with a consumer per partition, a record waits only for the one before it on its partition, which the
            // overheads below take out; a consumer holding two partitions would make one run wait for another unseen
            // and as many partitions as a group has consumers: with fewer, consumers idle while records queue on the rest
            Map<String, Object> settings = Map.of("spring.kafka.listener.concurrency", options.get("concurrency"),
                    "dmsflow.kafka.partitions", options.get("concurrency") * options.get("instances"));
            try (ServiceInstances services = ServiceInstances.start(infrastructure, data.catalog(), options.get("instances"), settings);
                 EventLog events = new EventLog(infrastructure.kafkaBootstrapServers())) {
                awaitStableGroups(infrastructure.kafkaBootstrapServers(), options.get("instances") * options.get("concurrency"));
                System.out.printf("  %d service instances      %.1f s%n", 4 * options.get("instances"), (System.nanoTime() - servicesStarted) / 1e9);
                List<ControllerClient> controllers = services.controllerPorts().stream().map(ControllerClient::new).toList();
                warmUp(data, controllers, events, options.get("warm-up"), options.get("submitters"), options.get("seed"));
                List<Submission> plan = plan("load-", data, requests, duplicates, options.get("submitters"), new Random(options.get("seed")));
                long runsStarted = System.nanoTime();
                long compiledBefore = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
                List<Integer> statuses = submit(plan, controllers, options.get("submitters"), options.get("burst") == 0 ? events : null);
                // a request the controller did not accept has no run to wait for; it counts as failed
                Set<String> requestIds = new LinkedHashSet<>();
                for (int i = 0; i < plan.size(); i++) {
                    if (!plan.get(i).duplicate() && statuses.get(i) == 202) {
                        requestIds.add(plan.get(i).reload().requestId());
                    }
                }
                Map<String, Run> runs = awaitOutcomes(events, requestIds, Duration.ofMinutes(options.get("timeout-minutes")));
                System.out.printf("  runs                      %.1f s (JIT compiling %.1f s of it)%n", (System.nanoTime() - runsStarted) / 1e9,
                        (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - compiledBefore) / 1e3);
                targetsMet = report(plan, statuses, runs, events, controllers, new JdbcTemplate(infrastructure.dataSource(Database.DB1)));
            }
        }
        System.exit(targetsMet ? 0 : 1);
    }

    /**
     * Not counted: one one-day reload per table through both controllers, then {@code runs} random requests from the
     * submitters as in the measured part. The first runs of a fresh JVM spend seconds in class loading, and the next
     * minute's JIT compilation took a quarter of this 2-core machine (16 of 64 CPU seconds measured while the runs
     * ran after ten warm-up runs): that is a fresh process's cost, not an event overhead.
     */
    private static void warmUp(LoadData data, List<ControllerClient> controllers, EventLog events, int runs, int submitters, int seed)
            throws InterruptedException {
        long started = System.nanoTime();
        Set<String> requestIds = new LinkedHashSet<>();
        List<String> tables = data.tableNames();
        for (int i = 0; i < tables.size(); i++) {
            Reload reload = new Reload("warm-up-" + i, List.of(tables.get(i)), LoadData.day(i), LoadData.day(i + 1));
            controllers.get(i % controllers.size()).post(reload);
            requestIds.add(reload.requestId());
        }
        Map<String, Run> ended = new LinkedHashMap<>(awaitOutcomes(events, requestIds, Duration.ofMinutes(5)));
        List<Submission> plan = plan("warm-", data, runs, 0, submitters, new Random(seed + 1));
        submit(plan, controllers, submitters, events);
        plan.forEach(s -> requestIds.add(s.reload().requestId()));
        ended.putAll(awaitOutcomes(events, requestIds, Duration.ofMinutes(5)));
        System.out.printf("  warm-up, %d runs           %.1f s (%d validated)%n", requestIds.size(), (System.nanoTime() - started) / 1e9,
                ended.values().stream().filter(Run::passed).count());
    }

    /** The requests in submission order: random tables and windows, with duplicates of requests at least a round earlier. */
    private static List<Submission> plan(String prefix, LoadData data, int requests, int duplicates, int submitters, Random random) {
        List<String> tables = data.tableNames();
        Set<Integer> duplicateAt = new LinkedHashSet<>();
        while (duplicateAt.size() < duplicates) {
            // after the first round of submitters, so the original was taken by a submitter before
            duplicateAt.add(Math.min(requests - 1, submitters + random.nextInt(Math.max(1, requests - submitters))));
        }
        List<Submission> plan = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            if (duplicateAt.contains(i)) {
                int original;
                do {
                    original = random.nextInt(i);
                } while (plan.get(original).duplicate());
                plan.add(new Submission(plan.get(original).reload(), original));
                continue;
            }
            List<String> runTables = new ArrayList<>(List.of(tables.get(random.nextInt(tables.size()))));
            if (tables.size() > 1 && random.nextInt(10) < 3) {
                String second;
                do {
                    second = tables.get(random.nextInt(tables.size()));
                } while (runTables.contains(second));
                runTables.add(second);
            }
            int days = 1 + random.nextInt(30);
            int from = random.nextInt(LoadData.DAYS - days + 1);
            plan.add(new Submission(new Reload(String.format(prefix + "%03d", i), runTables, LoadData.day(from), LoadData.day(from + days)), -1));
        }
        return plan;
    }

    /**
     * Posts the plan from concurrent submitters, alternating controllers; a duplicate goes out after its original. With
     * {@code events} each submitter is a client that waits for its run's outcome before it posts its next request (a
     * closed workload: at most one run per submitter in flight); without, they post as fast as the controllers answer
     * (a burst: every run queued at once). The HTTP statuses.
     */
    private static List<Integer> submit(List<Submission> plan, List<ControllerClient> controllers, int submitters, EventLog events)
            throws InterruptedException {
        List<CompletableFuture<Integer>> posted = plan.stream().map(s -> new CompletableFuture<Integer>()).toList();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(submitters);
        for (int t = 0; t < submitters; t++) {
            pool.execute(() -> {
                for (int i = next.getAndIncrement(); i < plan.size(); i = next.getAndIncrement()) {
                    Submission submission = plan.get(i);
                    if (submission.duplicate()) {
                        posted.get(submission.original()).join();
                    }
                    int status;
                    try {
                        status = controllers.get(i % controllers.size()).post(submission.reload());
                    } catch (RuntimeException e) {
                        status = -1;
                    }
                    posted.get(i).complete(status);
                    String requestId = submission.reload().requestId();
                    if (events != null && status == 202 && !submission.duplicate()) {
                        // polls the consumer's record of events, not the system under test
                        pollUntil(Duration.ofMinutes(10), Duration.ofMillis(20), () -> run(events, requestId).isPresent());
                    }
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the submitters did not finish posting in 30 minutes");
        }
        return posted.stream().map(CompletableFuture::join).toList();
    }

    /** Waits until every run has an outcome (ValidationPassed, ValidationFailed, TaskFailed) or the timeout passed. */
    private static Map<String, Run> awaitOutcomes(EventLog events, Set<String> requestIds, Duration timeout) {
        long[] nextProgress = {System.nanoTime() + TimeUnit.SECONDS.toNanos(30)};
        Map<String, Run> runs = new LinkedHashMap<>();
        // polls the consumer's record of events, not the system under test
        pollUntil(timeout, Duration.ofMillis(200), () -> {
            runs.clear();
            for (String requestId : requestIds) {
                run(events, requestId).ifPresent(run -> runs.put(requestId, run));
            }
            if (System.nanoTime() > nextProgress[0]) {
                System.out.printf("  ... %d of %d runs ended%n", runs.size(), requestIds.size());
                nextProgress[0] += TimeUnit.SECONDS.toNanos(30);
            }
            return runs.size() == requestIds.size();
        });
        return runs;
    }

    /**
     * Polls until {@code done} or {@code atMost} passed; false then. A benchmark reports what it got (runs without an
     * outcome, leases still held) instead of failing on the first wait that ran out.
     */
    private static boolean pollUntil(Duration atMost, Duration every, Callable<Boolean> done) {
        try {
            await().atMost(atMost).pollInterval(every).until(done);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** The run's records once it has an outcome. */
    private static Optional<Run> run(EventLog events, String requestId) {
        List<EventLog.Entry> entries = events.of(requestId);
        Optional<EventLog.Entry> outcome = entries.stream()
                .filter(e -> e.event() instanceof ValidationPassed || e.event() instanceof ValidationFailed || e.event() instanceof TaskFailed).findFirst();
        if (outcome.isEmpty()) {
            return Optional.empty();
        }
        EventLog.Entry requested = entries.stream().filter(e -> e.event() instanceof TaskRequested)
                .min(Comparator.comparing(e -> publishedAt(e))).orElse(null);
        return Optional.of(new Run(requestId, requested, first(entries, FullLoadCompleted.class), first(entries, WindowStaged.class),
                first(entries, MergeCompleted.class), outcome.get()));
    }

    private static EventLog.Entry first(List<EventLog.Entry> entries, Class<? extends SpecificRecord> type) {
        return entries.stream().filter(e -> type.isInstance(e.event())).findFirst().orElse(null);
    }

    /** Waits until each service's consumer group has all its members (requests before that would wait for rebalances). */
    private static void awaitStableGroups(String bootstrapServers, int members) throws Exception {
        List<String> groups = List.of("dms-controller-service", "schema-service", "merge-service", "validation-service");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            pollUntil(Duration.ofMinutes(2), Duration.ofMillis(500), () -> {
                Collection<ConsumerGroupDescription> described = admin.describeConsumerGroups(groups).all().get(30, TimeUnit.SECONDS).values();
                // at least: the controller's two listeners share its group
                return described.stream().allMatch(g -> g.groupState() == GroupState.STABLE && g.members().size() >= members);
            });
        }
    }

    private static boolean report(List<Submission> plan, List<Integer> statuses, Map<String, Run> runs, EventLog events,
                                  List<ControllerClient> controllers, JdbcTemplate db1) throws InterruptedException {
        Map<String, Integer> duplicatesSent = new HashMap<>();
        plan.stream().filter(Submission::duplicate).forEach(s -> duplicatesSent.merge(s.reload().requestId(), 1, Integer::sum));
        Set<String> ignoredAsDuplicates = awaitIgnored(duplicatesSent, controllers.get(0));
        int completed = 0;
        int failed = 0;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            String requestId = plan.get(i).reload().requestId();
            Run run = runs.get(requestId);
            boolean accepted = statuses.get(i) == 202;
            if (!accepted) {
                failed++;
                problems.add(requestId + ": HTTP " + statuses.get(i));
            }
            if (run == null || !accepted) {
                continue;
            }
            if (!run.passed()) {
                if (!plan.get(i).duplicate()) {
                    failed++;
                    problems.add(requestId + ": " + describe(run.outcome().event()));
                }
            } else if (accepted && (!plan.get(i).duplicate() || ignoredAsDuplicates.contains(requestId))) {
                completed++;
            }
        }
        long stuckLeases = awaitLeasesReleased(controllers.get(0));
        long extraOutcomes = runs.keySet().stream().mapToLong(id -> events.of(id).stream().map(EventLog.Entry::event)
                .filter(e -> e instanceof ValidationPassed || e instanceof ValidationFailed || e instanceof TaskFailed).count() - 1).sum();

        List<Run> passed = runs.values().stream().filter(Run::passed).toList();
        List<Long> endToEnd = passed.stream().map(r -> millis(publishedAt(r.requested()), publishedAt(r.outcome()))).toList();
        Map<String, Instant> checkedAt = stagingChecks(db1);
        Map<String, List<Long>> overheads = new LinkedHashMap<>();
        Map<String, ControllerTimes> controllerTimes = controllerTimes(db1);
        overheads.put("load", passed.stream().map(r -> millis(loadReady(r, runs.values(), controllerTimes), publishedAt(r.loaded()))
                - millis(r.loadStart(), r.loadEnd())).toList());
        overheads.put("staging", passed.stream().filter(r -> checkedAt.containsKey(r.requestId()))
                .map(r -> millis(ready(r, Run::loaded, Run::staged, runs.values()), checkedAt.get(r.requestId()))).toList());
        overheads.put("merge", passed.stream().map(r -> millis(ready(r, Run::staged, Run::merged, runs.values()), publishedAt(r.merged()))
                - ((MergeCompleted) r.merged().event()).getDurationMillis()).toList());
        overheads.put("validation", passed.stream().map(r -> millis(ready(r, Run::merged, Run::outcome, runs.values()), publishedAt(r.outcome()))
                - ((ValidationPassed) r.outcome().event()).getDurationMillis()).toList());
        long worstOverhead = overheads.values().stream().mapToLong(o -> percentile(o, 95)).max().orElse(0);

        System.out.printf("runs completed: %d/%d%n", completed, plan.size());
        System.out.printf("runs failed: %d%n", failed);
        System.out.printf("stuck leases: %d%n", stuckLeases);
        System.out.printf("end-to-end p50 ms: %d%n", percentile(endToEnd, 50));
        System.out.printf("end-to-end p95 ms: %d%n", percentile(endToEnd, 95));
        System.out.printf("event overhead p95 ms: %d%n", worstOverhead);
        overheads.forEach((stage, values) -> System.out.printf("event overhead p95 ms %s: %d (p50 %d, max %d, %d runs)%n", stage,
                percentile(values, 95), percentile(values, 50), values.stream().mapToLong(Long::longValue).max().orElse(0), values.size()));
        // where the load's overhead lies: before its copy began (request, lease, task start) or after it ended (noticed, published)
        System.out.printf("  load before the copy p50/p95 ms: %d/%d, after it: %d/%d%n",
                percentile(passed.stream().map(r -> millis(loadReady(r, runs.values(), controllerTimes), r.loadStart())).toList(), 50),
                percentile(passed.stream().map(r -> millis(loadReady(r, runs.values(), controllerTimes), r.loadStart())).toList(), 95),
                percentile(passed.stream().map(r -> millis(r.loadEnd(), publishedAt(r.loaded()))).toList(), 50),
                percentile(passed.stream().map(r -> millis(r.loadEnd(), publishedAt(r.loaded()))).toList(), 95));
        loadBreakdown(passed, runs.values(), controllerTimes);
        long acceptedRuns = IntStream.range(0, plan.size()).filter(i -> !plan.get(i).duplicate() && statuses.get(i) == 202).count();
        System.out.printf("runs without an outcome: %d, outcome events beyond one per run: %d, dead letters: %d, stage SQL (ms, sum over runs): merge %d, validation %d%n",
                acceptedRuns - runs.size(), extraOutcomes, events.deadLetters().size(),
                passed.stream().mapToLong(r -> ((MergeCompleted) r.merged().event()).getDurationMillis()).sum(),
                passed.stream().mapToLong(r -> ((ValidationPassed) r.outcome().event()).getDurationMillis()).sum());
        problems.stream().limit(10).forEach(p -> System.out.println("  " + p));
        boolean met = completed == plan.size() && stuckLeases == 0 && worstOverhead <= OVERHEAD_TARGET_MS;
        System.out.println(met ? "targets met" : "TARGETS MISSED (100% completed, 0 stuck leases, overhead p95 <= " + OVERHEAD_TARGET_MS + " ms per stage)");
        return met;
    }

    /**
     * When the run could start loading: its request's publication, or when the controller was done with the request
     * before it on the same partition (recorded it), or the latest outcome of another run on one of its tables that
     * ended before its load began (the lease it waited for).
     */
    private static Instant loadReady(Run run, Collection<Run> all, Map<String, ControllerTimes> times) {
        Instant ready = publishedAt(run.requested());
        Instant recorded = times.containsKey(run.requestId()) ? times.get(run.requestId()).recorded() : ready;
        for (Run other : all) {
            EventLog.Entry otherRequest = other.requested();
            ControllerTimes otherTimes = times.get(other.requestId());
            if (other != run && otherTimes != null && otherRequest.partition() == run.requested().partition()
                    && otherRequest.offset() < run.requested().offset() && otherTimes.recorded().isAfter(ready)
                    && otherTimes.recorded().isBefore(recorded)) {
                ready = otherTimes.recorded();
            }
        }
        for (Run other : all) {
            if (other != run && other.loaded() != null && !Collections.disjoint(other.tables(), run.tables())
                    && publishedAt(other.outcome()).isBefore(run.loadStart()) && publishedAt(other.outcome()).isAfter(ready)) {
                ready = publishedAt(other.outcome());
            }
        }
        return ready;
    }

    /**
     * When the stage could take up the run's input record: its publication, or the end of the stage's work on the
     * record before it on the same partition (a consumer handles its partition's records one after the other).
     */
    private static Instant ready(Run run, Function<Run, EventLog.Entry> input, Function<Run, EventLog.Entry> output, Collection<Run> all) {
        EventLog.Entry in = input.apply(run);
        Instant ready = publishedAt(in);
        Instant done = publishedAt(output.apply(run));
        for (Run other : all) {
            EventLog.Entry otherIn = input.apply(other);
            EventLog.Entry otherOut = output.apply(other);
            if (other != run && otherIn != null && otherOut != null && otherIn.partition() == in.partition() && otherIn.offset() < in.offset()
                    && publishedAt(otherOut).isAfter(ready) && publishedAt(otherOut).isBefore(done)) {
                ready = publishedAt(otherOut);
            }
        }
        return ready;
    }

    /** A run in the controller's store: recorded as QUEUED, leased (null before), its outcome heard (null before). */
    private record ControllerTimes(Instant recorded, Instant leased, Instant finished) {
    }

    private static Map<String, ControllerTimes> controllerTimes(JdbcTemplate db1) {
        Map<String, ControllerTimes> times = new HashMap<>();
        db1.query("SELECT request_id, created_at, started_at, finished_at FROM dms_controller.runs", rs -> {
            times.put(rs.getString(1), new ControllerTimes(rs.getTimestamp(2).toInstant(), instant(rs.getTimestamp(3)), instant(rs.getTimestamp(4))));
        });
        return times;
    }

    private static Instant instant(java.sql.Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /**
     * The load's time before its copy, in the controller's steps (p50/p95): the request recorded as QUEUED (from its
     * publication), the predecessor's outcome heard (its leases given back), the lease taken once it could be, the copy
     * begun once leased.
     */
    private static void loadBreakdown(List<Run> passed, Collection<Run> all, Map<String, ControllerTimes> times) {
        List<Long> recorded = new ArrayList<>();
        List<Long> heard = new ArrayList<>();
        List<Long> leased = new ArrayList<>();
        List<Long> copying = new ArrayList<>();
        for (Run run : passed) {
            ControllerTimes own = times.get(run.requestId());
            if (own == null || own.leased() == null) {
                continue;
            }
            recorded.add(millis(publishedAt(run.requested()), own.recorded()));
            Instant leasable = own.recorded();
            for (Run other : all) {
                ControllerTimes theirs = times.get(other.requestId());
                if (other != run && theirs != null && theirs.finished() != null && !Collections.disjoint(other.tables(), run.tables())
                        && theirs.finished().isBefore(own.leased()) && theirs.finished().isAfter(leasable)) {
                    leasable = theirs.finished();
                    if (publishedAt(other.outcome()).isBefore(theirs.finished())) {
                        heard.add(millis(publishedAt(other.outcome()), theirs.finished()));
                    }
                }
            }
            leased.add(millis(leasable, own.leased()));
            copying.add(millis(own.leased(), run.loadStart()));
        }
        System.out.printf("  load steps p50/p95 ms: request recorded %d/%d, outcome heard %d/%d, leased %d/%d, copy begun %d/%d%n",
                percentile(recorded, 50), percentile(recorded, 95), percentile(heard, 50), percentile(heard, 95),
                percentile(leased, 50), percentile(leased, 95), percentile(copying, 50), percentile(copying, 95));
    }

    /** schema-service's record of each check: checked_at is its transaction's start, where the check's SQL begins. */
    private static Map<String, Instant> stagingChecks(JdbcTemplate db1) {
        Map<String, Instant> checked = new HashMap<>();
        db1.query("SELECT request_id, checked_at FROM schema_service.staged_runs WHERE attempt = 1",
                rs -> {
                    checked.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                });
        return checked;
    }

    /** The requestIds whose run view counts at least the duplicates sent for them (waits up to 30 s for the controller). */
    private static Set<String> awaitIgnored(Map<String, Integer> duplicatesSent, ControllerClient controller) {
        Set<String> ignored = new LinkedHashSet<>();
        pollUntil(Duration.ofSeconds(30), Duration.ofMillis(500), () -> {
            for (var sent : duplicatesSent.entrySet()) {
                Optional<JsonNode> view = controller.run(sent.getKey());
                if (view.isPresent() && view.get().path("ignoredDuplicates").asInt() >= sent.getValue()) {
                    ignored.add(sent.getKey());
                }
            }
            return ignored.size() == duplicatesSent.size();
        });
        return ignored;
    }

    /** Leases still held once the controllers had 30 s to hear of every outcome. */
    private static long awaitLeasesReleased(ControllerClient controller) {
        pollUntil(Duration.ofSeconds(30), Duration.ofMillis(500), () -> controller.leases().isEmpty());
        return controller.leases().size();
    }

    private static String describe(SpecificRecord outcome) {
        if (outcome instanceof TaskFailed failed) {
            return "TaskFailed " + failed.getStage() + ": " + failed.getReason();
        }
        return outcome.getSchema().getName();
    }

    /**
     * When the event was published: its record's timestamp, set as the producing service sent it. Not header.occurredAt:
     * a stage stamps its event before its transaction commits and sends it after, and that time is the stage's own.
     */
    private static Instant publishedAt(EventLog.Entry entry) {
        return entry.timestamp();
    }

    private static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    /** Nearest-rank percentile; 0 for no values. */
    private static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
