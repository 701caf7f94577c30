package dev.dmsflow.schema.staged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EngineType;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.StagedTable;
import dev.dmsflow.contracts.event.TableLoadStatistics;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.TopicProbe;
import dev.dmsflow.schema.SchemaServiceTest;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;

/** FullLoadCompleted in, WindowStaged or TaskFailed out, through the real broker against real staging tables. */
// its listener must be the only one consuming FullLoadCompleted, so its context does not outlive the class
@SchemaServiceTest
@DirtiesContext
class LoadVerifierIT {

    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    @Autowired
    KafkaTemplate<String, SpecificRecord> template;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    LoadVerifier verifier;

    private String staging;
    private String production;
    private TopicProbe<SpecificRecord> topics;

    @BeforeEach
    void setUp() {
        String id = UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        staging = "sv_lv_stg_" + id;
        production = "sv_lv_prod_" + id;
        jdbc.execute("CREATE SCHEMA " + staging);
        jdbc.execute("CREATE SCHEMA " + production);
        String columns = "order_id bigint NOT NULL, amount numeric(10,2), status varchar(20), updated_at timestamp, PRIMARY KEY (order_id)";
        jdbc.execute("CREATE TABLE " + production + ".orders (" + columns + ")");
        jdbc.execute("CREATE TABLE " + staging + ".orders (" + columns + ", _dms_loaded_at timestamptz NOT NULL DEFAULT now())");
        // two rows of the window (one at its last microsecond), one outside, one without a window value
        jdbc.update("INSERT INTO " + staging + ".orders (order_id, amount, status, updated_at) VALUES"
                + " (1, 10.00, 'A', '2026-01-01 00:00:00'), (2, 20.00, 'B', '2026-01-31 23:59:59.999999'),"
                + " (3, 30.00, 'C', '2026-02-01 00:00:00'), (4, 40.00, 'D', NULL)");
        topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.WINDOW_STAGED, Topics.ALERTS);
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void aLoadThatMatchesIsStagedWithItsPerTableCounts() {
        FullLoadCompleted load = load("req-" + UUID.randomUUID(), 2);

        template.send(Topics.FULL_LOAD_COMPLETED, requestId(load), load);

        WindowStaged staged = topics.await(requestId(load), WindowStaged.class, 1).get(0);
        StagedTable table = staged.getTables().get(0);
        assertThat(List.of(table.getFullLoadRows(), table.getStagedRows(), table.getOutsideWindowRows(), table.getNullWindowRows()))
                .containsExactly(2L, 2L, 1L, 1L);
        assertThat(staged.getHeader().getProducer()).isEqualTo("schema-service");
        assertThat(staged.getWindow()).isEqualTo(JANUARY);
        assertThat(staged.getLoadStartedAt()).isEqualTo(load.getStartedAt());
        assertThat(staged.getTables().get(0).getTable()).isEqualTo(orders());
        // the merge and validation that follow plan with what the load left in staging, not with older statistics
        assertThat(jdbc.queryForObject("SELECT reltuples FROM pg_class WHERE oid = ?::regclass", Double.class, staging + ".orders"))
                .isEqualTo(4.0);
    }

