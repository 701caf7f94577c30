package dev.dmsflow.embedded.demo;

import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The demo's world before dmsflow runs: an Oracle-like source (upper-case names) with customers and orders whose
 * UPDATED_AT spans December 2025 to February 2026, a production database that an earlier migration left behind on
 * January (half of January's orders in an older version, a quarter missing), and database 2 with each customer's
 * segment, which the multi-stage view joins.
 */
public final class DemoData {

    private DemoData() {
    }

    public static void create(DmsflowInfrastructure infra, int orders) {
        int customers = Math.max(10, orders / 10);
        JdbcTemplate source = new JdbcTemplate(infra.dataSource(Database.SOURCE));
        source.execute("DROP SCHEMA IF EXISTS \"APP\" CASCADE");
        source.execute("CREATE SCHEMA \"APP\"");
        source.execute("CREATE TABLE \"APP\".\"CUSTOMERS\" (\"CUSTOMER_ID\" bigint PRIMARY KEY, \"NAME\" varchar(100), \"EMAIL\" varchar(100),"
                + " \"STATUS\" varchar(20), \"CREATED_AT\" timestamp(6), \"UPDATED_AT\" timestamp(6))");
        source.execute("CREATE TABLE \"APP\".\"ORDERS\" (\"ORDER_ID\" bigint PRIMARY KEY, \"CUSTOMER_ID\" bigint, \"AMOUNT\" numeric(10,2),"
                + " \"STATUS\" varchar(20), \"ORDER_DATE\" timestamp(6), \"UPDATED_AT\" timestamp(6))");
        // 90 days from 2025-12-01: about a third of the rows fall in January
        source.update("INSERT INTO \"APP\".\"CUSTOMERS\" SELECT g, 'Customer ' || g, 'c' || g || '@example.com', 'ACTIVE',"
                + " timestamp '2024-01-01' + g * interval '1 minute', timestamp '2025-12-01' + (g * 7776000.0 / ?) * interval '1 second'"
                + " FROM generate_series(1, ?) g", customers, customers);
        source.update("INSERT INTO \"APP\".\"ORDERS\" SELECT g, g % ? + 1, (g % 100000) / 100.0 + 1, 'SHIPPED',"
                + " timestamp '2025-11-01' + g * interval '1 minute', timestamp '2025-12-01' + (g * 7776000.0 / ?) * interval '1 second'"
                + " FROM generate_series(1, ?) g", customers, orders, orders);
        source.execute("ANALYZE");

        JdbcTemplate production = new JdbcTemplate(infra.dataSource(Database.DB1));
        production.execute("DROP SCHEMA IF EXISTS production CASCADE");
        production.execute("CREATE SCHEMA production");
        production.execute("CREATE TABLE production.customers (customer_id bigint PRIMARY KEY, name varchar(100), email varchar(100),"
                + " status varchar(20), created_at timestamp(6), updated_at timestamp(6))");
        production.execute("CREATE TABLE production.orders (order_id bigint PRIMARY KEY, customer_id bigint, amount numeric(10,2),"
                + " status varchar(20), order_date timestamp(6), updated_at timestamp(6))");
        // what the earlier migration left: every row, but January's customers and half of January's orders a day
        // older, and a quarter of January's orders missing
        production.execute("CREATE EXTENSION IF NOT EXISTS dblink");
        production.update("INSERT INTO production.customers SELECT c.customer_id, c.name, c.email,"
                + " CASE WHEN c.updated_at >= '2026-01-01' AND c.updated_at < '2026-02-01' THEN 'PENDING' ELSE c.status END,"
                + " c.created_at, CASE WHEN c.updated_at >= '2026-01-01' AND c.updated_at < '2026-02-01' THEN c.updated_at - interval '1 day' ELSE c.updated_at END"
                + " FROM dblink(?, 'SELECT \"CUSTOMER_ID\", \"NAME\", \"EMAIL\", \"STATUS\", \"CREATED_AT\", \"UPDATED_AT\" FROM \"APP\".\"CUSTOMERS\"')"
                + " AS c(customer_id bigint, name varchar, email varchar, status varchar, created_at timestamp, updated_at timestamp)", dblink(infra));
        production.update("INSERT INTO production.orders SELECT o.order_id, o.customer_id,"
                + " CASE WHEN january AND o.order_id % 4 IN (0, 1) THEN o.amount - 1 ELSE o.amount END,"
                + " CASE WHEN january AND o.order_id % 4 IN (0, 1) THEN 'NEW' ELSE o.status END, o.order_date,"
                + " CASE WHEN january AND o.order_id % 4 IN (0, 1) THEN o.updated_at - interval '1 day' ELSE o.updated_at END"
                + " FROM (SELECT *, updated_at >= '2026-01-01' AND updated_at < '2026-02-01' AS january"
                + "   FROM dblink(?, 'SELECT \"ORDER_ID\", \"CUSTOMER_ID\", \"AMOUNT\", \"STATUS\", \"ORDER_DATE\", \"UPDATED_AT\" FROM \"APP\".\"ORDERS\"')"
                + "   AS o(order_id bigint, customer_id bigint, amount numeric, status varchar, order_date timestamp, updated_at timestamp)) o"
                + " WHERE NOT (january AND o.order_id % 4 = 3)", dblink(infra));
        production.execute("ANALYZE");

        JdbcTemplate db2 = new JdbcTemplate(infra.dataSource(Database.DB2));
        db2.execute("DROP TABLE IF EXISTS public.customer_segments");
        db2.execute("CREATE TABLE public.customer_segments (customer_id bigint PRIMARY KEY, segment varchar(20))");
        db2.update("INSERT INTO public.customer_segments SELECT g, (ARRAY['gold', 'silver', 'bronze'])[g % 3 + 1] FROM generate_series(1, ?) g", customers);
    }

    private static String dblink(DmsflowInfrastructure infra) {
        return "host=localhost port=" + infra.postgresPort() + " dbname=" + Database.SOURCE.databaseName() + " user=" + DmsflowInfrastructure.USER;
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
