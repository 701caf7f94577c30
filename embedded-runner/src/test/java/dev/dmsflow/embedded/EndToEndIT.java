package dev.dmsflow.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.FullLoadCompleted;
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
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.jdbc.core.JdbcTemplate;

/** The main job end to end on embedded infrastructure: the demo's scenario, then a planted mismatch. */
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
}
