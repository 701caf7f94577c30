package dev.dmsflow.merge.window;

import static dev.dmsflow.merge.MergeFixture.JANUARY;
import static dev.dmsflow.merge.MergeFixture.newRequestId;
import static dev.dmsflow.merge.MergeFixture.staged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.TopicProbe;
import dev.dmsflow.merge.MergeFixture;
import dev.dmsflow.merge.MergeServiceTest;
import dev.dmsflow.merge.run.RunMerger;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * A reload merged while CDC keeps writing production: what CDC did after the load started wins, inserts, updates and
 * deletes alike, whether it committed before the merge or while the merge ran (second connections hold the row locks).
 */
@MergeServiceTest
@TestPropertySource(properties = "spring.kafka.listener.auto-startup=false")
class CdcSafeMergeIT {

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

    // with a change log the merge sees CDC inserting and takes the conflict-safe statement at once; without one it
    // tries the plain statement and falls back to the conflict-safe one when a CDC insert collides with it
    @ParameterizedTest(name = "change log: {0}")
    @ValueSource(booleans = {true, false})
    void cdcInsertingTheKeysTheMergeInsertsNeverFailsItAndCdcRowsStay(boolean tracked) throws Exception {
        db.createOrders(true);
        int rows = 200_000;
        jdbc.update("INSERT INTO " + db.staging + ".orders (order_id, customer_id, amount, status, order_date, updated_at)"
                + " SELECT g, g % 1000, 10, 'STAGED', '2026-01-01', '2026-01-01'::timestamp + g * interval '10 seconds'"
                + " FROM generate_series(1, ?) g", rows);
        jdbc.execute("ANALYZE " + db.staging + ".orders");
        if (tracked) {
            db.trackOrders();
        }
        Instant loadStartedAt = Instant.now();
        List<Long> keys = new ArrayList<>();
        for (long k = 1; k <= rows; k += 7) {
            keys.add(k);
        }
        Collections.shuffle(keys);
        AtomicBoolean merging = new AtomicBoolean(true);
        AtomicLong duringMerge = new AtomicLong();
        // DMS CDC applying inserts of January keys production lacks, one statement each, racing the merge
        CompletableFuture<List<Long>> cdc = CompletableFuture.supplyAsync(() -> {
            List<Long> written = new ArrayList<>();
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(true);
                for (long key : keys) {
                    if (!merging.get() && written.size() > 1000) {
                        break;
                    }
                    statement.execute("INSERT INTO " + db.production + ".orders (order_id, customer_id, amount, status, order_date, updated_at)"
                            + " VALUES (" + key + ", 1, 99, 'CDC', '2026-01-01', '2026-03-01') ON CONFLICT (order_id) DO UPDATE"
                            + " SET status = 'CDC', amount = 99, updated_at = '2026-03-01'");
                    written.add(key);
                    if (merging.get()) {
                        duringMerge.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return written;
        });
        await().until(() -> duringMerge.get() > 200);

        // one attempt: the merge statements themselves, in one transaction, no retry around them
        WindowTableMerge merge = new WindowTableMerge(db.orders(), rows, new TableShapes(),
                tracked ? Optional.of(loadStartedAt.minusSeconds(10)) : Optional.empty(), tracked, loadStartedAt.minus(Duration.ofDays(7)));
        MergeCounts counts;
        long cdcBefore = duringMerge.get();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            counts = merge.execute(connection, JANUARY);
            connection.commit();
        } finally {
            merging.set(false);
        }
        List<Long> written = cdc.get();

        assertThat(duringMerge.get() - cdcBefore).as("CDC inserts committed while the merge ran").isPositive();
        assertThat(counts.staged()).isEqualTo(rows);
        assertThat(counts.inserted() + counts.skippedStale()).isEqualTo(rows);
        assertThat(counts.skippedStale()).as("CDC's rows, counted as kept").isPositive();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + db.production + ".orders", Long.class)).isEqualTo(rows);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM " + db.production + ".orders WHERE status = 'CDC'", Long.class))
                .isEqualTo(written.size());
    }

    @Test
    void aKeyCdcDeletedAfterTheLoadStartedIsNotResurrected() {
        db.createOrders(true);
        db.order(db.production, 42, "10.00", "OPEN", "2026-01-05 00:00:00");
        db.order(db.production, 43, "10.00", "OPEN", "2026-01-05 00:00:00");
        db.order(db.staging, 42, "11.00", "RELOADED", "2026-01-06 00:00:00");
        db.order(db.staging, 43, "11.00", "RELOADED", "2026-01-06 00:00:00");
        db.order(db.staging, 44, "11.00", "NEW", "2026-01-06 00:00:00");
        db.trackOrders();
        Instant loadStartedAt = Instant.now();
        jdbc.update("DELETE FROM " + db.production + ".orders WHERE order_id = 42");   // CDC, after the load read 42
        String requestId = newRequestId();

        merger.onWindowStaged(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, loadStartedAt, db.orders()));

        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(db.productionOrders()).containsExactly("43:11.00:RELOADED:2026-01-06 00:00:00", "44:11.00:NEW:2026-01-06 00:00:00");
        assertThat(List.of(result.getStagedRows(), result.getInserted(), result.getUpdated(), result.getSkippedStale(), result.getSkippedDeleted()))
                .containsExactly(3L, 1L, 1L, 0L, 1L);
        assertThat(jdbc.queryForObject("SELECT records_skipped_deleted FROM admin.merge_logs WHERE request_id = ?", Long.class, requestId)).isOne();
        // the merge's own writes are not CDC's: only the delete is in the log
        assertThat(jdbc.queryForList("SELECT order_id || ':' || dmsflow_op FROM dmsflow_changes." + db.production + "__orders", String.class))
                .containsExactly("42:D");
    }

    @Test
    void aDeleteCommittingWhileTheMergeRunsWins() throws Exception {
        db.createOrders(true);
        db.order(db.production, 42, "10.00", "OPEN", "2026-01-05 00:00:00");
        db.order(db.staging, 42, "11.00", "RELOADED", "2026-01-06 00:00:00");
        db.order(db.staging, 43, "11.00", "NEW", "2026-01-06 00:00:00");
        db.trackOrders();
        Instant loadStartedAt = Instant.now();
        String requestId = newRequestId();

        mergeWhileCdcHoldsTheRow("DELETE FROM " + db.production + ".orders WHERE order_id = 42",
                staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, loadStartedAt, db.orders()));

        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(db.productionOrders()).containsExactly("43:11.00:NEW:2026-01-06 00:00:00");
        assertThat(result.getSkippedDeleted()).isOne();
        assertThat(result.getInserted()).isOne();
    }

    @Test
    void anUpdateCommittingWhileTheMergeRunsWins() throws Exception {
        db.createOrders(true);
        db.order(db.production, 42, "10.00", "OPEN", "2026-01-05 00:00:00");
        db.order(db.staging, 42, "11.00", "RELOADED", "2026-01-06 00:00:00");
        db.trackOrders();
        Instant loadStartedAt = Instant.now();
        String requestId = newRequestId();

        mergeWhileCdcHoldsTheRow("UPDATE " + db.production + ".orders SET status = 'CDC', updated_at = '2026-01-07' WHERE order_id = 42",
                staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, loadStartedAt, db.orders()));

        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(db.productionOrders()).containsExactly("42:10.00:CDC:2026-01-07 00:00:00");
        assertThat(List.of(result.getUpdated(), result.getSkippedStale())).containsExactly(0L, 1L);
    }

    @Test
    void aTableWithoutWindowColumnKeepsWhatCdcChangedOrDeletedAfterTheLoad() {
        db.createOrders(true);
        db.order(db.production, 1, "10.00", "OPEN", "2026-01-05 00:00:00");
        db.order(db.production, 2, "20.00", "OPEN", "2026-01-05 00:00:00");
        db.order(db.production, 3, "30.00", "WRONG", "2026-01-05 00:00:00");
        db.order(db.staging, 1, "10.00", "OPEN", "2026-01-05 00:00:00");
        db.order(db.staging, 2, "20.00", "OPEN", "2026-01-05 00:00:00");
        db.order(db.staging, 3, "30.00", "RIGHT", "2026-01-05 00:00:00");
        db.trackOrders();
        Instant loadStartedAt = Instant.now();
        jdbc.update("UPDATE " + db.production + ".orders SET status = 'CDC-UPDATED' WHERE order_id = 1");
        jdbc.update("DELETE FROM " + db.production + ".orders WHERE order_id = 2");
        TableRef orders = db.table("orders", List.of("order_id"), null);
        String requestId = newRequestId();

        merger.onWindowStaged(staged(requestId, TaskKind.FULL_LOAD, null, loadStartedAt, orders));

        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(db.productionOrders()).containsExactly("1:10.00:CDC-UPDATED:2026-01-05 00:00:00", "3:30.00:RIGHT:2026-01-05 00:00:00");
        assertThat(List.of(result.getUpdated(), result.getSkippedStale(), result.getSkippedDeleted())).containsExactly(1L, 1L, 1L);
    }

    @Test
    void aTableWithoutWindowColumnKeepsAnUpdateThatCommitsWhileTheMergeWritesTheRow() throws Exception {
        db.createOrders(true);
        db.order(db.production, 1, "10.00", "WRONG", "2026-01-05 00:00:00");
        db.order(db.staging, 1, "10.00", "RELOADED", "2026-01-05 00:00:00");
        db.trackOrders();
        Instant loadStartedAt = Instant.now();
        TableRef orders = db.table("orders", List.of("order_id"), null);
        String requestId = newRequestId();

        mergeWhileCdcHoldsTheRow("UPDATE " + db.production + ".orders SET status = 'CDC' WHERE order_id = 1",
                staged(requestId, TaskKind.FULL_LOAD, null, loadStartedAt, orders));

        // the first attempt overwrote the row after the update committed, saw it in the log and rolled back
        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(db.productionOrders()).containsExactly("1:10.00:CDC:2026-01-05 00:00:00");
        assertThat(List.of(result.getUpdated(), result.getSkippedStale())).containsExactly(0L, 1L);
    }

    @Test
    void aCollateCKeyMerges() {
        String columns = "code text COLLATE \"C\" NOT NULL, label text, updated_at timestamp";
        jdbc.execute("CREATE TABLE " + db.production + ".codes (" + columns + ", PRIMARY KEY (code))");
        jdbc.execute("CREATE TABLE " + db.staging + ".codes (" + columns + ")");
        jdbc.update("INSERT INTO " + db.production + ".codes VALUES ('a', 'old', '2026-01-01'), ('B', 'old', '2026-01-01')");
        jdbc.update("INSERT INTO " + db.staging + ".codes VALUES ('a', 'new', '2026-01-02'), ('b', 'new', '2026-01-02')");
        String requestId = newRequestId();

        merger.onWindowStaged(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, db.table("codes", List.of("code"), "updated_at")));

        assertThat(jdbc.queryForList("SELECT code || ':' || label FROM " + db.production + ".codes ORDER BY code", String.class))
                .containsExactly("B:old", "a:new", "b:new");
        assertThat(topics.await(requestId, MergeCompleted.class, 1)).hasSize(1);
    }

    @Test
    void aLoadOlderThanTheChangeLogRetentionIsRefusedWithTheReason() {
        db.createOrders(true);
        db.order(db.staging, 1, "10.00", "RELOADED", "2026-01-05 00:00:00");
        db.trackOrders();
        String requestId = newRequestId();

        merger.onWindowStaged(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, Instant.now().minus(Duration.ofDays(8)), db.orders()));

        TaskFailed failed = topics.await(requestId, TaskFailed.class, 1).get(0);
        assertThat(failed.getStage()).isEqualTo(FailureStage.MERGE);
        assertThat(failed.getReason()).contains("before the change log's retention").contains("reload the window");
        assertThat(db.productionOrders()).isEmpty();
    }

    @Test
    void thePrunerKeepsChangesWithinTheRetentionAndSkipsUntrackedTables() throws Exception {
        db.createOrders(true);
        db.trackOrders();
        String log = "dmsflow_changes." + db.production + "__orders";
        jdbc.update("INSERT INTO " + log + " (order_id, dmsflow_op, dmsflow_changed_at) VALUES"
                + " (1, 'U', now() - interval '8 days'), (2, 'D', now() - interval '6 days'), (3, 'I', now())");

        long deleted = new ChangeLogPruner(dataSource).prune(List.of(new QualifiedName(db.production, "orders"),
                new QualifiedName(db.production, "untracked")), Instant.now().minus(Duration.ofDays(7)));

        assertThat(deleted).isOne();
        assertThat(jdbc.queryForList("SELECT order_id FROM " + log + " ORDER BY order_id", Long.class)).containsExactly(2L, 3L);
    }

    /**
     * CDC's statement runs in a second connection and holds its row locks; the merge starts, waits for them, then CDC
     * commits while the merge is inside its statement.
     */
    private void mergeWhileCdcHoldsTheRow(String cdcStatement, WindowStaged staged) throws Exception {
        try (Connection cdc = dataSource.getConnection(); Statement statement = cdc.createStatement()) {
            cdc.setAutoCommit(false);
            statement.execute(cdcStatement);
            CompletableFuture<Void> merge = CompletableFuture.runAsync(() -> merger.onWindowStaged(staged));
            awaitMergeWaitingForALock();
            cdc.commit();
            merge.get();
        }
    }

    private void awaitMergeWaitingForALock() {
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH updated%'", Long.class) > 0);
    }
}
