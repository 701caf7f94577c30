package dev.dmsflow.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.KeyDifference;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.controller.DmsControllerApplication;
import dev.dmsflow.embedded.demo.CdcWriter;
import dev.dmsflow.embedded.demo.Demo;
import dev.dmsflow.embedded.demo.Timeline;
import dev.dmsflow.infra.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The main job end to end on embedded infrastructure: the demo's scenario, then a planted mismatch, then validate-only
 * runs beside a reload.
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
        dmsflow = EmbeddedDmsflow.start(0, ORDERS, OUT);
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
    void aPlantedMismatchEndsInValidationFailedOnTheAlertsTopic() {
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
    }

    @Test
    @Order(3)
    void validateOnlyRunsCompareTheSourceWithProductionWritingNothingAndALoadWaitsForThem() {
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
        Demo.RunResult damaged = demo.validateOnly("e2e-january-check", List.of("orders"), january, february);

        assertThat(clean.outcome()).as(clean.reason()).isEqualTo("PASSED");
        assertThat(clean.events().stream().map(e -> e.event().getSchema().getName()))
                .containsExactly("TaskRequested", "ValidationRequested", "ValidationPassed");
        assertThat(damaged.outcome()).isEqualTo("FAILED");
        Map<String, CheckResult> failures = damaged.event(ValidationFailed.class).orElseThrow().getFailures().stream()
                .collect(Collectors.toMap(CheckResult::getCheck, f -> f));
        assertThat(failures.keySet()).containsExactlyInAnyOrder("SOURCE_COUNT", "MISSING", "CONTENTS");
        assertThat(failures.get("MISSING").getSampleKeys()).containsExactly(String.valueOf(planted.get(1)));
        assertThat(failures.get("CONTENTS").getSampleKeys()).containsExactlyInAnyOrder(String.valueOf(planted.get(0)), String.valueOf(ORDERS / 2));
        assertThat(failures.get("CONTENTS").getDifferences().stream().collect(Collectors.toMap(KeyDifference::getKey, d -> List.copyOf(d.getColumns()))))
                .containsOnly(Map.entry(String.valueOf(planted.get(0)), List.of("amount")), Map.entry(String.valueOf(ORDERS / 2), List.of("amount", "updated_at")));
        // nothing staged, merged or written by either run
        assertThat(untouched()).isEqualTo(untouched);

        // two validate-only runs of one table at once (each holds its read lease through the confirm pass), then a reload of it
        CompletableFuture<Demo.RunResult> first = CompletableFuture.supplyAsync(() -> demo.validateOnly("e2e-check-a", List.of("orders"), january, february));
        CompletableFuture<Demo.RunResult> second = CompletableFuture.supplyAsync(() -> demo.validateOnly("e2e-check-b", List.of("orders"), january, february));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> db1.queryForObject(
                "SELECT count(*) FROM dms_controller.runs WHERE request_id IN ('e2e-check-a', 'e2e-check-b') AND status = 'VALIDATING'", Long.class) == 2);
        Demo.RunResult reload = demo.windowReload("e2e-after-checks");

        assertThat(first.join().outcome()).isEqualTo("FAILED");
        assertThat(second.join().outcome()).isEqualTo("FAILED");
        assertThat(reload.outcome()).isIn("PASSED", "FAILED");
        assertThat(db1.queryForObject("SELECT bool_and(r.created_at < v.finished_at AND r.started_at >= v.finished_at)"
                + " FROM dms_controller.runs r, dms_controller.runs v WHERE r.request_id = 'e2e-after-checks'"
                + " AND v.request_id IN ('e2e-check-a', 'e2e-check-b')", Boolean.class)).as("the reload queued while both checks ran and started after them").isTrue();
    }

    /** md5 of production's and staging's orders and the number of merge logs: what a validate-only run must not change. */
    private static String untouched() {
        return db1.queryForObject("SELECT (SELECT md5(string_agg(t::text, '|' ORDER BY order_id)) FROM production.orders t)"
                + " || (SELECT md5(string_agg(t::text, '|' ORDER BY order_id)) FROM staging.orders t)"
                + " || (SELECT count(*) FROM admin.merge_logs)", String.class);
    }
}
