package dev.dmsflow.validation.bench;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.validation.check.CheckSettings;
import dev.dmsflow.validation.check.CountingDataSource;
import dev.dmsflow.validation.check.Validator;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Checks 1-4 on a 1,000,000-row window of a 2,000,000-row production table, through the service's real code path,
 * against the counts of the same rows and the naive exact comparison (full-row EXCEPT both ways), in one run on its
 * own embedded PostgreSQL. Production holds the merged window (odd keys, January 2026) with three planted
 * differences, and the even keys outside the window.
 *
 * <p>Then validation at scale, side by side: the same window staged equal to production (clean) and staged with every
 * row different, timed, with the statements the validation issued and the heap it needed (run it with
 * {@code -Xmx256m}); the bisection depth is the number of split-point queries, one per level: the window's first key
 * ranges, then each level of ranges split below them.
 */
public final class ValidationBenchmark {

    private static final int PRODUCTION_ROWS = 2_000_000;
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T00:00:00Z");
    private static final String COLUMNS = "order_id, customer_id, amount, status, created_at, updated_at";
    private static final String IN_WINDOW = "updated_at >= timestamp '2026-01-01' AND updated_at < timestamp '2026-02-01'";

    private ValidationBenchmark() {
    }

    public static void main(String[] args) throws SQLException {
        try (DmsflowInfrastructure infrastructure = DmsflowInfrastructure.start(0)) {
            DataSource db = infrastructure.dataSource(Database.DB1);
            System.out.println("Generating 2,000,000 production rows and a 1,000,000-row staged window ...");
            prepare(db);

            Validator validator = new Validator(db, Optional.empty(), name -> Optional.empty(), new CheckSettings(10, 1000, 32, 64));
            MergeCompleted run = merged("orders");
            validator.validate(run); // warm-up: caches as the other queries find them after generation
            long started = System.nanoTime();
            List<CheckResult> results = validator.validate(run);
            double checks = millis(started);

            started = System.nanoTime();
            long staged = count(db, "SELECT count(*) FROM staging.orders WHERE " + IN_WINDOW);
            long production = count(db, "SELECT count(*) FROM production.orders WHERE order_id BETWEEN (SELECT min(order_id) FROM staging.orders) "
                    + "AND (SELECT max(order_id) FROM staging.orders)");
            double counts = millis(started);

            started = System.nanoTime();
            long stagedOnly = count(db, "SELECT count(*) FROM (SELECT " + COLUMNS + " FROM staging.orders WHERE " + IN_WINDOW
                    + " EXCEPT SELECT " + COLUMNS + " FROM production.orders WHERE " + IN_WINDOW + ") d");
            long productionOnly = count(db, "SELECT count(*) FROM (SELECT " + COLUMNS + " FROM production.orders WHERE " + IN_WINDOW
                    + " EXCEPT SELECT " + COLUMNS + " FROM staging.orders WHERE " + IN_WINDOW + ") d");
            double except = millis(started);

            System.out.printf("full check set (checks 1-4): %8.0f ms%n", checks);
            results.forEach(r -> System.out.printf("    %-14s passed=%-5s expected=%s actual=%s keys=%s%n", r.getCheck(), r.getPassed(),
                    r.getExpected(), r.getActual(), r.getSampleKeys()));
            System.out.printf("counts (staged window %d, production key range %d): %8.0f ms%n", staged, production, counts);
            System.out.printf("full-row EXCEPT both ways (%d staged-only, %d production-only rows): %8.0f ms%n", stagedOnly, productionOnly, except);
            System.out.printf("checks/except: %.2f%n", checks / except);
            System.out.printf("checks/counts: %.2f%n", checks / counts);

            atScale(db);
        }
    }

