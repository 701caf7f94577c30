package dev.dmsflow.schema.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.schema.SchemaServiceTest;
import dev.dmsflow.schema.TestCatalog;
import dev.dmsflow.schema.ddl.ProvisionReport.Outcome;
import dev.dmsflow.schema.ddl.ProvisionReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/** Provisioning from the test catalog against the real PostgreSQL: database 1, database 2 over postgres_fdw, and the dictionary stand-in. */
@SchemaServiceTest
@TestPropertySource(properties = "spring.kafka.listener.auto-startup=false")
class ProvisioningIT {

    @Autowired
    Provisioner provisioner;
    @Autowired
    JdbcTemplate jdbc;
    @LocalServerPort
    int port;

    @BeforeEach
    void freshDatabases() {
        jdbc.execute("DROP SCHEMA IF EXISTS sv_staging, sv_production, sv_target, admin, merge_service CASCADE");
        jdbc.execute("DROP SERVER IF EXISTS sv_db2 CASCADE");
        jdbc.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sv_dms') THEN CREATE ROLE sv_dms; END IF; END $$");
        jdbc.execute("CREATE SCHEMA sv_production");
        jdbc.execute("""
                CREATE TABLE sv_production.orders (
                    order_id bigint PRIMARY KEY, customer_id bigint, amount numeric(10,2), status varchar(20) NOT NULL,
                    order_date timestamp(0), updated_at timestamp(6), notes text)""");
        jdbc.execute("CREATE TABLE sv_production.unrelated (id int)");
        JdbcTemplate db2 = new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.DB2));
        db2.execute("DROP TABLE IF EXISTS public.sv_customers");
        // a collated column: the view and the final table must keep its collation
        db2.execute("CREATE TABLE public.sv_customers (customer_id bigint PRIMARY KEY, name varchar(100) COLLATE \"C\")");
        db2.update("INSERT INTO public.sv_customers VALUES (1, 'Ada'), (2, 'Grace')");
        OracleDictionaryFixture.create(new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.SOURCE)), TestCatalog.DICTIONARY_SCHEMA);
    }

    @Test
    void provisionsEveryCatalogObjectAndASecondRunChangesNothing() {
        ProvisionReport first = provisioner.provision();

        assertThat(first.failures()).isEmpty();
        assertThat(first.steps()).extracting(ProvisionReport.Step::object, ProvisionReport.Step::outcome).contains(
                org.assertj.core.groups.Tuple.tuple("staging table sv_staging.orders", Outcome.CREATED),
                org.assertj.core.groups.Tuple.tuple("production table sv_production.customers", Outcome.CREATED),
                org.assertj.core.groups.Tuple.tuple("index sv_staging.orders_updated_at_idx", Outcome.CREATED),
                org.assertj.core.groups.Tuple.tuple("view admin.oracle_pg_migration_status", Outcome.CREATED),
                org.assertj.core.groups.Tuple.tuple("view admin.oracle_pg_type_verification", Outcome.CREATED),
                org.assertj.core.groups.Tuple.tuple("view sv_staging.orders_enriched_v", Outcome.CREATED),
                org.assertj.core.groups.Tuple.tuple("final table sv_target.orders_enriched", Outcome.CREATED));
        String before = snapshot();

        ProvisionReport second = provisioner.provision();

        assertThat(second.changedNothing()).as("second run: %s", second.steps()).isTrue();
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void theStagingTableMirrorsProductionWithItsKeyAWindowIndexAndBookkeeping() {
        provisioner.provision();

        assertThat(columns("sv_staging", "orders")).containsExactly(
                "order_id bigint NOT NULL", "customer_id bigint", "amount numeric(10,2)", "status character varying(20)",
                "order_date timestamp(0) without time zone", "updated_at timestamp(6) without time zone", "notes text",
                "_dms_loaded_at timestamp with time zone NOT NULL");
        assertThat(jdbc.queryForObject("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'sv_staging.orders'::regclass AND contype = 'p'",
                String.class)).isEqualTo("PRIMARY KEY (order_id)");
        assertThat(jdbc.queryForObject("SELECT indexdef FROM pg_indexes WHERE schemaname = 'sv_staging' AND indexname = 'orders_updated_at_idx'",
                String.class)).endsWith("(updated_at)");
        assertThat(jdbc.queryForList("SELECT * FROM admin.oracle_pg_type_verification")).isEmpty();
    }

    @Test
    void aMissingProductionTableIsCreatedFromTheOracleDictionaryThroughTheTypeMapping() {
        provisioner.provision();

        assertThat(columns("sv_production", "customers")).containsExactly(
                "customer_id bigint NOT NULL", "name character varying(100) NOT NULL", "email character varying(200)",
                "balance numeric(12,2)", "created timestamp(0) without time zone", "last_seen timestamp(6) without time zone",
                "photo bytea");
        assertThat(jdbc.queryForObject("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'sv_production.customers'::regclass AND contype = 'p'",
                String.class)).isEqualTo("PRIMARY KEY (customer_id)");
        assertThat(jdbc.queryForObject("SELECT col_description('sv_production.customers'::regclass, 6)", String.class))
                .contains("9 fractional second digits");
        assertThat(columns("sv_staging", "customers")).startsWith("customer_id bigint NOT NULL", "name character varying(100)");
    }

    @Test
    void aSourceColumnWithoutAnExactMappingFailsNamingTheColumnAndLeavesTheOtherTablesProvisioned() {
        new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.SOURCE)).update(
                "INSERT INTO " + TestCatalog.DICTIONARY_SCHEMA + ".all_tab_cols VALUES ('APP', 'CUSTOMERS', 'GEOM', 'SDO_GEOMETRY', 1, NULL, NULL, 0, NULL, 'Y', 9, 'NO', 'NO')");

        ProvisionReport report = provisioner.provision();

        assertThat(report.failures()).singleElement().satisfies(failure -> {
            assertThat(failure.object()).isEqualTo("tables.customers");
            assertThat(failure.detail()).contains("APP.CUSTOMERS.GEOM").contains("SDO_GEOMETRY");
        });
        assertThat(jdbc.queryForObject("SELECT to_regclass('sv_production.customers') IS NULL", Boolean.class)).isTrue();
        assertThat(jdbc.queryForObject("SELECT to_regclass('sv_staging.orders') IS NOT NULL", Boolean.class)).isTrue();
    }

    @Test
    void theMigrationStatusIsDerivedFromMergedWindowsWithoutAProcessingStatusColumn() {
        provisioner.provision();
        jdbc.update("""
                INSERT INTO sv_staging.orders (order_id, status, updated_at) VALUES
                    (1, 'A', '2026-01-05'), (2, 'B', '2026-01-31 23:59:59.999999'), (3, 'C', '2026-02-01 00:00:00')""");

        // merge-service has not created admin.merge_logs yet: nothing is processed
        assertThat(status("orders")).containsEntry("total_records", 3L).containsEntry("pending_records", 3L).containsEntry("processed_records", 0L);

        // the owner's own migrations, not a copy of its DDL: the view must read merge_logs as merge-service creates it
        Flyway.configure().dataSource(jdbc.getDataSource()).schemas("merge_service").defaultSchema("merge_service")
                .locations("filesystem:../merge-service/src/main/resources/db/migration/merge").load().migrate();
        jdbc.update("INSERT INTO admin.merge_logs (table_name, merge_time, records_updated, records_inserted, records_skipped_stale,"
                + " records_duplicate, staged_rows, full_load_rows, request_id, source_table, window_from, window_to, duration_ms)"
                + " VALUES ('sv_production.orders', now() + interval '1 second', 0, 2, 0, 0, 2, 2, 'req-1', 'sv_staging.orders',"
                + " '2026-01-01Z', '2026-02-01Z', 5)");

        assertThat(status("orders")).containsEntry("total_records", 3L).containsEntry("pending_records", 1L).containsEntry("processed_records", 2L);
        assertThat(status("customers")).containsEntry("total_records", 0L);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'sv_staging'"
                + " AND column_name = '_dms_processing_status'", Long.class)).isZero();
    }

    @Test
    void driftOfAStagingColumnShowsInTheTypeVerificationViewAndTheDriftEndpoint() throws Exception {
        provisioner.provision();
        // columns no view reads: PostgreSQL refuses to retype those
        jdbc.execute("ALTER TABLE sv_staging.orders ALTER COLUMN order_date TYPE timestamp(3), ALTER COLUMN status TYPE varchar(10), ALTER COLUMN notes TYPE varchar(50)");

        assertThat(jdbc.queryForList("SELECT column_name, target_data_type, staging_data_type, status FROM admin.oracle_pg_type_verification ORDER BY column_name"))
                .containsExactly(
                        Map.of("column_name", "notes", "target_data_type", "text", "staging_data_type", "character varying(50)", "status", "DATA TYPE MISMATCH"),
                        Map.of("column_name", "order_date", "target_data_type", "timestamp(0) without time zone",
                                "staging_data_type", "timestamp(3) without time zone", "status", "PRECISION MISMATCH"),
                        Map.of("column_name", "status", "target_data_type", "character varying(20)", "staging_data_type", "character varying(10)", "status", "LENGTH MISMATCH"));
        HttpResponse<String> drift = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/drift")).header("Authorization", ApiUser.OPS.basicAuthorization()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(drift.statusCode()).isEqualTo(200);
        assertThat(drift.body()).contains("\"drifted\":true").contains("PRECISION MISMATCH").contains("LENGTH MISMATCH").contains("DATA TYPE MISMATCH");
    }

    @Test
    void theCrossDatabaseViewJoinsStagingWithTheTableOfDatabaseTwoAndTheFinalTableHasItsColumns() {
        provisioner.provision();
        jdbc.update("INSERT INTO sv_staging.orders (order_id, customer_id, amount, status, updated_at) VALUES"
                + " (1, 1, 11.00, 'A', '2026-01-10'), (2, 2, 22.00, 'B', '2026-01-11'), (3, 9, 33.00, 'C', '2026-01-12')");

        // order 3's customer is not in database 2
        assertThat(jdbc.queryForList("SELECT order_id || ':' || amount || ':' || customer_name FROM sv_staging.orders_enriched_v ORDER BY order_id", String.class))
                .containsExactly("1:11.00:Ada", "2:22.00:Grace");
        assertThat(columns("sv_target", "orders_enriched")).containsExactly("order_id bigint NOT NULL", "amount numeric(10,2)",
                "updated_at timestamp(6) without time zone", "customer_name character varying(100)",
                "migration_timestamp timestamp with time zone NOT NULL");
        assertThat(jdbc.queryForObject("SELECT attcollation::regcollation::text FROM pg_attribute WHERE attrelid = 'sv_target.orders_enriched'::regclass"
                + " AND attname = 'customer_name'", String.class)).isEqualTo("\"C\"");
        jdbc.update("INSERT INTO sv_target.orders_enriched (order_id) VALUES (1)");
        assertThat(jdbc.queryForObject("SELECT migration_timestamp IS NOT NULL FROM sv_target.orders_enriched", Boolean.class)).isTrue();
    }

    @Test
    void theDmsUserGetsTheSeedsGrantsOnTheProvisionedObjectsAndNothingWider() {
        provisioner.provision();

        assertThat(privileges("sv_staging.orders")).containsExactly("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE");
        assertThat(privileges("sv_target.orders_enriched")).containsExactly("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE");
        assertThat(privileges("sv_staging.orders_enriched_v")).containsExactly("SELECT");
        assertThat(privileges("sv_staging.customers_db2")).containsExactly("SELECT");
        assertThat(privileges("sv_production.orders")).isEmpty();
        assertThat(privileges("sv_production.unrelated")).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_user_mappings WHERE srvname = 'sv_db2' AND usename = 'sv_dms'", Long.class)).isOne();
    }

    @Test
    void theProvisionEndpointReturnsTheReportWithoutTheForeignServerPassword() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/provision")).header("Authorization", ApiUser.OPS.basicAuthorization())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"object\":\"staging table sv_staging.orders\"").contains("with a password")
                .doesNotContain(TestCatalog.FDW_PASSWORD);
        // the password is in the user mapping, where postgres_fdw needs it
        assertThat(jdbc.queryForObject("SELECT array_to_string(umoptions, ',') FROM pg_user_mappings WHERE srvname = 'sv_db2' AND usename = current_user",
                String.class)).contains("password=" + TestCatalog.FDW_PASSWORD);
    }

    private Map<String, Object> status(String table) {
        return jdbc.queryForMap("SELECT total_records, pending_records, processed_records FROM admin.oracle_pg_migration_status WHERE table_name = ?", table);
    }

    private List<String> privileges(String relation) {
        return List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER").stream()
                .filter(p -> jdbc.queryForObject("SELECT has_table_privilege('sv_dms', ?, ?)", Boolean.class, relation, p))
                .toList();
    }

    private List<String> columns(String schema, String table) {
        return jdbc.queryForList("""
                SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                FROM pg_attribute a WHERE a.attrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""", String.class, schema, table);
    }

    /** Every provisioned relation, function and mapping with its catalog row version (xmin): any DDL would change it. */
    private String snapshot() {
        return String.join("\n", jdbc.queryForList("""
                SELECT n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' || c.xmin::text || ':' || coalesce(c.relacl::text, '')
                       || ':' || coalesce(obj_description(c.oid, 'pg_class'), '')
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname IN ('sv_staging', 'sv_production', 'sv_target', 'admin')
                UNION ALL SELECT 'function ' || p.proname || ':' || p.xmin::text FROM pg_proc p WHERE p.pronamespace = 'admin'::regnamespace
                UNION ALL SELECT 'server ' || srvname || ':' || xmin::text FROM pg_foreign_server
                UNION ALL SELECT 'mapping ' || umuser::text || ':' || xmin::text FROM pg_user_mapping
                UNION ALL SELECT 'schema ' || nspname || ':' || xmin::text || ':' || coalesce(nspacl::text, '') FROM pg_namespace
                ORDER BY 1""", String.class));
    }
}
