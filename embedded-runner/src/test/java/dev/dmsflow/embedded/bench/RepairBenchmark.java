package dev.dmsflow.embedded.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.TableRepairResult;
import dev.dmsflow.contracts.event.TaskFailed;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The repair loop against what a user does without it, on the same damage. A source table of 2 N rows whose first 45
 * of 90 days hold N rows (the window), production equal to it, the table's catalog entry {@code repair: auto} with
 * deletes and no CDC (so the confirm does not wait), one instance of each service. 1,000 keys scattered over the
 * window are damaged in production: 400 equal-version content differences, 300 rows missing, 300 rows the source
 * lacks. A VALIDATE_ONLY run finds them and the loop repairs them: the confirm pass, the targeted load, the repair
 * merge and the re-validation, timed from RepairRequested to the run's ValidationPassed. Then the same damage again,
 * and a reload of the whole window with its validation, timed from its POST to its verdict (which fails: a reload keeps
 * production's copy of an equal version and does not delete what the source lacks; its own repair round then heals
 * it, not counted). The program exits 1 unless both loops heal every damaged key. {@code --size=N} (default
 * 1,000,000) chooses the window's rows.
 */
public final class RepairBenchmark {

    private static final String TABLE = "load_01";
    private static final int WINDOW_DAYS = 45;

    public static void main(String[] args) throws Exception {
        SizedBenchmark.main(args, RepairBenchmark::run);
    }

    private static boolean run(DmsflowInfrastructure infrastructure, int size) {
        String label = PipelineBenchmark.label(size);
        long started = System.nanoTime();
        LoadData data = new LoadData(1, 2 * size);
        data.createInSync(infrastructure);
        JdbcTemplate source = new JdbcTemplate(infrastructure.dataSource(Database.SOURCE));
        JdbcTemplate production = new JdbcTemplate(infrastructure.dataSource(Database.DB1));
        System.out.printf("window %,d rows of %,d in production: data %.1f s%n", size, 2 * size,
                (System.nanoTime() - started) / 1e9);
        String catalog = data.catalog().replace("    cdc: false\n", "    cdc: false\n    repair: { policy: auto, deletes: true }\n");
        String prefix = "repair-bench-" + size + "-" + System.currentTimeMillis();
        List<String> tables = List.of(TABLE);
        Instant from = LoadData.day(0);
        Instant to = LoadData.day(WINDOW_DAYS);
        try (ServiceInstances services = ServiceInstances.start(infrastructure, catalog, 1, Map.of());
             EventLog events = new EventLog(infrastructure.kafkaBootstrapServers())) {
            ControllerClient controller = new ControllerClient(services.controllerPorts().get(0));
            // a fresh JVM's first runs pay for class loading, compilation and pools: a day outside the window, damaged
            // in one key so the warm-up goes round the loop too, not counted
            new Damage(List.of((long) (1.9 * size)), List.of(), List.of(), 0).plant(production);
            Run warmUp = run(controller, events, Reload.validateOnly(prefix + "-warm-up", tables, LoadData.day(85),
                    LoadData.day(86)));
            if (!(warmUp.last() instanceof ValidationPassed)) {
                System.out.printf("the warm-up did not heal: %s%n", warmUp.last());
                return false;
            }

            Damage damage = Damage.scattered(size);
            damage.plant(production);
            Run repaired = run(controller, events, Reload.validateOnly(prefix + "-check", tables, from, to));
            boolean healed = repaired.last() instanceof ValidationPassed && damage.healed(source, production);
            damage.plant(production);
            Run reload = run(controller, events, new Reload(prefix + "-reload", tables, from, to));
            boolean reloadHealed = reload.last() instanceof ValidationPassed && damage.healed(source, production);

            Instant requested = repaired.at(RepairRequested.class);
            long loop = Duration.between(requested, repaired.verdictAt()).toMillis();
            long full = Duration.between(reload.posted(), reload.firstVerdictAt()).toMillis();
            TableRepairResult result = repaired.last(RepairCompleted.class).getTables().get(0);
            System.out.printf("damage: %d keys (%d equal-version contents, %d missing, %d the source lacks) in %s's window%n",
                    damage.size(), damage.contents().size(), damage.missing().size(), damage.absent().size(), TABLE);
            System.out.printf("detection (validate-only to ValidationFailed, %s): %d ms%n", label,
                    Duration.between(repaired.posted(), repaired.at(ValidationFailed.class)).toMillis());
            System.out.printf("repair loop (%s): %d ms: confirm %d ms (no CDC, so no delay), load %d ms, staging check %d ms,"
                            + " merge %d ms, re-validation %d ms; planned %d, inserted %d, updated %d, deleted %d, still"
                            + " different %d; healed: %s%n", label, loop,
                    between(requested, repaired.at(RepairPlanned.class)),
                    between(repaired.at(RepairPlanned.class), repaired.at(FullLoadCompleted.class)),
                    between(repaired.at(FullLoadCompleted.class), repaired.at(WindowStaged.class)),
                    between(repaired.at(WindowStaged.class), repaired.at(MergeCompleted.class)),
                    between(repaired.at(MergeCompleted.class), repaired.verdictAt()),
                    result.getPlannedKeys(), result.getInserted(), result.getUpdated(), result.getDeleted(),
                    result.getStillDifferent(), healed);
            System.out.printf("full reload and validation (%s): %d ms to its verdict (%s); its repair round then healed"
                            + " it: %s%n", label, full, reload.firstVerdict().getSchema().getName(), reloadHealed);
            System.out.printf("repair/full reload: %.3f%n", (double) loop / full);
            return healed && reloadHealed;
        }
    }

