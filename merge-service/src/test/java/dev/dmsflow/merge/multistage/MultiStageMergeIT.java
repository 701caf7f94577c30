package dev.dmsflow.merge.multistage;

import static dev.dmsflow.merge.MergeFixture.JANUARY;
import static dev.dmsflow.merge.MergeFixture.newRequestId;
import static dev.dmsflow.merge.MergeFixture.staged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.TopicProbe;
import dev.dmsflow.merge.MergeServiceTest;
import dev.dmsflow.merge.run.RunMerger;
import dev.dmsflow.merge.window.MergeCounts;
import dev.dmsflow.merge.window.TableShapes;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/** View (staging ⋈ a table of database 2 over postgres_fdw) → final table, and the sync trigger. */
@MergeServiceTest
@TestPropertySource(properties = "spring.kafka.listener.auto-startup=false")
class MultiStageMergeIT {

    @Autowired
    RunMerger merger;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    MigrationCatalog catalog;

    private final DmsflowInfrastructure infra = DmsflowInfrastructure.shared();
    private final JdbcTemplate db2 = new JdbcTemplate(infra.dataSource(Database.DB2));
    private TopicProbe<SpecificRecord> topics;

    /** The structures schema-service provisions for the catalog's orders_enriched, built here by hand. */
    @BeforeEach
    void provision() {
        // a new table each test, so its scan counters start at zero; no index, whose build would count as a scan
        db2.execute("DROP TABLE IF EXISTS public.ms_customers");
        db2.execute("CREATE TABLE public.ms_customers (customer_id bigint, name text)");
        db2.update("INSERT INTO public.ms_customers VALUES (1, 'Ada'), (2, 'Grace')");
        jdbc.execute("DROP SCHEMA IF EXISTS ms_staging CASCADE");
        jdbc.execute("DROP SCHEMA IF EXISTS ms_target CASCADE");
        jdbc.execute("DROP SERVER IF EXISTS ms_db2 CASCADE");
        jdbc.execute("CREATE SCHEMA ms_staging");
        jdbc.execute("CREATE SCHEMA ms_target");
        jdbc.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw");
        jdbc.execute("CREATE SERVER ms_db2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'localhost', port '"
                + infra.postgresPort() + "', dbname '" + Database.DB2.databaseName() + "')");
        jdbc.execute("CREATE USER MAPPING FOR CURRENT_USER SERVER ms_db2 OPTIONS (user '" + DmsflowInfrastructure.USER + "')");
        jdbc.execute("CREATE FOREIGN TABLE ms_staging.customers_db2 (customer_id bigint, name text) SERVER ms_db2"
                + " OPTIONS (schema_name 'public', table_name 'ms_customers')");
        jdbc.execute("CREATE TABLE ms_staging.orders (order_id bigint, customer_id bigint, amount numeric(10,2), status varchar(20),"
                + " order_date timestamp, updated_at timestamp)");
        jdbc.execute("CREATE VIEW ms_staging.orders_enriched_v AS SELECT s.order_id, s.amount, s.updated_at, f.name AS customer_name"
                + " FROM ms_staging.orders s JOIN ms_staging.customers_db2 f ON s.customer_id = f.customer_id");
        jdbc.execute("CREATE TABLE ms_target.orders_enriched (order_id bigint PRIMARY KEY, amount numeric(10,2), updated_at timestamp,"
                + " customer_name text, migration_timestamp timestamp DEFAULT CURRENT_TIMESTAMP)");
        topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.MERGE_COMPLETED);
    }

    @AfterEach
    void tearDown() {
        topics.close();
    }

    @Test
    void loadsTheCrossDatabaseViewIntoTheFinalTableNewerWinsThenKeepsItInSync() {
        stageJanuaryAndFinal();
        String requestId = newRequestId();

        merger.onWindowStaged(multiStage(requestId));

        assertThat(finalRows()).containsExactly("1:10.00:Ada (newer)", "2:22.00:Grace", "4:44.00:Ada");
        MergeCompleted completed = topics.await(requestId, MergeCompleted.class, 1).get(0);
        TableMergeResult result = completed.getTables().get(0);
        assertThat(result.getTable().getName()).isEqualTo("orders_enriched");
        assertThat(result.getTable().getStagingTable()).isEqualTo("orders_enriched_v");
        assertThat(result.getTable().getTargetTable()).isEqualTo("orders_enriched");
        // order 3 has no customer in database 2, so the view does not have it
        assertThat(List.of(result.getStagedRows(), result.getInserted(), result.getUpdated(), result.getSkippedStale()))
                .containsExactly(3L, 1L, 1L, 1L);
        assertThat(jdbc.queryForObject("SELECT source_table FROM admin.merge_logs WHERE request_id = ?", String.class, requestId))
                .isEqualTo("ms_staging.orders_enriched_v");

        // CDC keeps writing the staging table: the triggers carry its changes into the final table, newer-wins
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES (5, 2, 55.00, '2026-02-02')");
        jdbc.update("UPDATE ms_staging.orders SET amount = 45.00, updated_at = '2026-02-03' WHERE order_id = 4");
        jdbc.update("UPDATE ms_staging.orders SET amount = 9.99, updated_at = '2026-01-01' WHERE order_id = 1");
        assertThat(finalRows()).containsExactly("1:10.00:Ada (newer)", "2:22.00:Grace", "4:45.00:Ada", "5:55.00:Grace");

        // deletes: a key staging no longer holds leaves the final table; one it still holds (a second row) stays
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES (5, 2, 50.00, '2026-01-30')");
        jdbc.update("DELETE FROM ms_staging.orders WHERE order_id = 2 OR (order_id = 5 AND amount = 50.00)");
        assertThat(finalRows()).containsExactly("1:10.00:Ada (newer)", "4:45.00:Ada", "5:55.00:Grace");
        // an update that changes the key moves the final row
        jdbc.update("UPDATE ms_staging.orders SET order_id = 6, updated_at = '2026-02-04' WHERE order_id = 4");
        assertThat(finalRows()).containsExactly("1:10.00:Ada (newer)", "5:55.00:Grace", "6:45.00:Ada");
    }

    @Test
    void aCdcStatementOfManyRowsReachesDatabase2OnceAndIsUpsertedAsOneSet() throws Exception {
        installSync(catalog.multiStage("orders_enriched").orElseThrow());

        try (Connection cdc = infra.dataSource(Database.DB1).getConnection(); Statement statement = cdc.createStatement()) {
            statement.executeUpdate("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at)"
                    + " SELECT g, 1 + g % 2, g, '2026-02-10' FROM generate_series(1, 1000) g");
            statement.executeUpdate("UPDATE ms_staging.orders SET amount = amount + 0.5, updated_at = '2026-02-11' WHERE order_id <= 500");
            // older than what the final table holds: not carried
            statement.executeUpdate("UPDATE ms_staging.orders SET amount = 0, updated_at = '2026-02-01' WHERE order_id > 990");
            // no row: no query
            statement.executeUpdate("UPDATE ms_staging.orders SET amount = 0 WHERE order_id < 0");
            // the remote session ends, so database 2 publishes its statistics
            statement.execute("SELECT postgres_fdw_disconnect_all()");
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(db2Scans()).isGreaterThanOrEqualTo(3));
        assertThat(db2Scans()).as("remote scans of database 2's table: one per statement with rows").isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT count(*) || ':' || sum(amount) || ':' || count(*) FILTER (WHERE customer_name = 'Ada')"
                + " || ':' || max(updated_at) FROM ms_target.orders_enriched", String.class))
                .containsExactly("1000:500750.00:500:2026-02-11 00:00:00");
    }

    @Test
    void aMarkedReloadOfTheStagingTableMakesNoQueryToDatabase2AndLeavesTheFinalTableAlone() throws Exception {
        stageJanuaryAndFinal();
        merger.onWindowStaged(multiStage(newRequestId()));
        List<String> before = finalRows();
        assertThat(before).hasSize(3);

        try (Connection loader = loaderSession()) {
            reload(loader, 100_000);
            try (Statement statement = loader.createStatement()) {
                statement.executeUpdate("UPDATE ms_staging.orders SET amount = 1 WHERE order_id <= 10");
                statement.executeUpdate("DELETE FROM ms_staging.orders WHERE order_id <= 2");
            }
            loader.commit();
            try (Statement statement = loader.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT count(*) FROM postgres_fdw_get_connections()")) {
                rs.next();
                assertThat(rs.getInt(1)).as("connections this session opened to database 2").isZero();
            }
        }

        assertThat(jdbc.queryForObject("SELECT count(*) FROM ms_staging.orders", Long.class)).isEqualTo(99_998L);
        assertThat(finalRows()).isEqualTo(before);
    }

    @Test
    void aMarkedReloadSucceedsWhileDatabase2IsDown() throws Exception {
        stageJanuaryAndFinal();
        merger.onWindowStaged(multiStage(newRequestId()));
        List<String> before = finalRows();
        jdbc.execute("ALTER SERVER ms_db2 OPTIONS (SET port '1')");

        try (Connection loader = loaderSession()) {
            reload(loader, 1_000);
            try (Statement statement = loader.createStatement()) {
                statement.executeUpdate("UPDATE ms_staging.orders SET amount = 1 WHERE order_id <= 10");
                statement.executeUpdate("DELETE FROM ms_staging.orders WHERE order_id <= 2");
            }
            loader.commit();
        }
        jdbc.execute("TRUNCATE ms_staging.orders");

        assertThat(finalRows()).isEqualTo(before);
        // CDC, unmarked, does need database 2: its statement fails rather than leave the final table behind
        assertThatThrownBy(() -> jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at)"
                + " VALUES (7, 1, 7.00, '2026-02-02')"))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("ms_db2");
    }

    @Test
    void aConcurrentInsertIntoTheFinalTableDoesNotFailTheViewToFinalMergeAndNewerWins() throws Exception {
        stageJanuaryAndFinal();
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES (5, 2, 55.00, '2026-01-15')");
        MergeCounts counts = mergeBesideAConcurrentInsertOf4And5();
        assertThat(List.of(counts.staged(), counts.inserted(), counts.updated(), counts.skippedStale(), counts.duplicates()))
                .containsExactly(4L, 0L, 2L, 2L, 0L);
        assertThat(finalRows()).containsExactly("1:10.00:Ada (newer)", "2:22.00:Grace", "4:40.00:Ada (concurrent, newer)", "5:55.00:Grace");
    }

    /** The first load of a window into a final table without its keys: inserted as the view has it, counted alike. */
    @Test
    void aWindowWhoseKeysTheFinalTableLacksIsInsertedAsTheViewHasIt() {
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES"
                + " (1, 1, 11.00, '2026-01-10'), (2, 2, 22.00, '2026-01-10'), (3, 9, 33.00, '2026-01-10'), (4, 1, 44.00, '2026-02-10')");
        // December's rows are there already, with keys below the staged ones
        jdbc.update("INSERT INTO ms_target.orders_enriched (order_id, amount, updated_at, customer_name) VALUES (-1, 1.00, '2025-12-10', 'Ada')");
        String requestId = newRequestId();

        merger.onWindowStaged(multiStage(requestId));

        // order 3 has no customer, order 4 is outside the window
        assertThat(finalRows()).containsExactly("-1:1.00:Ada", "1:11.00:Ada", "2:22.00:Grace");
        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(List.of(result.getStagedRows(), result.getInserted(), result.getUpdated(), result.getSkippedStale(), result.getDuplicates()))
                .containsExactly(2L, 2L, 0L, 0L, 0L);
    }

    /** A key the view yields twice ends the plain insert; the upsert then keeps the newest of the two. */
    @Test
    void aKeyTheViewYieldsTwiceIntoAFinalTableWithoutItsKeysKeepsTheNewest() {
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES"
                + " (1, 1, 11.00, '2026-01-10'), (1, 1, 15.00, '2026-01-15'), (2, 2, 22.00, '2026-01-10')");
        String requestId = newRequestId();

        merger.onWindowStaged(multiStage(requestId));

        assertThat(finalRows()).containsExactly("1:15.00:Ada", "2:22.00:Grace");
        TableMergeResult result = topics.await(requestId, MergeCompleted.class, 1).get(0).getTables().get(0);
        assertThat(List.of(result.getStagedRows(), result.getInserted(), result.getUpdated(), result.getDuplicates()))
                .containsExactly(3L, 2L, 0L, 1L);
    }

    /** Into a final table without the window's keys, a concurrent insert of some of them still ends newer-wins. */
    @Test
    void aConcurrentInsertIntoAFinalTableWithoutTheWindowsKeysEndsNewerWins() throws Exception {
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES"
                + " (1, 1, 11.00, '2026-01-10'), (2, 2, 22.00, '2026-01-10'), (4, 1, 44.00, '2026-01-10'), (5, 2, 55.00, '2026-01-15')");
        MergeCounts counts = mergeBesideAConcurrentInsertOf4And5();
        assertThat(List.of(counts.staged(), counts.inserted(), counts.updated(), counts.skippedStale(), counts.duplicates()))
                .containsExactly(4L, 2L, 1L, 1L, 0L);
        assertThat(finalRows()).containsExactly("1:11.00:Ada", "2:22.00:Grace", "4:40.00:Ada (concurrent, newer)", "5:55.00:Grace");
    }

    @Test
    void theSyncTriggerIsRemovedCleanlyWhenTheCatalogNoLongerAsksForIt() throws Exception {
        merger.onWindowStaged(multiStage(newRequestId()));
        assertThat(triggerObjects()).containsExactly(
                "dmsflow_sync_orders_enriched_del:A:statement", "dmsflow_sync_orders_enriched_ins:A:statement",
                "dmsflow_sync_orders_enriched_upd:A:statement", "function dmsflow_sync_orders_enriched");
        MultiStageDefinition withSync = catalog.multiStage("orders_enriched").orElseThrow();
        MultiStageDefinition withoutSync = new MultiStageDefinition(withSync.name(), withSync.stagingTable(), withSync.foreignServer(),
                withSync.foreignTable(), withSync.view(), withSync.finalTable(), false);

        installSync(withoutSync);

        assertThat(triggerObjects()).isEmpty();
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES (6, 1, 66.00, '2026-02-02')");
        assertThat(finalRows()).noneMatch(row -> row.startsWith("6:"));
    }

    @Test
    void theRowTriggerOfEarlierVersionsIsReplaced() throws Exception {
        jdbc.execute("CREATE FUNCTION ms_staging.dmsflow_sync_orders_enriched() RETURNS trigger LANGUAGE plpgsql AS"
                + " $$BEGIN RAISE EXCEPTION 'row trigger fired'; END$$");
        jdbc.execute("CREATE TRIGGER dmsflow_sync_orders_enriched AFTER INSERT OR UPDATE ON ms_staging.orders"
                + " FOR EACH ROW EXECUTE FUNCTION ms_staging.dmsflow_sync_orders_enriched()");

        installSync(catalog.multiStage("orders_enriched").orElseThrow());

        assertThat(triggerObjects()).hasSize(4).noneMatch(o -> o.startsWith("dmsflow_sync_orders_enriched:"));
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES (6, 1, 66.00, '2026-02-02')");
        assertThat(finalRows()).containsExactly("6:66.00:Ada");
    }

    /**
     * The view → final merge of January while another session has inserted keys 4 (newer than staging) and 5 (older)
     * into the final table and not committed: the merge must wait for it, then it commits.
     */
    private MergeCounts mergeBesideAConcurrentInsertOf4And5() throws Exception {
        MultiStageDefinition definition = catalog.multiStage("orders_enriched").orElseThrow();
        ViewToFinalMerge step = new ViewToFinalMerge(definition, catalog.table("orders").orElseThrow().toTableRef(), 5, new TableShapes());
        try (Connection other = infra.dataSource(Database.DB1).getConnection(); Statement statement = other.createStatement()) {
            other.setAutoCommit(false);
            statement.executeUpdate("INSERT INTO ms_target.orders_enriched (order_id, amount, updated_at, customer_name) VALUES"
                    + " (4, 40.00, '2026-03-01', 'Ada (concurrent, newer)'), (5, 50.00, '2026-01-05', 'Grace (concurrent, older)')");
            int otherPid = pid(other);
            CompletableFuture<MergeCounts> merge = CompletableFuture.supplyAsync(() -> {
                try (Connection connection = dataSource.getConnection()) {
                    connection.setAutoCommit(false);
                    MergeCounts counts = step.execute(connection, JANUARY);
                    connection.commit();
                    return counts;
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> merge.isDone() || jdbc.queryForObject(
                    "SELECT count(*) FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))", Integer.class, otherPid) > 0);
            assertThat(merge).as("the merge waits for the concurrent insert").isNotDone();
            other.commit();
            return merge.get(30, TimeUnit.SECONDS);
        }
    }

    private void stageJanuaryAndFinal() {
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES"
                + " (1, 1, 11.00, '2026-01-10'), (2, 2, 22.00, '2026-01-10'), (3, 9, 33.00, '2026-01-10'), (4, 1, 44.00, '2026-01-10')");
        jdbc.update("INSERT INTO ms_target.orders_enriched (order_id, amount, updated_at, customer_name) VALUES"
                + " (1, 10.00, '2026-01-20', 'Ada (newer)'), (2, 20.00, '2026-01-02', 'Grace (older)')");
    }

    private void installSync(MultiStageDefinition definition) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            new SyncTrigger(definition, new ViewToFinalMerge(definition, null, 0, new TableShapes()).shape(connection),
                    new QualifiedName("ms_staging", "orders")).apply(connection);
        }
    }

    /** A session as dmsflow's loaders open one: marked, so the sync triggers leave its statements alone. */
    private Connection loaderSession() throws SQLException {
        Connection loader = infra.dataSource(Database.DB1).getConnection();
        loader.setAutoCommit(false);
        try (Statement statement = loader.createStatement()) {
            statement.execute("SET dmsflow.writer = 'load'");
        }
        return loader;
    }

    /** What the local engine does with TRUNCATE_BEFORE_LOAD: truncate, then COPY the rows (here in one transaction). */
    private static void reload(Connection loader, int rows) throws Exception {
        try (Statement statement = loader.createStatement()) {
            statement.execute("TRUNCATE ms_staging.orders");
        }
        StringBuilder copy = new StringBuilder(rows * 48);
        for (int i = 1; i <= rows; i++) {
            copy.append(i).append('\t').append(1 + i % 2).append('\t').append(i % 1000).append(".50\tNEW\t2026-01-05 10:00:00\t2026-01-")
                    .append(10 + i % 20).append(" 12:00:00\n");
        }
        long copied = loader.unwrap(PGConnection.class).getCopyAPI().copyIn(
                "COPY ms_staging.orders (order_id, customer_id, amount, status, order_date, updated_at) FROM STDIN", new StringReader(copy.toString()));
        assertThat(copied).isEqualTo(rows);
    }

    private static int pid(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Scans of database 2's table (each remote query is one), as database 2's statistics have them. */
    private long db2Scans() {
        return db2.queryForObject("SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relid = 'public.ms_customers'::regclass",
                Long.class);
    }

    private WindowStaged multiStage(String requestId) {
        WindowStaged staged = staged(requestId, TaskKind.MULTI_STAGE, JANUARY, catalog.table("orders").orElseThrow().toTableRef());
        staged.setMultiStage("orders_enriched");
        return staged;
    }

    private List<String> finalRows() {
        return jdbc.queryForList("SELECT order_id || ':' || amount || ':' || customer_name FROM ms_target.orders_enriched ORDER BY order_id", String.class);
    }

    /** The sync triggers on staging (name:enabled:level) and their function. */
    private List<String> triggerObjects() {
        return jdbc.queryForList("SELECT tgname || ':' || tgenabled::text || ':' || CASE WHEN tgtype & 1 = 1 THEN 'row' ELSE 'statement' END"
                + " FROM pg_trigger WHERE tgname LIKE 'dmsflow\\_sync\\_%'"
                + " UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE 'dmsflow\\_sync\\_%' ORDER BY 1", String.class);
    }
}