    @Test
    void aStagedCountThatDiffersFromFullLoadRowsFailsTheRunWithBothCounts() {
        FullLoadCompleted load = load("req-" + UUID.randomUUID(), 3);

        template.send(Topics.FULL_LOAD_COMPLETED, requestId(load), load);

        TaskFailed failed = topics.await(requestId(load), TaskFailed.class, 1).get(0);
        assertThat(failed.getStage()).isEqualTo(FailureStage.STAGING);
        assertThat(failed.getReason()).contains("orders: 2 row(s) of the window in " + staging + ".orders, but the engine reported FullLoadRows 3");
        assertThat(failed.getTables()).containsExactly("orders");
        assertThat(failed.getErrorType()).isEqualTo("RowCountMismatch");
        assertThat(failed.getRetryable()).isFalse();
        assertThat(topics.settle(requestId(load), WindowStaged.class, Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void aReplicatingLoadIsStagedWithTheRowsCdcWroteSinceItsFullLoadInFlight() {
        // the task loaded 3 rows of the whole table; its ongoing CDC has inserted one more since
        FullLoadCompleted load = load("req-" + UUID.randomUUID(), 3);
        load.setKind(TaskKind.FULL_LOAD_AND_CDC);
        load.setWindow(null);

        template.send(Topics.FULL_LOAD_COMPLETED, requestId(load), load);

        StagedTable table = topics.await(requestId(load), WindowStaged.class, 1).get(0).getTables().get(0);
        assertThat(List.of(table.getFullLoadRows(), table.getStagedRows(), table.getCdcInFlightRows())).containsExactly(3L, 4L, 1L);
        assertThat(topics.settle(requestId(load), TaskFailed.class, Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void aRepairRoundsLoadCountsEveryStagedRowAndCarriesItsScopeToTheMerge() {
        // the repair selected keys 1-4 whatever their window column: the rows outside the window and without a
        // window value are repaired too, so all 4 are the load's
        FullLoadCompleted load = load("req-" + UUID.randomUUID(), 4);
        load.getHeader().setAttempt(2);
        RepairScope scope = new RepairScope(1, List.of(TableRepairScope.newBuilder().setTable(orders())
                .setKeys(List.of("1", "2", "3", "4")).setRanges(List.of()).setDeletes(false).setDroppedKeys(0L).build()));
        load.setRepair(scope);

        template.send(Topics.FULL_LOAD_COMPLETED, requestId(load), load);

        WindowStaged staged = topics.await(requestId(load), WindowStaged.class, 1).get(0);
        assertThat(staged.getRepair()).isEqualTo(scope);
        assertThat(staged.getHeader().getAttempt()).isEqualTo(2);
        assertThat(staged.getTables().get(0).getStagedRows()).isEqualTo(4L);
        assertThat(topics.settle(requestId(load), TaskFailed.class, Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void typeDriftFailsTheRunNamingTheColumns() {
        jdbc.execute("ALTER TABLE " + staging + ".orders ALTER COLUMN amount TYPE numeric(12,2), ADD COLUMN extra text");
        FullLoadCompleted load = load("req-" + UUID.randomUUID(), 2);

        template.send(Topics.FULL_LOAD_COMPLETED, requestId(load), load);

        TaskFailed failed = topics.await(requestId(load), TaskFailed.class, 1).get(0);
        assertThat(failed.getReason())
                .contains("orders.amount: PRECISION MISMATCH (production " + production + ".orders numeric(10,2), staging " + staging + ".orders numeric(12,2))")
                .contains("orders.extra: MISSING IN TARGET");
        assertThat(failed.getErrorType()).isEqualTo("TypeDrift");
        assertThat(topics.settle(requestId(load), WindowStaged.class, Duration.ofMillis(500))).isEmpty();
    }

    @Test
    void aRedeliveredLoadRepublishesTheSameOutcomeWithoutCheckingAgain() {
        FullLoadCompleted load = load("req-" + UUID.randomUUID(), 2);
        template.send(Topics.FULL_LOAD_COMPLETED, requestId(load), load);
        WindowStaged first = topics.await(requestId(load), WindowStaged.class, 1).get(0);
        // would change the counts if the run were checked again
        jdbc.update("INSERT INTO " + staging + ".orders (order_id, updated_at) VALUES (5, '2026-01-10')");

        template.send(Topics.FULL_LOAD_COMPLETED, requestId(load), load);

        assertThat(topics.await(requestId(load), WindowStaged.class, 2)).containsExactly(first, first);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM schema_service.staged_runs WHERE request_id = ?", Long.class, requestId(load))).isOne();
    }

    @Test
    void aMissingStagingTableFailsTheRunNamingIt() {
        jdbc.execute("DROP TABLE " + staging + ".orders");
        FullLoadCompleted load = load("req-" + UUID.randomUUID(), 2);

        template.send(Topics.FULL_LOAD_COMPLETED, requestId(load), load);

        assertThat(topics.await(requestId(load), TaskFailed.class, 1).get(0).getReason())
                .contains("staging table " + staging + ".orders does not exist");
    }

    @Test
    void twoConcurrentDeliveriesOfALoadStageItOnceAndNeitherFailsTheRun() throws Exception {
        FullLoadCompleted load = load("req-" + UUID.randomUUID(), 2);
        String requestId = requestId(load);
        CompletableFuture<Void> first;
        CompletableFuture<Void> second;
        // the test holds the run's lock, so both deliveries (two instances, or a redelivery overlapping the first) wait for it
        String key = "hashtextextended('dmsflow.schema-run:" + requestId + "', 0)";
        try (Connection holder = dataSource.getConnection(); Statement statement = holder.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(" + key + ")");
            first = CompletableFuture.runAsync(() -> verifier.onFullLoadCompleted(load));
            second = CompletableFuture.runAsync(() -> verifier.onFullLoadCompleted(load));
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'", Long.class) == 2);
            statement.execute("SELECT pg_advisory_unlock(" + key + ")");
        }
        CompletableFuture.allOf(first, second).get(60, TimeUnit.SECONDS);

        // one outcome, recorded once; the delivery that waited publishes it again
        List<WindowStaged> staged = topics.await(requestId, WindowStaged.class, 2);
        assertThat(staged.get(1)).isEqualTo(staged.get(0));
        assertThat(topics.settle(requestId, TaskFailed.class, Duration.ofMillis(500))).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM schema_service.staged_runs WHERE request_id = ?", Long.class, requestId)).isOne();
    }

    private TableRef orders() {
        return TableRef.newBuilder().setName("orders").setSourceSchema("APP").setSourceTable("ORDERS")
                .setStagingSchema(staging).setStagingTable("orders").setTargetSchema(production).setTargetTable("orders")
                .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
    }

    private FullLoadCompleted load(String requestId, long fullLoadRows) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return FullLoadCompleted.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, now, "test", 1))
                .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(JANUARY).setEngine(EngineType.values()[0])
                .setTables(List.of(TableLoadStatistics.newBuilder().setTable(orders()).setFullLoadRows(fullLoadRows)
                        .setTableState("Table completed").build()))
                .setStartedAt(now.minusSeconds(60)).setFinishedAt(now)
                .build();
    }

    private static String requestId(FullLoadCompleted load) {
        return load.getHeader().getRequestId();
    }
}
