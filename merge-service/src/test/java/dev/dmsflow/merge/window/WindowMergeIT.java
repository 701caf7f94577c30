package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.TopicProbe;
import org.apache.avro.specific.SpecificRecord;
import static dev.dmsflow.merge.MergeFixture.JANUARY;
import static dev.dmsflow.merge.MergeFixture.newRequestId;
import static dev.dmsflow.merge.MergeFixture.staged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.merge.MergeFixture;
import dev.dmsflow.merge.MergeServiceTest;
import dev.dmsflow.merge.run.RunMerger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

// calls the merger directly: no listener, so runs started by other test classes' events cannot interfere
@MergeServiceTest
@TestPropertySource(properties = "spring.kafka.listener.auto-startup=false")
class WindowMergeIT {

    @Autowired
    RunMerger merger;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;

    private MergeFixture db;
    private TopicProbe<SpecificRecord> topics;

    @BeforeEach
    void setUp() {
        db = new MergeFixture(jdbc);
        topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.MERGE_COMPLETED, Topics.ALERTS);
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void newerStagedRowsWinNewKeysAreInsertedOlderStagedRowsAreSkippedAndCounted() {
        db.createOrders(true);
        db.order(db.production, 1, "10.00", "OPEN", "2026-01-05 10:00:00");       // staged copy is newer: updated
        db.order(db.production, 2, "20.00", "CDC-UPDATED", "2026-02-03 09:00:00"); // CDC updated it after the load: kept
        db.order(db.production, 3, "30.00", "SAME", "2026-01-07 00:00:00");       // staged copy as new: kept
        db.order(db.production, 4, "40.00", "UNTOUCHED", "2025-12-01 00:00:00");  // not staged
        db.order(db.staging, 1, "11.00", "SHIPPED", "2026-01-20 08:30:00.123456");
        db.order(db.staging, 2, "22.00", "OLD-COPY", "2026-01-15 00:00:00");
        db.order(db.staging, 3, "33.00", "SAME-TIME", "2026-01-07 00:00:00");
        db.order(db.staging, 5, "50.00", "NEW", "2026-01-31 23:59:59.999999");    // last microsecond of the window: inserted
        db.order(db.staging, 6, "60.00", "OUTSIDE", "2026-02-01 00:00:00");       // first instant after the window: ignored
        String requestId = newRequestId();

        merger.onWindowStaged(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders()));

