package dev.dmsflow.merge.repair;

import static dev.dmsflow.merge.MergeFixture.JANUARY;
import static dev.dmsflow.merge.MergeFixture.newRequestId;
import static dev.dmsflow.merge.MergeFixture.staged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.KeyBounds;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRepairScope;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
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
 * A repair round merged after a window reload left production damaged: the source's copy of the scope's keys wins,
 * on equal versions too, rows the source lacks go (when allowed), and what CDC did after the load started stays.
 */
@MergeServiceTest
@TestPropertySource(properties = "spring.kafka.listener.auto-startup=false")
class RepairMergeIT {

    private static final String COLUMNS = "order_id, customer_id, amount, status, order_date, updated_at";
    private static final String PLANTED = "order_id BETWEEN 21 AND 40 OR order_id BETWEEN 201 AND 220"
            + " OR order_id BETWEEN 301 AND 310";

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

    @ParameterizedTest(name = "deletes: {0}")
    @ValueSource(booleans = {true, false})
    void theSourceCopyOfTheKeysWinsOnEqualVersionsAndCdcChangesStay(boolean deletes) {
        plantDamage();
        String others = hash("NOT (" + PLANTED + ")");
        Instant loadStartedAt = Instant.now();
        // CDC after the load started (a plain session: the trigger logs it), with the row's version unchanged
        jdbc.update("UPDATE " + prod() + " SET status = 'CDC' WHERE order_id = 26");
        jdbc.update("DELETE FROM " + prod() + " WHERE order_id = 31");
        String cdcRow = rows(prod(), "order_id = 26").get(0);
        String requestId = newRequestId();
        WindowStaged event = repair(staged(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, loadStartedAt, db.orders()),
                plantedKeys(deletes));

        merger.onWindowStaged(event);

        MergeCompleted completed = topics.await(requestId, MergeCompleted.class, 1).get(0);
        assertThat(completed.getRepair()).isEqualTo(event.getRepair());
        assertThat(completed.getKind()).isEqualTo(TaskKind.TIME_WINDOW_RELOAD);
        // staged, inserted, updated, skippedStale (CDC's update), skippedDeleted (CDC's delete), duplicates, deleted,
        // keptAbsent
        assertThat(counts(completed.getTables().get(0)))
                .containsExactly(40L, 20L, 18L, 1L, 1L, 0L, deletes ? 10L : 0L, deletes ? 0L : 10L);
        String repaired = "(order_id BETWEEN 21 AND 40 OR order_id BETWEEN 201 AND 220) AND order_id NOT IN (26, 31)";
        assertThat(rows(prod(), repaired)).hasSize(38).isEqualTo(rows(stg(), repaired));
        assertThat(rows(prod(), "order_id IN (26, 31)")).containsExactly(cdcRow);
        assertThat(rows(prod(), "order_id BETWEEN 301 AND 310")).hasSize(deletes ? 0 : 10);
        assertThat(rows(prod(), "order_id = 50")).doesNotContainAnyElementsOf(rows(stg(), "order_id = 50"));
        assertThat(hash("NOT (" + PLANTED + ")")).isEqualTo(others);
        // the repair's own writes are not CDC's: only CDC's two changes are in the log
        assertThat(jdbc.queryForList("SELECT order_id || ':' || dmsflow_op FROM dmsflow_changes." + db.production
                + "__orders ORDER BY order_id", String.class)).containsExactly("26:U", "31:D");
        assertThat(jdbc.queryForMap("SELECT records_deleted, records_kept_absent FROM admin.merge_logs"
                + " WHERE request_id = ?", requestId))
                .containsEntry("records_deleted", deletes ? 10L : 0L)
                .containsEntry("records_kept_absent", deletes ? 0L : 10L);
        assertThat(jdbc.queryForObject("SELECT notes FROM admin.merge_summary WHERE request_id = ?", String.class,
                requestId))
                .startsWith("Merged repair round 1 of TIME_WINDOW_RELOAD run")
                .contains(deletes ? "10 deleted, 0 kept absent" : "0 deleted, 10 kept absent");
    }