    /** The clean window and the all-different one, each validated once to warm up and once timed. */
    private static void atScale(DataSource db) throws SQLException {
        CountingDataSource counting = new CountingDataSource(db);
        Validator validator = new Validator(counting.dataSource(), Optional.empty(), name -> Optional.empty(), new CheckSettings(10, 1000, 32, 64));
        MergeCompleted clean = merged("orders_clean");
        MergeCompleted allDifferent = merged("orders_changed");
        validator.validate(clean);
        validator.validate(allDifferent);

        counting.reset();
        long started = System.nanoTime();
        List<CheckResult> cleanResults = validator.validate(clean);
        double cleanMillis = millis(started);
        long cleanQueries = counting.queries();

        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        counting.reset();
        started = System.nanoTime();
        List<CheckResult> differentResults = validator.validate(allDifferent);
        double differentMillis = millis(started);
        long differentQueries = counting.queries();
        long depth = counting.bisectionDepth();
        long levelsBelow = counting.splitQueries();
        long peakBytes = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        long oldPeakBytes = heap.stream().filter(p -> p.getName().contains("Old") || p.getName().contains("Tenured"))
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();

        System.out.printf("validation clean (1M): %.0f ms, queries %d%n", cleanMillis, cleanQueries);
        cleanResults.forEach(r -> System.out.printf("    %-14s passed=%-5s actual=%s%n", r.getCheck(), r.getPassed(), r.getActual()));
        System.out.printf("validation all-different (1M): %.0f ms, queries %d, peak heap %d MiB%n", differentMillis, differentQueries, peakBytes >> 20);
        differentResults.forEach(r -> System.out.printf("    %-14s passed=%-5s expected=%s actual=%s keys=%s%n    %14s %s%n", r.getCheck(),
                r.getPassed(), r.getExpected(), r.getActual(), r.getSampleKeys(), "", r.getDetail() == null ? "" : r.getDetail()));
        System.out.printf("    (max heap %d MiB, old generation peak %d MiB)%n", Runtime.getRuntime().maxMemory() >> 20, oldPeakBytes >> 20);
        System.out.printf("all-different/clean (1M): %.2f%n", differentMillis / cleanMillis);
        System.out.printf("bisection depth (all-different): %d (the window's key ranges, then %d level(s) below), queries/depth: %.1f%n",
                depth, levelsBelow, depth == 0 ? Double.NaN : (double) differentQueries / depth);
    }

    private static void prepare(DataSource db) throws SQLException {
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : List.of(
                    "CREATE SCHEMA staging", "CREATE SCHEMA production",
                    "CREATE TABLE production.orders (order_id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount numeric(10,2), "
                            + "status varchar(20), created_at timestamp, updated_at timestamp)",
                    "INSERT INTO production.orders SELECT g, g % 50000, (g % 100000) / 100.0, 'status ' || (g % 7), "
                            + "timestamp '2025-01-01' + g * interval '1 second', "
                            + "CASE WHEN g % 2 = 1 THEN timestamp '2026-01-01' + g * interval '1 second' ELSE timestamp '2025-12-01' + g * interval '1 second' END "
                            + "FROM generate_series(1, " + PRODUCTION_ROWS + ") g",
                    // staging mirrors production plus the load's bookkeeping column; the window index is schema-service's
                    "CREATE TABLE staging.orders (LIKE production.orders INCLUDING ALL, _dms_loaded_at timestamptz NOT NULL DEFAULT now())",
                    "INSERT INTO staging.orders (" + COLUMNS + ") SELECT " + COLUMNS + " FROM production.orders WHERE " + IN_WINDOW,
                    "CREATE INDEX ON staging.orders (updated_at)",
                    // the three planted differences
                    "UPDATE production.orders SET amount = amount + 0.01 WHERE order_id = 12345",
                    "UPDATE production.orders SET status = 'changed' WHERE order_id = 777777",
                    "UPDATE production.orders SET created_at = created_at + interval '1 second' WHERE order_id = 1999999",
                    // the same window staged equal to production (planted differences included), and with every row different
                    "CREATE TABLE staging.orders_clean (LIKE staging.orders INCLUDING ALL)",
                    "INSERT INTO staging.orders_clean (" + COLUMNS + ") SELECT " + COLUMNS + " FROM production.orders WHERE " + IN_WINDOW,
                    "CREATE TABLE staging.orders_changed (LIKE staging.orders INCLUDING ALL)",
                    "INSERT INTO staging.orders_changed (" + COLUMNS + ") SELECT order_id, customer_id, amount, status || ' changed', created_at, updated_at"
                            + " FROM staging.orders",
                    "VACUUM ANALYZE production.orders", "VACUUM ANALYZE staging.orders", "VACUUM ANALYZE staging.orders_clean",
                    "VACUUM ANALYZE staging.orders_changed")) {
                statement.execute(sql);
            }
        }
    }

    private static MergeCompleted merged(String stagingTable) {
        TableRef orders = TableRef.newBuilder().setName("orders").setSourceSchema("APP").setSourceTable("ORDERS")
                .setStagingSchema("staging").setStagingTable(stagingTable).setTargetSchema("production").setTargetTable("orders")
                .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
        TableMergeResult result = TableMergeResult.newBuilder().setTable(orders).setInserted(0).setUpdated(1_000_000).setSkippedStale(0)
                .setDuplicates(0).setFullLoadRows(1_000_000).setStagedRows(1_000_000).build();
        return MergeCompleted.newBuilder().setHeader(new EventHeader(UUID.randomUUID().toString(), "benchmark", Instant.now(), "benchmark", 1))
                .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(new TimeWindow(FROM, TO)).setTables(List.of(result)).setDurationMillis(0).build();
    }

    private static long count(DataSource db, String sql) throws SQLException {
        try (Connection connection = db.getConnection(); Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static double millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e6;
    }
}