    private static long between(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    /**
     * The damage planted in production, by key; {@code absent} keys are beyond the source's, copies of the window's row
     * {@code template}.
     */
    private record Damage(List<Long> contents, List<Long> missing, List<Long> absent, long template) {

        /** 1,000 keys every {@code size / 1000} over the window's keys 1..size. */
        static Damage scattered(int size) {
            List<Long> keys = LongStream.range(0, 700).map(i -> 1 + i * (size / 700L)).boxed().toList();
            return new Damage(keys.subList(0, 400), keys.subList(400, 700),
                    LongStream.rangeClosed(1, 300).map(i -> 10L * size + i).boxed().toList(), size / 2L + 2);
        }

        int size() {
            return contents.size() + missing.size() + absent.size();
        }

        /** Equal versions with other amounts, rows deleted, and rows the source lacks (copies of a window's row). */
        void plant(JdbcTemplate production) {
            String table = "production." + TABLE;
            production.update("UPDATE " + table + " SET amount = amount + 1 WHERE id = ANY (?)", (Object) contents.toArray(Long[]::new));
            production.update("DELETE FROM " + table + " WHERE id = ANY (?)", (Object) missing.toArray(Long[]::new));
            production.update("INSERT INTO " + table + " SELECT a.id, account_id, amount, status, updated_at FROM " + table
                    + ", unnest(?::bigint[]) a(id) WHERE " + table + ".id = ?", absent.toArray(Long[]::new), template);
        }

        /** Production holds every damaged key as the source does, and none the source lacks. */
        boolean healed(JdbcTemplate source, JdbcTemplate production) {
            Long[] keys = java.util.stream.Stream.of(contents, missing, absent).flatMap(List::stream).toArray(Long[]::new);
            List<String> inSource = source.queryForList("SELECT concat_ws('|', \"ID\", \"ACCOUNT_ID\", \"AMOUNT\", \"STATUS\","
                    + " \"UPDATED_AT\") FROM \"APP\".\"" + TABLE.toUpperCase() + "\" WHERE \"ID\" = ANY (?) ORDER BY \"ID\"",
                    String.class, (Object) keys);
            List<String> inProduction = production.queryForList("SELECT concat_ws('|', id, account_id, amount, status,"
                    + " updated_at) FROM production." + TABLE + " WHERE id = ANY (?) ORDER BY id", String.class, (Object) keys);
            return inSource.equals(inProduction) && inSource.size() == contents.size() + missing.size();
        }
    }

    /** A run's events from its POST until the run ended, with when each was published. */
    private record Run(Instant posted, List<EventLog.Entry> events) {

        Instant at(Class<? extends SpecificRecord> type) {
            return events.stream().filter(e -> type.isInstance(e.event())).findFirst().orElseThrow().timestamp();
        }

        <T extends SpecificRecord> T last(Class<T> type) {
            return events.stream().map(EventLog.Entry::event).filter(type::isInstance).map(type::cast)
                    .reduce((a, b) -> b).orElseThrow();
        }

        SpecificRecord last() {
            return verdicts().reduce((a, b) -> b).map(EventLog.Entry::event).orElse(null);
        }

        SpecificRecord firstVerdict() {
            return verdicts().findFirst().orElseThrow().event();
        }

        Instant firstVerdictAt() {
            return verdicts().findFirst().orElseThrow().timestamp();
        }

        Instant verdictAt() {
            return verdicts().reduce((a, b) -> b).orElseThrow().timestamp();
        }

        private java.util.stream.Stream<EventLog.Entry> verdicts() {
            return events.stream().filter(e -> e.event() instanceof ValidationPassed || e.event() instanceof ValidationFailed
                    || e.event() instanceof TaskFailed);
        }
    }

    /** Posts the run and waits until the controller says it ended (after any repair rounds) and its verdict is out. */
    private static Run run(ControllerClient controller, EventLog events, Reload request) {
        Instant posted = Instant.now();
        int status = controller.post(request);
        if (status != 202) {
            throw new IllegalStateException(request.requestId() + ": the controller answered " + status);
        }
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Optional<JsonNode> run = controller.run(request.requestId());
            if (run.isEmpty() || !Set.of("COMPLETED", "FAILED").contains(run.get().path("status").asText())) {
                return false;
            }
            int attempt = run.get().path("attempt").asInt();
            return new Run(posted, events.of(request.requestId())).verdicts()
                    .anyMatch(e -> dev.dmsflow.support.kafka.EventEnvelope.header(e.event()).getAttempt() == attempt);
        });
        return new Run(posted, events.of(request.requestId()));
    }

    private RepairBenchmark() {
    }
}
