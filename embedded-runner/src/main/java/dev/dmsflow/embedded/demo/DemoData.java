package dev.dmsflow.embedded.demo;

import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The demo's world before dmsflow runs: an Oracle-like source (upper-case names) with customers and orders whose
 * UPDATED_AT spans December 2025 to February 2026, a production database that an earlier migration left behind on
 * January (half of January's orders in an older version, a quarter missing), and database 2 with each customer's
 * segment, which the multi-stage view joins.
 *
 * <p>Fast at millions of orders: every table is generated in its database by one set-based
 * {@code INSERT ... SELECT generate_series} (production from the same expressions as the source, not copied across
 * databases), its primary key built after the load (one sort instead of an index insert per row), and the databases
 * are written concurrently, one connection each.
 */
public final class DemoData {

    /**
     * Orders: UPDATED_AT over 90 days from 2025-12-01, so about a third of them in January; the seconds per row are a
     * float8 and the amount a numeric product: numeric divisions per row took half of the generation's time.
     */
    private static final String ORDERS = "SELECT g AS order_id, g % ? + 1 AS customer_id, (g % 100000 + 100) * 0.01 AS amount, 'SHIPPED' AS status,"
            + " timestamp '2025-11-01' + g * interval '1 minute' AS order_date,"
            + " timestamp '2025-12-01' + g * ?::float8 * interval '1 second' AS updated_at FROM generate_series(1, ?) g";
    private static final String CUSTOMERS = "SELECT g AS customer_id, 'Customer ' || g AS name, 'c' || g || '@example.com' AS email, 'ACTIVE' AS status,"
            + " timestamp '2024-01-01' + g * interval '1 minute' AS created_at,"
            + " timestamp '2025-12-01' + g * ?::float8 * interval '1 second' AS updated_at FROM generate_series(1, ?) g";
    private static final double NINETY_DAYS_SECONDS = 7_776_000.0;
    private static final String JANUARY = "updated_at >= '2026-01-01' AND updated_at < '2026-02-01'";

    private DemoData() {
    }

    public static void create(DmsflowInfrastructure infra, int orders) {
        int customers = Math.max(10, orders / 10);
        // the source on another thread (the common pool has a single one on 2 cores), production and the small
        // segments table on this one
        CompletableFuture<Void> source = CompletableFuture.runAsync(() -> inTransaction(infra, Database.SOURCE, source(customers, orders)));
        try {
            inTransaction(infra, Database.DB1, production(customers, orders));
            inTransaction(infra, Database.DB2, segments(customers));
            source.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static List<Statement> source(int customers, int orders) {
        return List.of(
                new Statement("DROP SCHEMA IF EXISTS \"APP\" CASCADE"),
                new Statement("CREATE SCHEMA \"APP\""),
                new Statement("CREATE TABLE \"APP\".\"CUSTOMERS\" (\"CUSTOMER_ID\" bigint, \"NAME\" varchar(100), \"EMAIL\" varchar(100),"
                        + " \"STATUS\" varchar(20), \"CREATED_AT\" timestamp(6), \"UPDATED_AT\" timestamp(6))"),
                new Statement("CREATE TABLE \"APP\".\"ORDERS\" (\"ORDER_ID\" bigint, \"CUSTOMER_ID\" bigint, \"AMOUNT\" numeric(10,2),"
                        + " \"STATUS\" varchar(20), \"ORDER_DATE\" timestamp(6), \"UPDATED_AT\" timestamp(6))"),
                new Statement("INSERT INTO \"APP\".\"CUSTOMERS\" " + CUSTOMERS, NINETY_DAYS_SECONDS / customers, customers),
                new Statement("INSERT INTO \"APP\".\"ORDERS\" " + ORDERS, customers, NINETY_DAYS_SECONDS / orders, orders),
                new Statement("ALTER TABLE \"APP\".\"CUSTOMERS\" ADD PRIMARY KEY (\"CUSTOMER_ID\")"),
                new Statement("ALTER TABLE \"APP\".\"ORDERS\" ADD PRIMARY KEY (\"ORDER_ID\")"),
                new Statement("ANALYZE \"APP\".\"CUSTOMERS\", \"APP\".\"ORDERS\""));
    }

    /**
     * What the earlier migration left, from the source's own expressions: every row, but January's customers and half
     * of January's orders a day older, and a quarter of January's orders missing.
     */
    private static List<Statement> production(int customers, int orders) {
        return List.of(
                new Statement("DROP SCHEMA IF EXISTS production CASCADE"),
                new Statement("CREATE SCHEMA production"),
                new Statement("CREATE TABLE production.customers (customer_id bigint, name varchar(100), email varchar(100),"
                        + " status varchar(20), created_at timestamp(6), updated_at timestamp(6))"),
                new Statement("CREATE TABLE production.orders (order_id bigint, customer_id bigint, amount numeric(10,2),"
                        + " status varchar(20), order_date timestamp(6), updated_at timestamp(6))"),
                new Statement("INSERT INTO production.customers SELECT customer_id, name, email, CASE WHEN january THEN 'PENDING' ELSE status END,"
                        + " created_at, CASE WHEN january THEN updated_at - interval '1 day' ELSE updated_at END"
                        + " FROM (SELECT *, " + JANUARY + " AS january FROM (" + CUSTOMERS + ") c) c", NINETY_DAYS_SECONDS / customers, customers),
                new Statement("INSERT INTO production.orders SELECT order_id, customer_id, CASE WHEN older THEN amount - 1 ELSE amount END,"
                        + " CASE WHEN older THEN 'NEW' ELSE status END, order_date, CASE WHEN older THEN updated_at - interval '1 day' ELSE updated_at END"
                        + " FROM (SELECT *, january AND order_id % 4 IN (0, 1) AS older FROM (SELECT *, " + JANUARY + " AS january FROM (" + ORDERS
                        + ") o OFFSET 0) o WHERE NOT (january AND order_id % 4 = 3)) o", customers, NINETY_DAYS_SECONDS / orders, orders),
                new Statement("ALTER TABLE production.customers ADD PRIMARY KEY (customer_id)"),
                new Statement("ALTER TABLE production.orders ADD PRIMARY KEY (order_id)"),
                new Statement("ANALYZE production.customers, production.orders"));
    }

    private static List<Statement> segments(int customers) {
        return List.of(
                new Statement("DROP TABLE IF EXISTS public.customer_segments"),
                new Statement("CREATE TABLE public.customer_segments (customer_id bigint, segment varchar(20))"),
                new Statement("INSERT INTO public.customer_segments SELECT g, (ARRAY['gold', 'silver', 'bronze'])[g % 3 + 1] FROM generate_series(1, ?) g",
                        customers),
                new Statement("ALTER TABLE public.customer_segments ADD PRIMARY KEY (customer_id)"));
    }

    private record Statement(String sql, Object... args) {
    }

    /**
     * One transaction on its own connection, so that the databases are written concurrently; the primary keys of
     * millions of rows are sorted in memory (the default 64MB spills them to disk).
     */
    private static void inTransaction(DmsflowInfrastructure infra, Database database, List<Statement> statements) {
        JdbcTemplate jdbc = new JdbcTemplate(infra.dataSource(database));
        new TransactionTemplate(new DataSourceTransactionManager(infra.dataSource(database))).executeWithoutResult(status -> {
            jdbc.execute("SET LOCAL maintenance_work_mem = '256MB'");
            statements.forEach(statement -> jdbc.update(statement.sql(), statement.args()));
        });
    }

    /** The migration catalog of the demo, with database 2's real port. */
    public static String catalog(DmsflowInfrastructure infra) {
        return """
                tables:
                  orders:
                    source: { schema: APP, table: ORDERS }
                    staging: { schema: staging, table: orders }
                    production: { schema: production, table: orders }
                    keyColumns: [order_id]
                    windowColumn: updated_at
                    cdc: true          # the demo's CDC writer changes and deletes orders: a change log lets CDC win
                    repair: { policy: auto, deletes: true }   # a failed validation reloads just the differing keys
                  customers:
                    source: { schema: APP, table: CUSTOMERS }
                    staging: { schema: staging, table: customers }
                    production: { schema: production, table: customers }
                    keyColumns: [customer_id]
                    windowColumn: updated_at
                multiStage:
                  orders_enriched:
                    stagingTable: orders
                    foreignServer: { name: db2_server, host: localhost, port: %d, dbname: %s, user: %s }
                    foreignTable: { schema: staging, table: customer_segments, remoteSchema: public, remoteTable: customer_segments }
                    view:
                      schema: staging
                      name: orders_enriched_v
                      join: [{ staging: customer_id, foreign: customer_id }]
                      columns:
                        - { from: staging, column: order_id }
                        - { from: staging, column: customer_id }
                        - { from: staging, column: amount }
                        - { from: staging, column: status }
                        - { from: staging, column: updated_at }
                        - { from: foreign, column: segment }
                    finalTable: { schema: target, table: orders_enriched, keyColumns: [order_id], timestampColumn: updated_at }
                """.formatted(infra.postgresPort(), Database.DB2.databaseName(), DmsflowInfrastructure.USER);
    }
}