        assertThat(db.productionOrders()).containsExactly(
                "1:11.00:SHIPPED:2026-01-20 08:30:00.123456",
                "2:20.00:CDC-UPDATED:2026-02-03 09:00:00",
                "3:30.00:SAME:2026-01-07 00:00:00",
                "4:40.00:UNTOUCHED:2025-12-01 00:00:00",
                "5:50.00:NEW:2026-01-31 23:59:59.999999");
        MergeCompleted completed = topics.await(requestId, MergeCompleted.class, 1).get(0);
        TableMergeResult orders = completed.getTables().get(0);
        assertThat(orders.getTable()).isEqualTo(db.orders());
        assertThat(List.of(orders.getStagedRows(), orders.getInserted(), orders.getUpdated(), orders.getSkippedStale(), orders.getDuplicates()))
                .containsExactly(4L, 1L, 1L, 2L, 0L);
        assertThat(completed.getWindow()).isEqualTo(JANUARY);
        assertThat(completed.getLoadStartedAt()).isNotNull();
        assertThat(jdbc.queryForMap("SELECT records_inserted, records_updated, records_skipped_stale, records_duplicate, staged_rows, source_table"
                + " FROM admin.merge_logs WHERE request_id = ?", requestId))
                .containsEntry("records_inserted", 1L).containsEntry("records_updated", 1L)
                .containsEntry("records_skipped_stale", 2L).containsEntry("records_duplicate", 0L)
                .containsEntry("staged_rows", 4L).containsEntry("source_table", db.staging + ".orders");
        assertThat(jdbc.queryForObject("SELECT status || ': ' || notes FROM admin.merge_summary WHERE request_id = ?", String.class, requestId))
                .startsWith("SUCCESS: Merged TIME_WINDOW_RELOAD run, window [2026-01-01T00:00:00Z, 2026-02-01T00:00:00Z)")
                .contains("1 inserted, 1 updated, 2 skipped as stale, 0 left deleted, 0 duplicates");
        // the run is recorded, the staging rows are not rewritten
        assertThat(jdbc.queryForObject("SELECT count(*) FROM merge_service.merge_runs WHERE request_id = ?", Long.class, requestId)).isOne();
    }

    @Test
    void duplicateKeysInStagingKeepTheNewestAndAreCounted() {
        db.createOrders(false);
        db.order(db.production, 1, "10.00", "OPEN", "2026-01-02 00:00:00");
        db.order(db.staging, 1, "11.00", "FIRST", "2026-01-10 00:00:00");
        db.order(db.staging, 1, "12.00", "NEWEST", "2026-01-12 00:00:00");
        db.order(db.staging, 1, "13.00", "MIDDLE", "2026-01-11 00:00:00");
        db.order(db.staging, 7, "70.00", "A", "2026-01-03 00:00:00");
        db.order(db.staging, 7, "71.00", "B-LATER", "2026-01-04 00:00:00");
        String requestId = newRequestId();

        merger.onWindowStaged(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders()));

        assertThat(db.productionOrders()).containsExactly("1:12.00:NEWEST:2026-01-12 00:00:00", "7:71.00:B-LATER:2026-01-04 00:00:00");
        TableMergeResult orders = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(List.of(orders.getStagedRows(), orders.getInserted(), orders.getUpdated(), orders.getSkippedStale(), orders.getDuplicates()))
                .containsExactly(5L, 1L, 1L, 0L, 3L);
    }

    @Test
    void compositeKeysWork() {
        jdbc.execute("CREATE TABLE " + db.production + ".order_lines (order_id bigint, line_no int, sku text, qty int, updated_at timestamptz, PRIMARY KEY (order_id, line_no))");
        jdbc.execute("CREATE TABLE " + db.staging + ".order_lines (order_id bigint, line_no int, sku text, qty int, updated_at timestamptz)");
        jdbc.update("INSERT INTO " + db.production + ".order_lines VALUES (1, 1, 'A', 1, '2026-01-01T00:00:00Z'), (1, 2, 'B', 1, '2026-01-01T00:00:00Z')");
        jdbc.update("INSERT INTO " + db.staging + ".order_lines VALUES (1, 1, 'A', 5, '2026-01-09T00:00:00Z'), (1, 3, 'C', 1, '2026-01-09T00:00:00Z'), (2, 1, 'A', 2, '2026-01-09T00:00:00Z')");
        TableRef lines = db.table("order_lines", List.of("order_id", "line_no"), "updated_at");
        String requestId = newRequestId();

        merger.onWindowStaged(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, lines));

        assertThat(jdbc.queryForList("SELECT order_id || '/' || line_no || ':' || sku || 'x' || qty FROM " + db.production + ".order_lines ORDER BY 1", String.class))
                .containsExactly("1/1:Ax5", "1/2:Bx1", "1/3:Cx1", "2/1:Ax2");
        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(List.of(result.getInserted(), result.getUpdated())).containsExactly(2L, 1L);
    }

    @Test
    void nullWindowValuesCountAsOlderThanAnyTimestamp() {
        db.createOrders(true);
        db.order(db.production, 1, "10.00", "PROD-NULL", null);                  // staged value replaces a NULL
        db.order(db.production, 2, "20.00", "PROD-HAS-TIME", "2026-01-05 00:00:00"); // staged NULL never replaces
        db.order(db.production, 3, "30.00", "BOTH-NULL", null);                  // NULL vs NULL: production kept
        db.order(db.staging, 1, "11.00", "STAGED-TIME", "2026-01-02 00:00:00");
        db.order(db.staging, 2, "22.00", "STAGED-NULL", null);
        db.order(db.staging, 3, "33.00", "STAGED-NULL", null);
        db.order(db.staging, 4, "44.00", "NEW-NULL", null);                      // a new key is inserted even without a time
        String requestId = newRequestId();

        // a full load has no window, so rows with a NULL window column take part
        merger.onWindowStaged(staged(requestId, TaskKind.FULL_LOAD, null, db.orders()));

        assertThat(db.productionOrders()).containsExactly(
                "1:11.00:STAGED-TIME:2026-01-02 00:00:00",
                "2:20.00:PROD-HAS-TIME:2026-01-05 00:00:00",
                "3:30.00:BOTH-NULL:null",
                "4:44.00:NEW-NULL:null");
        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(List.of(result.getInserted(), result.getUpdated(), result.getSkippedStale())).containsExactly(1L, 1L, 2L);
    }

    @Test
    void aWindowReloadIgnoresStagedRowsWithoutAWindowValue() {
        db.createOrders(true);
        db.order(db.staging, 1, "11.00", "NO-TIME", null);
        db.order(db.staging, 2, "22.00", "IN-WINDOW", "2026-01-02 00:00:00");
        String requestId = newRequestId();

        merger.onWindowStaged(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders()));

        assertThat(db.productionOrders()).containsExactly("2:22.00:IN-WINDOW:2026-01-02 00:00:00");
    }

    @Test
    void aFailureInTheMiddleOfAMultiTableMergeLeavesEveryProductionTableUnchanged() {
        db.createOrders(true);
        db.order(db.production, 1, "10.00", "OPEN", "2026-01-01 00:00:00");
        db.order(db.staging, 1, "11.00", "NEWER", "2026-01-09 00:00:00");
        db.order(db.staging, 2, "22.00", "NEW", "2026-01-09 00:00:00");
        // sorted after "orders", so it fails once orders is merged: 99999999999 does not fit the target's integer
        jdbc.execute("CREATE TABLE " + db.production + ".shipments (shipment_id bigint PRIMARY KEY, parcels int, updated_at timestamp)");
        jdbc.execute("CREATE TABLE " + db.staging + ".shipments (shipment_id bigint, parcels bigint, updated_at timestamp)");
        jdbc.update("INSERT INTO " + db.staging + ".shipments VALUES (1, 3, '2026-01-09'), (2, 99999999999, '2026-01-09')");
        List<String> before = db.productionOrders();
        String requestId = newRequestId();

        merger.onWindowStaged(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                db.orders(), db.table("shipments", List.of("shipment_id"), "updated_at")));

        assertThat(db.productionOrders()).isEqualTo(before);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + db.production + ".shipments", Long.class)).isZero();
        TaskFailed failed = topics.await(requestId, TaskFailed.class, 1).get(0);
        assertThat(failed.getStage()).isEqualTo(FailureStage.MERGE);
        assertThat(failed.getRetryable()).isFalse();
        assertThat(failed.getReason()).contains("22003").contains("out of range");
        assertThat(failed.getTables()).containsExactly("orders", "shipments");
        assertThat(jdbc.queryForMap("SELECT status, retryable, notes FROM admin.merge_summary WHERE request_id = ?", requestId))
                .containsEntry("status", "FAILED").containsEntry("retryable", false)
                .hasEntrySatisfying("notes", notes -> assertThat((String) notes).startsWith("Error: database error 22003"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM admin.merge_logs WHERE request_id = ?", Long.class, requestId)).isZero();
        assertThat(topics.settle(requestId, MergeCompleted.class, Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void aMissingTableIsRejectedWithoutRetryingAndSaysWhich() {
        String requestId = newRequestId();

        merger.onWindowStaged(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders()));

        TaskFailed failed = topics.await(requestId, TaskFailed.class, 1).get(0);
        assertThat(failed.getRetryable()).isFalse();
        assertThat(failed.getReason()).contains("source " + db.staging + ".orders does not exist");
    }

    @Test
    void twoRunsOnTheSameTableDoNotInterleave() throws Exception {
        db.createOrders(true);
        db.order(db.staging, 1, "11.00", "NEW", "2026-01-09 00:00:00");
        String requestId = newRequestId();
        CompletableFuture<Void> merge;
        try (Connection otherRun = dataSource.getConnection()) {
            otherRun.setAutoCommit(false);
            // what another run's merge holds while it merges this table
            try (PreparedStatement lock = otherRun.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                lock.setString(1, "dmsflow.merge-table:" + db.production + ".orders");
                lock.execute();
            }

            merge = CompletableFuture.runAsync(() -> merger.onWindowStaged(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders())));

            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> db.productionOrders().isEmpty() && !merge.isDone());
            otherRun.commit();
        }
        merge.get();
        assertThat(db.productionOrders()).containsExactly("1:11.00:NEW:2026-01-09 00:00:00");
    }

    @Test
    void concurrentRunsOnOneTableBothLandNewerWins() {
        db.createOrders(true);
        for (int i = 1; i <= 200; i++) {
            db.order(db.staging, i, i + ".00", "LOAD", "2026-01-09 00:00:00");
        }
        String first = newRequestId();
        String second = newRequestId();

        CompletableFuture.allOf(
                CompletableFuture.runAsync(() -> merger.onWindowStaged(staged(first, TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders()))),
                CompletableFuture.runAsync(() -> merger.onWindowStaged(staged(second, TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.orders())))).join();

        Map<String, Long> inserted = Map.of(
                first, topics.await(first, MergeCompleted.class, 1).get(0).getTables().get(0).getInserted(),
                second, topics.await(second, MergeCompleted.class, 1).get(0).getTables().get(0).getInserted());
        // one run inserted every row, the other found them all as new as its copy
        assertThat(inserted.values()).containsExactlyInAnyOrder(200L, 0L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + db.production + ".orders", Long.class)).isEqualTo(200L);
    }
}
