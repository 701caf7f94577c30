package dev.dmsflow.controller.engine.local.bench;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.TaskHandle;
import dev.dmsflow.controller.engine.TaskPhase;
import dev.dmsflow.controller.engine.local.LocalEngineProperties;
import dev.dmsflow.controller.engine.local.LocalJdbcEngine;
import dev.dmsflow.controller.mapping.KeyRanges;
import dev.dmsflow.controller.mapping.ParallelLoadProperties;
import dev.dmsflow.controller.mapping.TaskDocuments;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import dev.dmsflow.support.jdbc.JdbcSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A 3,000,000-row window loaded by the local engine in 1 segment and then in 2 (DMS parallel-load ranges), side by
 * side on one embedded PostgreSQL (source and staging in two databases). The 2 segments' boundaries are the
 * controller's own: {@link KeyRanges} with the default settings (min-rows 2,000,000) over a production table that
 * mirrors the source, as in a real run. Each load goes into a fresh staging table with its key and is checked for
 * every row.
 *
 * <p>Run (optional argument: rows):
 * <pre>
 * ./mvnw -q -B -o -pl dms-controller-service -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp dms-controller-service/target/test-classes:dms-controller-service/target/classes:$(cat dms-controller-service/target/cp.txt) dev.dmsflow.controller.engine.local.bench.ParallelLoadBenchmark
 * </pre>
 */
public final class ParallelLoadBenchmark {

    private static final TimeWindow WINDOW = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"));
    private static final TableRef ORDERS = TableRef.newBuilder().setName("orders").setSourceSchema("APP").setSourceTable("ORDERS")
            .setStagingSchema("staging").setStagingTable("orders").setTargetSchema("production").setTargetTable("orders")
            .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 3_000_000;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start()) {
            try (Connection admin = postgres.getPostgresDatabase().getConnection(); Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE bench_source");
                statement.execute("CREATE DATABASE bench_target");
            }
            String sourceUrl = postgres.getJdbcUrl("postgres", "bench_source");
            String targetUrl = postgres.getJdbcUrl("postgres", "bench_target");
            execute(sourceUrl, "CREATE SCHEMA \"APP\"",
                    "CREATE TABLE \"APP\".\"ORDERS\" (\"ORDER_ID\" bigint PRIMARY KEY, \"CUSTOMER_ID\" bigint, \"AMOUNT\" numeric(12,2),"
                            + " \"STATUS\" varchar(20), \"CHANNEL\" varchar(40), \"ORDER_DATE\" timestamp, \"UPDATED_AT\" timestamp(6), \"SHIPPED_AT\" timestamptz)",
                    "INSERT INTO \"APP\".\"ORDERS\"" + rows(rows), "VACUUM ANALYZE \"APP\".\"ORDERS\"");
            execute(targetUrl, "CREATE SCHEMA staging", "CREATE SCHEMA production",
                    "CREATE TABLE production.orders (order_id bigint PRIMARY KEY, customer_id bigint, amount numeric(12,2), status varchar(20),"
                            + " channel varchar(40), order_date timestamp, updated_at timestamp(6), shipped_at timestamptz)",
                    "INSERT INTO production.orders" + rows(rows), "CREATE INDEX ON production.orders (updated_at)",
                    "VACUUM ANALYZE production.orders");
            PGSimpleDataSource target = new PGSimpleDataSource();
            target.setUrl(targetUrl);
            System.out.printf("parallel load benchmark: %,d-row window (bigint key, 8 columns), PostgreSQL source database -> staging with its key,"
                    + " %d cores%n", rows, Runtime.getRuntime().availableProcessors());

            long start = System.nanoTime();
            Map<String, List<String>> boundaries = new KeyRanges(target, new ParallelLoadProperties(2_000_000, 4))
                    .boundaries(List.of(ORDERS), WINDOW);
            long boundariesMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("boundaries from production (EXPLAIN estimate + percentile_disc): %s in %d ms%n", boundaries, boundariesMillis);

            long one = time(sourceUrl, target, targetUrl, Map.of(), rows);
            long two = time(sourceUrl, target, targetUrl, boundaries, rows);
            System.out.printf("parallel load %dM: 1 segment %d ms, %d segments %d ms, ratio %.2f%n", rows / 1_000_000, one,
                    boundaries.getOrDefault("orders", List.of()).size() + 1, two, (double) one / two);
        }
    }

    /** The same rows for the source and for production, which mirrors it; every one in the window. */
    private static String rows(int rows) {
        return " SELECT g, g % 50000, (g % 100000) / 100.0, 'SHIPPED', 'web shop ' || (g % 97),"
                + " timestamp '2025-12-01' + g * interval '1 second', timestamp '2026-01-01' + g * interval '3 second',"
                + " timestamptz '2026-01-02 00:00:00+00' + g * interval '3 second' FROM generate_series(1, " + rows + ") g";
    }

    /** A fresh staging table, then the load through the engine; returns milliseconds, and checks every row arrived. */
    private static long time(String sourceUrl, PGSimpleDataSource target, String targetUrl, Map<String, List<String>> boundaries, int rows)
            throws Exception {
        execute(targetUrl, "DROP TABLE IF EXISTS staging.orders",
                "CREATE TABLE staging.orders (order_id bigint PRIMARY KEY, customer_id bigint, amount numeric(12,2), status varchar(20),"
                        + " channel varchar(40), order_date timestamp, updated_at timestamp(6), shipped_at timestamptz, _dms_loaded_at timestamptz DEFAULT now())",
                "CHECKPOINT");
        LoadTask task = new LoadTask("bench-" + boundaries.size(), LoadTask.FULL_LOAD,
                TaskDocuments.tableMappings(List.of(ORDERS), WINDOW, Map.of("orders", 6), true, boundaries),
                TaskDocuments.taskSettings(new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 8, 10000, 600, true, false, 64, true, 32, true), "staging"),
                Map.of());
        try (LocalJdbcEngine engine = new LocalJdbcEngine(new LocalEngineProperties(new JdbcSource(sourceUrl, "postgres", ""), 5000), target, 8)) {
            long start = System.nanoTime();
            TaskHandle handle = engine.create(task);
            engine.start(handle);
            while (engine.describe(handle).phase() == TaskPhase.RUNNING || engine.describe(handle).phase() == TaskPhase.READY) {
                // poll as the controller does, without taking a core from the databases
                LockSupport.parkNanos(1_000_000);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (engine.describe(handle).phase() != TaskPhase.FULL_LOAD_COMPLETE) {
                throw new IllegalStateException(engine.describe(handle).failureMessage());
            }
            long loaded = engine.tableStatistics(handle).get(0).fullLoadRows();
            try (Connection connection = DriverManager.getConnection(targetUrl); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT count(*) FROM staging.orders")) {
                rs.next();
                if (loaded != rows || rs.getLong(1) != rows) {
                    throw new IllegalStateException("loaded " + loaded + ", staging has " + rs.getLong(1) + ", the window " + rows);
                }
            }
            return millis;
        }
    }

    private static void execute(String url, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
