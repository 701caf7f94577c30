package dev.dmsflow.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.KeyDifference;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRepairResult;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.controller.DmsControllerApplication;
import dev.dmsflow.embedded.demo.CdcWriter;
import dev.dmsflow.embedded.demo.Demo;
import dev.dmsflow.embedded.demo.Timeline;
import dev.dmsflow.infra.Database;
import dev.dmsflow.validation.ValidationServiceApplication;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The main job end to end on embedded infrastructure: the demo's scenario, then a planted mismatch a repair cannot heal,
 * then validate-only runs beside a reload, then the repair loop: planted damage healed while CDC writes (orders repair
 * themselves), and a manual table repaired when ops post it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

    private static final int ORDERS = 6000;
    private static final PrintStream OUT = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    private static EmbeddedDmsflow dmsflow;
    private static Timeline timeline;
    private static Demo demo;
    private static JdbcTemplate db1;

    @BeforeAll
    static void start() {
        // 10 sample keys and 5 more per table and check: a check with more offenders keeps the key ranges that hold
        // them, so a repair of 20 planted keys goes by key ranges
        dmsflow = EmbeddedDmsflow.start(0, ORDERS, OUT, Map.of("dmsflow.validation.repair-keys", "5"));
        timeline = new Timeline(dmsflow.infrastructure().kafkaBootstrapServers(), OUT);
        demo = new Demo(dmsflow.port(DmsControllerApplication.NAME), dmsflow.operator(), timeline, OUT, Duration.ofSeconds(90));
        db1 = new JdbcTemplate(dmsflow.infrastructure().dataSource(Database.DB1));
    }

    @AfterAll
    static void stop() {
        timeline.close();
        dmsflow.close();
    }

    @Test
    @Order(1)
    void aJanuaryReloadWhileCdcWritesThenAMultiStageLoadBothValidate() {
        Demo.RunResult window;
        Set<Long> deletedByCdc;
        try (CdcWriter cdc = new CdcWriter(dmsflow.infrastructure(), ORDERS)) {
            // a reload can take well under a second: CDC has deleted before it starts and goes on deleting while it runs
            await().atMost(Duration.ofSeconds(30)).until(() -> cdc.deletes() > 0);
            window = demo.windowReload("e2e-january");
            cdc.close();
            deletedByCdc = cdc.deletedOrderIds();
        }

        assertThat(window.outcome()).as(window.reason()).isEqualTo("PASSED");
        assertThat(window.events().stream().map(e -> e.event()).filter(e -> !(e instanceof TaskProgress)).map(e -> e.getSchema().getName()))
                .containsExactly("TaskRequested", "FullLoadCompleted", "WindowStaged", "MergeCompleted", "ValidationPassed");
        long januaryOrders = db1.queryForObject("SELECT count(*) FROM staging.orders", Long.class);
        assertThat(window.event(FullLoadCompleted.class).orElseThrow().getTables()).extracting(t -> t.getTable().getName() + "=" + t.getFullLoadRows())
                .contains("orders=" + januaryOrders);
        TableMergeResult orders = window.event(MergeCompleted.class).orElseThrow().getTables().stream()
                .filter(t -> t.getTable().getName().equals("orders")).findFirst().orElseThrow();
        // a quarter of January was missing in production, half older; the rest was as new (or CDC made it newer)
        assertThat(orders.getInserted()).isPositive();
        assertThat(orders.getUpdated()).isPositive();
        assertThat(orders.getSkippedStale()).isPositive();
        assertThat(orders.getInserted() + orders.getUpdated() + orders.getSkippedStale() + orders.getSkippedDeleted()).isEqualTo(januaryOrders);
        // CDC deleted orders while the reload ran: not one came back
        assertThat(deletedByCdc).isNotEmpty();
        Long[] deleted = deletedByCdc.toArray(Long[]::new);
        assertThat(db1.queryForObject("SELECT count(*) FROM production.orders WHERE order_id = ANY (?)", Long.class, (Object) deleted)).isZero();
        // staged keys production lacks are ones CDC deleted (before the merge: left deleted; or after it, while the run
        // validated); no production row is older than its load
        assertThat(db1.queryForList("SELECT s.order_id FROM staging.orders s LEFT JOIN production.orders p USING (order_id)"
                + " WHERE p.order_id IS NULL", Long.class)).hasSizeGreaterThanOrEqualTo((int) orders.getSkippedDeleted())
                .allMatch(deletedByCdc::contains);
        assertThat(db1.queryForObject("SELECT count(*) FROM staging.orders s JOIN production.orders p USING (order_id)"
                + " WHERE p.updated_at < s.updated_at", Long.class)).isZero();

        Demo.RunResult multiStage = demo.multiStage("e2e-enriched");

        assertThat(multiStage.outcome()).as(multiStage.reason()).isEqualTo("PASSED");
        assertThat(db1.queryForObject("SELECT count(*) FROM target.orders_enriched", Long.class))
                .isEqualTo(db1.queryForObject("SELECT count(*) FROM staging.orders_enriched_v WHERE updated_at >= '2026-01-01' AND updated_at < '2026-02-01'", Long.class))
                .isPositive();
        assertThat(db1.queryForObject("SELECT count(*) FROM target.orders_enriched WHERE segment IS NULL", Long.class)).isZero();
    }

    @Test
    @Order(2)
    void aPlantedMismatchARepairCannotHealEndsInValidationFailedNamingItAfterTheLastRound() {
        long key = ORDERS / 2;
        JdbcTemplate source = new JdbcTemplate(dmsflow.infrastructure().dataSource(Database.SOURCE));
        source.update("UPDATE \"APP\".\"ORDERS\" SET \"AMOUNT\" = 4242, \"UPDATED_AT\" = '2026-01-31 12:00' WHERE \"ORDER_ID\" = ?", key);
        db1.update("UPDATE production.orders SET updated_at = '2026-01-30' WHERE order_id = ?", key);
        // a rogue trigger in production silently keeps the old row
        db1.execute("CREATE FUNCTION production.keep_old() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$");
        db1.execute("CREATE TRIGGER planted_mismatch BEFORE UPDATE ON production.orders FOR EACH ROW WHEN (OLD.order_id = " + key + ")"
                + " EXECUTE FUNCTION production.keep_old()");

        Demo.RunResult run = demo.windowReload("e2e-planted");

        assertThat(run.outcome()).isEqualTo("FAILED");
        ValidationFailed failed = run.event(ValidationFailed.class).orElseThrow();
        List<CheckResult> failures = failed.getFailures();
        assertThat(failures).extracting(CheckResult::getTable, CheckResult::getCheck)
                .contains(org.assertj.core.groups.Tuple.tuple("orders", "STALE"));
        assertThat(failures.stream().filter(f -> f.getCheck().equals("STALE")).findFirst().orElseThrow().getSampleKeys()).containsExactly(String.valueOf(key));
        // orders repair themselves: each round reloads the key, the trigger keeps the old row, and after max-rounds (3)
        // the run fails naming it
        assertThat(failed.getRepairable()).isTrue();
        assertThat(run.events().stream().map(Timeline.Seen::event).filter(RepairCompleted.class::isInstance)
                .map(RepairCompleted.class::cast)).hasSize(3).noneMatch(RepairCompleted::getHealed);
        ValidationFailed last = run.lastEvent(ValidationFailed.class).orElseThrow();
        assertThat(last.getHeader().getAttempt()).isEqualTo(4);
        assertThat(last.getFailures()).anyMatch(f -> f.getSampleKeys().contains(String.valueOf(key)));
        assertThat(db1.queryForObject("SELECT status FROM dms_controller.runs WHERE request_id = 'e2e-planted'", String.class))
                .isEqualTo("FAILED");
    }

    @Test
    @Order(3)
    void validateOnlyRunsCompareTheSourceWithProductionWritingNothingAndALoadWaitsForThem() throws Exception {
        Instant january = Instant.parse("2026-01-01T00:00:00Z");
        Instant february = Instant.parse("2026-02-01T00:00:00Z");
        db1.execute("DROP TRIGGER planted_mismatch ON production.orders");
        // Order 2 left ORDERS / 2 older in production than in the source; plant two more differences in January
        List<Long> planted = db1.queryForList("SELECT order_id FROM production.orders WHERE updated_at >= '2026-01-01'"
                + " AND updated_at < '2026-02-01' ORDER BY order_id LIMIT 2", Long.class);
        db1.update("UPDATE production.orders SET amount = amount + 1 WHERE order_id = ?", planted.get(0));
        db1.update("DELETE FROM production.orders WHERE order_id = ?", planted.get(1));
        String untouched = untouched();

        Demo.RunResult clean = demo.validateOnly("e2e-february-check", List.of("orders", "customers"), february,
                Instant.parse("2026-03-01T00:00:00Z"));

        assertThat(clean.outcome()).as(clean.reason()).isEqualTo("PASSED");
        assertThat(clean.events().stream().map(e -> e.event().getSchema().getName()))
                .containsExactly("TaskRequested", "ValidationRequested", "ValidationPassed");
        // nothing staged, merged or written
        assertThat(untouched()).isEqualTo(untouched);

        Demo.RunResult damaged = demo.validateOnly("e2e-january-check", List.of("orders"), january, february);

        // found by key and column, then healed by a repair round (orders repair themselves)
        assertThat(damaged.outcome()).as(damaged.reason()).isEqualTo("PASSED");
        assertThat(damaged.lastEvent(RepairCompleted.class).orElseThrow().getHealed()).isTrue();
        Map<String, CheckResult> failures = damaged.event(ValidationFailed.class).orElseThrow().getFailures().stream()
                .collect(Collectors.toMap(CheckResult::getCheck, f -> f));
        assertThat(failures.keySet()).containsExactlyInAnyOrder("SOURCE_COUNT", "MISSING", "CONTENTS");
        assertThat(failures.get("MISSING").getSampleKeys()).containsExactly(String.valueOf(planted.get(1)));
        assertThat(failures.get("CONTENTS").getSampleKeys()).containsExactlyInAnyOrder(String.valueOf(planted.get(0)), String.valueOf(ORDERS / 2));
        assertThat(failures.get("CONTENTS").getDifferences().stream().collect(Collectors.toMap(KeyDifference::getKey, d -> List.copyOf(d.getColumns()))))
                .containsOnly(Map.entry(String.valueOf(planted.get(0)), List.of("amount")), Map.entry(String.valueOf(ORDERS / 2), List.of("amount", "updated_at")));
        // two validate-only runs of one table at once, held up reading it (production's customers locked), then a
        // reload of it, which waits for both
        Demo.RunResult reload;
        CompletableFuture<Demo.RunResult> first;
        CompletableFuture<Demo.RunResult> second;
        try (Connection lock = dmsflow.infrastructure().dataSource(Database.DB1).getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE production.customers IN ACCESS EXCLUSIVE MODE");
            first = CompletableFuture.supplyAsync(() -> demo.validateOnly("e2e-check-a", List.of("customers"), january, february));
            second = CompletableFuture.supplyAsync(() -> demo.validateOnly("e2e-check-b", List.of("customers"), january, february));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> db1.queryForObject(
                    "SELECT count(*) FROM dms_controller.runs WHERE request_id IN ('e2e-check-a', 'e2e-check-b') AND status = 'VALIDATING'", Long.class) == 2);
            CompletableFuture<Demo.RunResult> queued = CompletableFuture.supplyAsync(() -> demo.windowReload("e2e-after-checks"));
            await().atMost(Duration.ofSeconds(30)).until(() -> "QUEUED".equals(db1.queryForList(
                    "SELECT status FROM dms_controller.runs WHERE request_id = 'e2e-after-checks'", String.class).stream().findFirst().orElse("")));
            lock.rollback();
            reload = queued.join();
        }

        assertThat(first.join().outcome()).isEqualTo("PASSED");
        assertThat(second.join().outcome()).isEqualTo("PASSED");
        assertThat(reload.outcome()).isIn("PASSED", "FAILED");
        assertThat(db1.queryForObject("SELECT bool_and(r.created_at < v.finished_at AND r.started_at >= v.finished_at)"
                + " FROM dms_controller.runs r, dms_controller.runs v WHERE r.request_id = 'e2e-after-checks'"
                + " AND v.request_id IN ('e2e-check-a', 'e2e-check-b')", Boolean.class)).as("the reload queued while both checks ran and started after them").isTrue();
    }

    @Test
    @Order(4)
    void plantedDamagePastTheKeyCapHealsInARepairRoundByKeyRangesWhileCdcWritesLeavingEveryOtherRowAsItWas() {
        Demo.RunResult base = demo.windowReload("e2e-repair-base");
        assertThat(base.outcome()).as(base.reason()).isEqualTo("PASSED");
        List<Long> january = db1.queryForList("SELECT order_id FROM production.orders WHERE updated_at >= '2026-01-01'"
                + " AND updated_at < '2026-02-01' ORDER BY order_id", Long.class);
        // 40 keys spread over January: 20 missing, 20 equal-version content differences
        List<Long> spread = IntStream.range(0, 40).mapToObj(i -> january.get(i * (january.size() / 40))).toList();
        List<Long> missing = spread.subList(0, 20);
        List<Long> contents = spread.subList(20, 40);
        List<Long> absent = LongStream.rangeClosed(1, 10).mapToObj(i -> ORDERS * 10L + i).toList();
        db1.update("DELETE FROM production.orders WHERE order_id = ANY (?)", (Object) missing.toArray(Long[]::new));
        // the version (updated_at) kept: a numeric's scale, a text, a timestamp and a NULL differ
        db1.update("UPDATE production.orders SET amount = amount + 0.01 WHERE order_id = ANY (?)", (Object) ids(contents.subList(0, 5)));
        db1.update("UPDATE production.orders SET status = status || '!' WHERE order_id = ANY (?)", (Object) ids(contents.subList(5, 10)));
        db1.update("UPDATE production.orders SET order_date = order_date + interval '1 microsecond' WHERE order_id = ANY (?)",
                (Object) ids(contents.subList(10, 15)));
        db1.update("UPDATE production.orders SET status = NULL WHERE order_id = ANY (?)", (Object) ids(contents.subList(15, 20)));
        // January orders the source never had
        db1.update("INSERT INTO production.orders SELECT a.id, customer_id, amount, status, order_date, updated_at"
                + " FROM production.orders, unnest(?::bigint[]) a(id) WHERE order_id = ?", ids(absent), january.get(1));
        Set<Long> planted = new HashSet<>(spread);
        planted.addAll(absent);
        Map<Long, String> before = productionRows();

        Demo.RunResult check;
        Set<Long> cdcRows = new HashSet<>();
        try (CdcWriter cdc = new CdcWriter(dmsflow.infrastructure(), ORDERS)) {
            check = demo.validateOnly("e2e-repair-check", List.of("orders"), Instant.parse("2026-01-01T00:00:00Z"),
                    Instant.parse("2026-02-01T00:00:00Z"));
            cdc.close();
            cdcRows.addAll(cdc.changedOrderIds());
            cdcRows.addAll(cdc.deletedOrderIds());
        }

        assertThat(check.outcome()).as(check.reason()).isEqualTo("PASSED");
        List<String> events = check.events().stream().map(e -> e.event().getSchema().getName()).filter(name -> !name.equals("TaskProgress")).toList();
        assertThat(events).hasSize(10);
        assertThat(events.subList(0, 8)).containsExactly("TaskRequested", "ValidationRequested", "ValidationFailed", "RepairRequested",
                "RepairPlanned", "FullLoadCompleted", "WindowStaged", "MergeCompleted");
        // published in this order, but on two topics: a consumer of both may see them either way round
        assertThat(events.subList(8, 10)).containsExactlyInAnyOrder("RepairCompleted", "ValidationPassed");
        ValidationFailed found = check.event(ValidationFailed.class).orElseThrow();
        assertThat(found.getRepairable()).isTrue();
        // past the cap of 15 kept keys, the 20 missing and the 20 different rows are repaired by key ranges
        assertThat(found.getDifferingRanges()).isPositive();
        RepairPlanned plan = check.event(RepairPlanned.class).orElseThrow();
        assertThat(plan.getScope().getTables().get(0).getRanges()).isNotEmpty();
        TableRepairResult orders = check.lastEvent(RepairCompleted.class).orElseThrow().getTables().get(0);
        // the 10 rows the source lacks, and any row CDC had deleted from the source but not yet from production
        assertThat(orders.getDeleted()).isBetween(10L, 10L + cdcRows.size());
        assertThat(orders.getStillDifferent()).isZero();
        assertThat(orders.getInserted()).isBetween(20 - missing.stream().filter(cdcRows::contains).count(), 20L);
        // every planted key, and every row CDC wrote, is in production as in the source
        Set<Long> compared = new HashSet<>(planted);
        compared.addAll(cdcRows);
        assertThat(productionRows(compared)).isEqualTo(sourceRows(compared));
        // and no other row changed
        Map<Long, String> after = productionRows();
        before.keySet().removeAll(compared);
        after.keySet().removeAll(compared);
        assertThat(after).isEqualTo(before);
    }

    @Test
    @Order(5)
    void aManualTableWaitsForOpsThenARepairTheyPostHealsIt() throws Exception {
        List<Long> damaged = db1.queryForList("SELECT customer_id FROM production.customers WHERE updated_at >= '2026-01-01'"
                + " AND updated_at < '2026-02-01' ORDER BY customer_id LIMIT 2", Long.class);
        db1.update("UPDATE production.customers SET name = name || ' (typo)' WHERE customer_id = ?", damaged.get(0));
        db1.update("DELETE FROM production.customers WHERE customer_id = ?", damaged.get(1));
        String requestId = "e2e-customers-check";

        Demo.RunResult check = demo.validateOnly(requestId, List.of("customers"), Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"));

        // customers are repaired by hand (the catalog's default, repair: manual): nothing happens on its own
        assertThat(check.outcome()).isEqualTo("FAILED");
        assertThat(check.event(ValidationFailed.class).orElseThrow().getRepairable()).isTrue();
        assertThat(check.event(RepairRequested.class)).isEmpty();

        // the dry run: per planted key its action and the columns that differ
        HttpResponse<String> dryRun = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + dmsflow.port(ValidationServiceApplication.NAME) + "/api/validations/" + requestId + "/repair-plan"))
                .header("Authorization", dmsflow.operator().basicAuthorization()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(dryRun.statusCode()).as(dryRun.body()).isEqualTo(200);
        JsonNode plan = new ObjectMapper().readTree(dryRun.body()).at("/tables/0");
        assertThat(plan.get("table").asText()).isEqualTo("customers");
        assertThat(StreamSupport.stream(plan.get("keys").spliterator(), false)
                .map(k -> k.get("key").asText() + " " + k.get("action").asText() + " " + k.get("columns")))
                .containsExactlyInAnyOrder(damaged.get(0) + " load [\"name\"]", damaged.get(1) + " load []");
        assertThat(timeline.of(requestId).stream().map(Timeline.Seen::event)).noneMatch(RepairRequested.class::isInstance);

        HttpResponse<String> repair = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + dmsflow.port(DmsControllerApplication.NAME) + "/api/runs/" + requestId + "/repair"))
                .header("Authorization", dmsflow.operator().basicAuthorization()).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(repair.statusCode()).as(repair.body()).isEqualTo(202);
        RepairCompleted repaired = await().atMost(Duration.ofSeconds(90)).until(() -> timeline.of(requestId).stream()
                .map(Timeline.Seen::event).filter(RepairCompleted.class::isInstance).map(RepairCompleted.class::cast)
                .findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertThat(repaired.getHealed()).isTrue();
        assertThat(repaired.getTables()).extracting(TableRepairResult::getInserted, TableRepairResult::getUpdated)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 1L));
        await().atMost(Duration.ofSeconds(30)).until(() -> db1.queryForObject("SELECT status FROM dms_controller.runs"
                + " WHERE request_id = ?", String.class, requestId).equals("COMPLETED"));
        assertThat(timeline.of(requestId).stream().map(Timeline.Seen::event).filter(ValidationPassed.class::isInstance)
                .map(e -> ((ValidationPassed) e).getHeader().getAttempt())).containsExactly(2);
        assertThat(db1.queryForList("SELECT concat_ws('|', customer_id, name, email, status, created_at, updated_at)"
                + " FROM production.customers WHERE customer_id = ANY (?) ORDER BY customer_id", String.class, (Object) ids(damaged)))
                .isEqualTo(source().queryForList("SELECT concat_ws('|', \"CUSTOMER_ID\", \"NAME\", \"EMAIL\", \"STATUS\","
                        + " \"CREATED_AT\", \"UPDATED_AT\") FROM \"APP\".\"CUSTOMERS\" WHERE \"CUSTOMER_ID\" = ANY (?)"
                        + " ORDER BY \"CUSTOMER_ID\"", String.class, (Object) ids(damaged)));
    }

    private static Long[] ids(List<Long> ids) {
        return ids.toArray(Long[]::new);
    }

    private static JdbcTemplate source() {
        return new JdbcTemplate(dmsflow.infrastructure().dataSource(Database.SOURCE));
    }

    /** Production's orders as text, by key (all of them, or of these keys). */
    private static Map<Long, String> productionRows(Set<Long> keys) {
        return rows(db1, "SELECT order_id, concat_ws('|', customer_id, amount, coalesce(status, '<null>'), order_date, updated_at)"
                + " FROM production.orders WHERE order_id = ANY (?)", keys);
    }

    private static Map<Long, String> productionRows() {
        return rows(db1, "SELECT order_id, concat_ws('|', customer_id, amount, coalesce(status, '<null>'), order_date, updated_at)"
                + " FROM production.orders", null);
    }

    private static Map<Long, String> sourceRows(Set<Long> keys) {
        return rows(source(), "SELECT \"ORDER_ID\", concat_ws('|', \"CUSTOMER_ID\", \"AMOUNT\", coalesce(\"STATUS\", '<null>'),"
                + " \"ORDER_DATE\", \"UPDATED_AT\") FROM \"APP\".\"ORDERS\" WHERE \"ORDER_ID\" = ANY (?)", keys);
    }

    private static Map<Long, String> rows(JdbcTemplate jdbc, String sql, Set<Long> keys) {
        Map<Long, String> rows = new HashMap<>();
        RowCallbackHandler row = rs -> rows.put(rs.getLong(1), rs.getString(2));
        if (keys == null) {
            jdbc.query(sql, row);
        } else {
            jdbc.query(sql, row, (Object) keys.toArray(Long[]::new));
        }
        return rows;
    }

    /** md5 of production's and staging's orders and the number of merge logs: what a validate-only run must not change. */
    private static String untouched() {
        return db1.queryForObject("SELECT (SELECT md5(string_agg(t::text, '|' ORDER BY order_id)) FROM production.orders t)"
                + " || (SELECT md5(string_agg(t::text, '|' ORDER BY order_id)) FROM staging.orders t)"
                + " || (SELECT count(*) FROM admin.merge_logs)", String.class);
    }
}
