package dev.dmsflow.controller.engine.local.bench;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.ReplicationEngine;
import dev.dmsflow.controller.engine.TaskHandle;
import dev.dmsflow.controller.engine.TaskPhase;
import dev.dmsflow.controller.engine.local.LocalEngineProperties;
import dev.dmsflow.controller.engine.local.LocalJdbcEngine;
import dev.dmsflow.controller.mapping.TaskDocuments;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import dev.dmsflow.support.jdbc.JdbcSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Loading staging three ways, side by side on one embedded PostgreSQL (source and staging in two databases): the
 * local engine through its real code path (mappings JSON, window filter, fetch-size streaming, COPY, commit rate);
 * {@code COPY ... TO STDOUT} piped into {@code COPY ... FROM STDIN}, the ceiling; and JDBC batched INSERTs of 1,000
 * rows, the naive baseline. The staging table has the layout schema-service provisions (key, window index).
 *
 * <p>Run: {@code MAVEN_OPTS=-Xmx256m ./mvnw -q -pl dms-controller-service exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dmsflow.controller.engine.local.bench.LocalEngineBenchmark} (optional argument: rows).
 */
public final class LocalEngineBenchmark {

    private static final String SOURCE_COLUMNS = "\"ORDER_ID\", \"CUSTOMER_ID\", \"AMOUNT\", \"STATUS\", \"CHANNEL\", \"ORDER_DATE\", \"UPDATED_AT\", \"SHIPPED_AT\"";
    private static final TimeWindow ALL_OF_2026_H1 = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"));

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
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
                    "INSERT INTO \"APP\".\"ORDERS\" SELECT g, g % 50000, (g % 100000) / 100.0, 'SHIPPED', 'web shop ' || (g % 97),"
                            + " timestamp '2025-12-01' + g * interval '1 second', timestamp '2026-01-01' + g * interval '7 second',"
                            + " timestamptz '2026-01-02 00:00:00+00' + g * interval '3 second' FROM generate_series(1, " + rows + ") g",
                    "VACUUM ANALYZE \"APP\".\"ORDERS\"");
            execute(targetUrl, "CREATE SCHEMA staging");
            System.out.printf("local engine benchmark: %,d rows (bigint key, bigint, numeric(12,2), 2 varchar, 3 timestamps) from a PostgreSQL source database%n", rows);

            double engine = time(targetUrl, () -> engineLoad(sourceUrl, targetUrl));
            long peakHeap = peakHeapOfLastRun;
            double pipe = time(targetUrl, () -> copyPipe(sourceUrl, targetUrl));
            double insert = time(targetUrl, () -> batchedInsert(sourceUrl, targetUrl));
            System.out.printf("local engine (mappings JSON, fetch size, COPY)   %6.2f s  %,10.0f rows/s  peak heap %d MiB (max heap %d MiB)%n",
                    engine, rows / engine, peakHeap >> 20, Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("COPY TO STDOUT piped into COPY FROM STDIN      %6.2f s  %,10.0f rows/s%n", pipe, rows / pipe);
            System.out.printf("JDBC batched INSERT, 1,000 rows per batch       %6.2f s  %,10.0f rows/s%n", insert, rows / insert);
            System.out.printf("engine/copy: %.2f%n", pipe / engine);
            System.out.printf("engine/insert: %.2f%n", insert / engine);
        }
    }

    private static long peakHeapOfLastRun;

    interface Load {
        long run() throws Exception;
    }

    /** A fresh staging table, then the load; returns seconds, and checks every row arrived. */
    private static double time(String targetUrl, Load load) throws Exception {
        execute(targetUrl, "DROP TABLE IF EXISTS staging.orders",
                "CREATE TABLE staging.orders (order_id bigint PRIMARY KEY, customer_id bigint, amount numeric(12,2), status varchar(20),"
                        + " channel varchar(40), order_date timestamp, updated_at timestamp(6), shipped_at timestamptz, _dms_loaded_at timestamptz DEFAULT now())",
                "CHECKPOINT");
        long start = System.nanoTime();
        long loaded = load.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        try (Connection target = DriverManager.getConnection(targetUrl); Statement statement = target.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM staging.orders")) {
            rs.next();
            if (rs.getLong(1) != loaded) {
                throw new IllegalStateException("loaded " + loaded + " but staging has " + rs.getLong(1));
            }
        }
        return seconds;
    }

    private static long engineLoad(String sourceUrl, String targetUrl) throws Exception {
        PGSimpleDataSource target = new PGSimpleDataSource();
        target.setUrl(targetUrl);
        ReplicationEngine engine = new LocalJdbcEngine(new LocalEngineProperties(new JdbcSource(sourceUrl, "postgres", ""), 5000), target, 8);
        TableRef orders = TableRef.newBuilder().setName("orders").setSourceSchema("APP").setSourceTable("ORDERS")
                .setStagingSchema("staging").setStagingTable("orders").setTargetSchema("production").setTargetTable("orders")
                .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
        LoadTask task = new LoadTask("bench", LoadTask.FULL_LOAD, TaskDocuments.tableMappings(List.of(orders), ALL_OF_2026_H1, Map.of("orders", 6), true, Map.of()),
                TaskDocuments.taskSettings(new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 8, 10000, 600, true, false, 64, true, 32, true), "staging"), Map.of());
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        TaskHandle handle = engine.create(task);
        engine.start(handle);
        while (engine.describe(handle).phase() == TaskPhase.RUNNING || engine.describe(handle).phase() == TaskPhase.READY) {
            // poll as the controller does, without taking a core from the databases
            LockSupport.parkNanos(1_000_000);
        }
        peakHeapOfLastRun = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        if (engine.describe(handle).phase() != TaskPhase.FULL_LOAD_COMPLETE) {
            throw new IllegalStateException(engine.describe(handle).failureMessage());
        }
        return engine.tableStatistics(handle).get(0).fullLoadRows();
    }

    private static long copyPipe(String sourceUrl, String targetUrl) throws Exception {
        try (Connection source = DriverManager.getConnection(sourceUrl); Connection target = DriverManager.getConnection(targetUrl);
             PipedInputStream in = new PipedInputStream(1 << 20); PipedOutputStream out = new PipedOutputStream(in)) {
            CompletableFuture<Long> copyIn = CompletableFuture.supplyAsync(() -> {
                try {
                    return target.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY staging.orders (order_id, customer_id, amount, status, channel,"
                            + " order_date, updated_at, shipped_at) FROM STDIN", in);
                } catch (SQLException | IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            source.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT " + SOURCE_COLUMNS + " FROM \"APP\".\"ORDERS\") TO STDOUT", out);
            out.close();
            return copyIn.join();
        }
    }

    private static long batchedInsert(String sourceUrl, String targetUrl) throws Exception {
        try (Connection source = DriverManager.getConnection(sourceUrl); Connection target = DriverManager.getConnection(targetUrl)) {
            source.setAutoCommit(false);
            target.setAutoCommit(false);
            long rows = 0;
            try (PreparedStatement select = source.prepareStatement("SELECT " + SOURCE_COLUMNS + " FROM \"APP\".\"ORDERS\"");
                 PreparedStatement insert = target.prepareStatement("INSERT INTO staging.orders (order_id, customer_id, amount, status, channel,"
                         + " order_date, updated_at, shipped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                select.setFetchSize(5000);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        for (int i = 1; i <= 8; i++) {
                            insert.setObject(i, rs.getObject(i));
                        }
                        insert.addBatch();
                        if (++rows % 1000 == 0) {
                            insert.executeBatch();
                            target.commit();
                        }
                    }
                }
                insert.executeBatch();
                target.commit();
            }
            return rows;
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
