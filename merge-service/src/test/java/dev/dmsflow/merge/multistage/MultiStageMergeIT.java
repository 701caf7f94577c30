package dev.dmsflow.merge.multistage;

import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.TopicProbe;
import org.apache.avro.specific.SpecificRecord;
import static dev.dmsflow.merge.MergeFixture.JANUARY;
import static dev.dmsflow.merge.MergeFixture.newRequestId;
import static dev.dmsflow.merge.MergeFixture.staged;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.merge.MergeServiceTest;
import dev.dmsflow.merge.run.RunMerger;
import dev.dmsflow.merge.window.TableShapes;
import java.sql.Connection;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
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

    private TopicProbe<SpecificRecord> topics;

    /** The structures schema-service provisions for the catalog's orders_enriched, built here by hand. */
    @BeforeEach
    void provision() {
        DmsflowInfrastructure infra = DmsflowInfrastructure.shared();
        JdbcTemplate db2 = new JdbcTemplate(infra.dataSource(Database.DB2));
        db2.execute("DROP TABLE IF EXISTS public.ms_customers");
        db2.execute("CREATE TABLE public.ms_customers (customer_id bigint PRIMARY KEY, name text)");
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
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES"
                + " (1, 1, 11.00, '2026-01-10'), (2, 2, 22.00, '2026-01-10'), (3, 9, 33.00, '2026-01-10'), (4, 1, 44.00, '2026-01-10')");
        jdbc.update("INSERT INTO ms_target.orders_enriched (order_id, amount, updated_at, customer_name) VALUES"
                + " (1, 10.00, '2026-01-20', 'Ada (newer)'), (2, 20.00, '2026-01-02', 'Grace (older)')");
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

        // CDC keeps writing the staging table: the trigger carries each row into the final table
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES (5, 2, 55.00, '2026-02-02')");
        jdbc.update("UPDATE ms_staging.orders SET amount = 45.00, updated_at = '2026-02-03' WHERE order_id = 4");
        jdbc.update("UPDATE ms_staging.orders SET amount = 9.99, updated_at = '2026-01-01' WHERE order_id = 1");

        assertThat(finalRows()).containsExactly("1:10.00:Ada (newer)", "2:22.00:Grace", "4:45.00:Ada", "5:55.00:Grace");
    }

    @Test
    void theSyncTriggerIsRemovedCleanlyWhenTheCatalogNoLongerAsksForIt() throws Exception {
        merger.onWindowStaged(multiStage(newRequestId()));
        assertThat(triggerObjects()).isEqualTo(2);
        MultiStageDefinition withSync = catalog.multiStage("orders_enriched").orElseThrow();
        MultiStageDefinition withoutSync = new MultiStageDefinition(withSync.name(), withSync.stagingTable(), withSync.foreignServer(),
                withSync.foreignTable(), withSync.view(), withSync.finalTable(), false);

        try (Connection connection = dataSource.getConnection()) {
            new SyncTrigger(withoutSync, new ViewToFinalMerge(withoutSync, null, 0, new TableShapes()).shape(connection),
                    new QualifiedName("ms_staging", "orders")).apply(connection);
        }

        assertThat(triggerObjects()).isZero();
        jdbc.update("INSERT INTO ms_staging.orders (order_id, customer_id, amount, updated_at) VALUES (6, 1, 66.00, '2026-02-02')");
        assertThat(finalRows()).noneMatch(row -> row.startsWith("6:"));
    }

    private WindowStaged multiStage(String requestId) {
        WindowStaged staged = staged(requestId, TaskKind.MULTI_STAGE, JANUARY, catalog.table("orders").orElseThrow().toTableRef());
        staged.setMultiStage("orders_enriched");
        return staged;
    }

    private List<String> finalRows() {
        return jdbc.queryForList("SELECT order_id || ':' || amount || ':' || customer_name FROM ms_target.orders_enriched ORDER BY order_id", String.class);
    }

    private Integer triggerObjects() {
        return jdbc.queryForObject("SELECT (SELECT count(*) FROM pg_trigger WHERE tgname = 'dmsflow_sync_orders_enriched')"
                + " + (SELECT count(*) FROM pg_proc WHERE proname = 'dmsflow_sync_orders_enriched')", Integer.class);
    }
}