    // CDC commits while the repair waits for its row locks: the repair overwrites an equal-version update and deletes
    // a row CDC just updated, sees both in the log, rolls back, and its next attempt leaves them to CDC
    @Test
    void cdcCommittingWhileTheRepairWritesTheRowsWins() throws Exception {
        plantDamage();
        Instant loadStartedAt = Instant.now();
        String requestId = newRequestId();
        WindowStaged event = repair(staged(requestId, TaskKind.FULL_LOAD, null, loadStartedAt, db.orders()),
                plantedKeys(true));

        try (Connection cdc = dataSource.getConnection(); Statement statement = cdc.createStatement()) {
            cdc.setAutoCommit(false);
            statement.execute("UPDATE " + prod() + " SET status = 'CDC' WHERE order_id IN (22, 305)");
            CompletableFuture<Void> merge = CompletableFuture.runAsync(() -> merger.onWindowStaged(event));
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT count(*)"
                    + " FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH staged%'",
                    Long.class) > 0);
            cdc.commit();
            merge.get();
        }

        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(counts(result)).containsExactly(40L, 20L, 19L, 1L, 0L, 0L, 9L, 1L);
        assertThat(jdbc.queryForList("SELECT order_id FROM " + prod() + " WHERE status = 'CDC' ORDER BY order_id",
                Long.class)).containsExactly(22L, 305L);
    }

    @Test
    void aRangeIsHalfOpenAndProductionRowsTheSourceLacksAreLookedForInTheWindowOnly() {
        db.createOrders(false);
        production(1, 200);
        // the repair load of [100, 150): DMS's between also stages 150
        jdbc.update("INSERT INTO " + stg() + " (" + COLUMNS + ") SELECT " + COLUMNS + " FROM " + prod()
                + " WHERE order_id BETWEEN 100 AND 150");
        jdbc.update("UPDATE " + stg() + " SET status = 'AT-TO' WHERE order_id = 150");
        // the source's copy of 125 is newer and has left the window: still written
        jdbc.update("UPDATE " + stg() + " SET status = 'MOVED', updated_at = '2026-03-01' WHERE order_id = 125");
        // an older second copy of 110 (no unique key in staging): dropped as a duplicate
        jdbc.update("INSERT INTO " + stg() + " (" + COLUMNS + ") SELECT order_id, customer_id, amount, 'OLDER',"
                + " order_date, updated_at - interval '1 day' FROM " + stg() + " WHERE order_id = 110");
        // the source lacks 140 (in the window) and 145 (production's copy is outside the window: not validated, kept)
        jdbc.update("DELETE FROM " + stg() + " WHERE order_id IN (140, 145)");
        jdbc.update("UPDATE " + prod() + " SET updated_at = '2025-12-15' WHERE order_id = 145");
        damage("status = 'DAMAGED'", 110, 110);
        damage("amount = 0.5", 120, 120);
        jdbc.update("DELETE FROM " + prod() + " WHERE order_id = 130");
        db.trackOrders();
        String outside = "order_id NOT BETWEEN 100 AND 149 OR order_id = 145";
        String others = hash(outside);
        TableRepairScope table = TableRepairScope.newBuilder().setTable(db.orders()).setKeys(List.of())
                .setRanges(List.of(new KeyBounds("100", "150"))).setDeletes(true).build();
        String requestId = newRequestId();

        merger.onWindowStaged(repair(staged(requestId, TaskKind.VALIDATE_ONLY, JANUARY, Instant.now(), db.orders()),
                table));

        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        // 48 keys staged in the range and 110's older copy; the 44 equal rows are counted as nothing
        assertThat(counts(result)).containsExactly(49L, 1L, 3L, 0L, 0L, 1L, 1L, 0L);
        String repaired = "order_id BETWEEN 100 AND 149 AND order_id <> 145";
        assertThat(rows(prod(), repaired)).hasSize(48).isEqualTo(rows(stg(), repaired + " AND status <> 'OLDER'"));
        assertThat(rows(prod(), "order_id = 125")).allMatch(row -> row.contains("MOVED"));
        assertThat(rows(prod(), "order_id = 150")).doesNotContainAnyElementsOf(rows(stg(), "order_id = 150"));
        assertThat(hash(outside)).isEqualTo(others);
    }

    /**
     * A window state with planted damage, the repair load staged and a change log: keys 1-200 as the source has them
     * but for 20 equal-version content differences (21-40), 20 keys missing (201-220, the source's 220 has left the
     * window), 10 keys the source lacks (301-310); staging holds the source rows of 21-40 and 201-220, and 50, which
     * is outside the scope.
     */
    private void plantDamage() {
        db.createOrders(true);
        production(1, 200);
        production(301, 310);
        jdbc.update("INSERT INTO " + stg() + " (" + COLUMNS + ") SELECT " + COLUMNS + " FROM " + prod()
                + " WHERE order_id BETWEEN 21 AND 40");
        jdbc.update("INSERT INTO " + stg() + " (" + COLUMNS + ") SELECT g, g * 10, g + 0.25, 'SOURCE', '2026-01-02',"
                + " '2026-01-01'::timestamp + g * interval '1 hour' FROM generate_series(201, 220) g");
        jdbc.update("UPDATE " + stg() + " SET updated_at = '2026-02-10' WHERE order_id = 220");
        jdbc.update("UPDATE " + stg() + " SET customer_id = NULL WHERE order_id IN (39, 40)");
        jdbc.update("INSERT INTO " + stg() + " (" + COLUMNS + ") VALUES (50, 1, 1, 'OUT-OF-SCOPE', '2026-01-02',"
                + " '2026-01-20')");
        damage("amount = amount + 1.5", 21, 25);
        damage("status = 'DAMAGED'", 26, 30);
        damage("order_date = order_date + interval '3 days 7 seconds'", 31, 35);
        damage("customer_id = NULL", 36, 38);
        db.trackOrders();
    }

    private TableRepairScope plantedKeys(boolean deletes) {
        List<String> keys = LongStream.concat(LongStream.concat(LongStream.rangeClosed(21, 40),
                LongStream.rangeClosed(201, 220)), LongStream.rangeClosed(301, 310)).mapToObj(Long::toString).toList();
        return TableRepairScope.newBuilder().setTable(db.orders()).setKeys(keys).setDeletes(deletes).build();
    }

    /** Production rows from-to as the source has them, in January. */
    private void production(long from, long to) {
        jdbc.update("INSERT INTO " + prod() + " (" + COLUMNS + ") SELECT g, g * 10, g + 0.25, 'SOURCE', '2026-01-02',"
                + " '2026-01-01'::timestamp + g * interval '1 hour' FROM generate_series(?, ?) g", from, to);
    }

    /** Content damage that leaves the version (updated_at) as it was; before the change log exists, so not CDC. */
    private void damage(String set, long from, long to) {
        jdbc.update("UPDATE " + prod() + " SET " + set + " WHERE order_id BETWEEN ? AND ?", from, to);
    }

    private static WindowStaged repair(WindowStaged staged, TableRepairScope table) {
        return WindowStaged.newBuilder(staged).setRepair(new RepairScope(1, List.of(table))).build();
    }

    private String prod() {
        return db.production + ".orders";
    }

    private String stg() {
        return db.staging + ".orders";
    }

    private List<String> rows(String table, String where) {
        return jdbc.queryForList("SELECT ROW(" + COLUMNS + ")::text FROM " + table + " WHERE " + where
                + " ORDER BY order_id", String.class);
    }

    private String hash(String where) {
        return jdbc.queryForObject("SELECT md5(string_agg(ROW(" + COLUMNS + ")::text, ',' ORDER BY order_id)) FROM "
                + prod() + " WHERE " + where, String.class);
    }

    private static List<Long> counts(TableMergeResult result) {
        return List.of(result.getStagedRows(), result.getInserted(), result.getUpdated(), result.getSkippedStale(),
                result.getSkippedDeleted(), result.getDuplicates(), result.getDeleted(), result.getKeptAbsent());
    }
}
