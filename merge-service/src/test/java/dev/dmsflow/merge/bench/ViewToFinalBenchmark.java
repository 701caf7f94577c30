package dev.dmsflow.merge.bench;

import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.FinalTable;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ForeignServer;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ForeignTable;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.JoinColumns;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.Side;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.View;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ViewColumn;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.merge.multistage.ViewToFinalMerge;
import dev.dmsflow.merge.window.MergeCounts;
import dev.dmsflow.merge.window.TableShapes;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A multi-stage run's last stage against the floor PostgreSQL sets for it: the cross-database view (1,000,000 staged
 * January orders joined over postgres_fdw with 100,000 customer segments of a second database, as the demo's
 * orders_enriched) loaded into an empty final table by merge-service's ViewToFinalMerge (newest row per key, newer-wins
 * upsert, counts), and by a raw {@code INSERT INTO final SELECT ... FROM view} with the same window filter. Both run
 * twice, alternating, each into a fresh final table; the best of each is compared, and the final tables they leave.
 * Into a table without the window's keys the merge inserts as the raw statement does; the window merged once more
 * into the table then holding it shows the upsert's cost (printed, not compared).
 *
 * <p>Run: {@code java -cp <test classpath> dev.dmsflow.merge.bench.ViewToFinalBenchmark} (optional argument: staged rows).
 */
public final class ViewToFinalBenchmark {

    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));
    private static final QualifiedName FINAL = new QualifiedName("target", "orders_enriched");
    private static final String COLUMNS = "order_id, customer_id, order_date, amount, status, updated_at, segment, account_manager";

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60)).start()) {
            DataSource db1 = postgres.getPostgresDatabase();
            execute(db1, "CREATE DATABASE db2");
            DataSource db2 = postgres.getDatabase("postgres", "db2");
            execute(db2, "CREATE TABLE public.customer_segments (customer_id bigint PRIMARY KEY, segment text, account_manager text)");
            execute(db2, "INSERT INTO public.customer_segments SELECT g, (ARRAY['gold', 'silver', 'bronze'])[g % 3 + 1], 'manager ' || g % 50"
                    + " FROM generate_series(1, " + rows / 10 + ") g");
            execute(db2, "VACUUM ANALYZE public.customer_segments");
            execute(db1, "CREATE EXTENSION postgres_fdw");
            execute(db1, "CREATE SERVER db2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'localhost', port '" + postgres.getPort()
                    + "', dbname 'db2')");
            execute(db1, "CREATE USER MAPPING FOR CURRENT_USER SERVER db2 OPTIONS (user 'postgres')");
            execute(db1, "CREATE SCHEMA staging");
            execute(db1, "CREATE SCHEMA target");
            execute(db1, "IMPORT FOREIGN SCHEMA public LIMIT TO (customer_segments) FROM SERVER db2 INTO staging");
            execute(db1, "CREATE TABLE staging.orders (order_id bigint PRIMARY KEY, customer_id bigint, amount numeric(10,2), status varchar(20),"
                    + " order_date timestamp, updated_at timestamp)");
            execute(db1, "INSERT INTO staging.orders SELECT g, g % " + rows / 10 + " + 1, (g % 10000) / 100.0, 'OPEN', timestamp '2025-12-01',"
                    + " timestamp '2026-01-01' + (g % 2678000) * interval '1 second' FROM generate_series(1, " + rows + ") g");
            execute(db1, "VACUUM ANALYZE staging.orders");
            // the view and the final table as schema-service provisions them (MultiStageProvisioner)
            execute(db1, "CREATE VIEW staging.orders_enriched_v AS SELECT s.order_id, s.customer_id, s.order_date, s.amount, s.status,"
                    + " s.updated_at, f.segment, f.account_manager FROM staging.orders s JOIN staging.customer_segments f ON s.customer_id = f.customer_id");
            System.out.printf("view → final benchmark: %s; %,d staged rows joined over postgres_fdw with %,d remote rows%n",
                    serverVersion(db1), rows, rows / 10);
            ViewToFinalMerge merge = new ViewToFinalMerge(definition(), TableRef.newBuilder().setName("orders").setSourceSchema("APP")
                    .setSourceTable("ORDERS").setStagingSchema("staging").setStagingTable("orders").setTargetSchema("production")
                    .setTargetTable("orders").setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build(), rows, new TableShapes());
            double raw = Double.MAX_VALUE;
            double merged = Double.MAX_VALUE;
            long rawHash = 0;
            long mergeHash = 0;
            String counts = "";
            for (int round = 0; round < 2; round++) {
                freshFinal(db1);
                long start = System.nanoTime();
                execute(db1, "INSERT INTO " + FINAL.quoted() + " (" + COLUMNS + ") SELECT " + COLUMNS + " FROM staging.orders_enriched_v s"
                        + " WHERE s.updated_at >= '2026-01-01' AND s.updated_at < '2026-02-01'");
                raw = Math.min(raw, (System.nanoTime() - start) / 1e9);
                rawHash = finalHash(db1);
                freshFinal(db1);
                start = System.nanoTime();
                try (Connection connection = db1.getConnection()) {
                    connection.setAutoCommit(false);
                    MergeCounts result = merge.execute(connection, JANUARY);
                    connection.commit();
                    counts = String.format("staged %,d, inserted %,d, updated %,d, skipped stale %,d, duplicates %,d",
                            result.staged(), result.inserted(), result.updated(), result.skippedStale(), result.duplicates());
                }
                merged = Math.min(merged, (System.nanoTime() - start) / 1e9);
                mergeHash = finalHash(db1);
            }
            // the same window again into the final table that now holds it: the upsert's path (newest per key, ON CONFLICT)
            long start = System.nanoTime();
            String again;
            try (Connection connection = db1.getConnection()) {
                connection.setAutoCommit(false);
                MergeCounts result = merge.execute(connection, JANUARY);
                connection.commit();
                again = String.format("staged %,d, inserted %,d, updated %,d, skipped stale %,d", result.staged(), result.inserted(),
                        result.updated(), result.skippedStale());
            }
            double upserted = (System.nanoTime() - start) / 1e9;
            System.out.printf("raw INSERT INTO final SELECT ... FROM view   %7.3f s%n", raw);
            System.out.printf("ViewToFinalMerge into a final table without the window's keys  %7.3f s  %s%n", merged, counts);
            System.out.printf("ViewToFinalMerge again, the final table holding the window (newest per key, upsert)  %7.3f s  %s%n", upserted, again);
            System.out.println("final table identical: " + (rawHash == mergeHash ? "yes" : "NO"));
            System.out.printf("view→final/raw insert (%s): %.2f%n", rows == 1_000_000 ? "1M" : String.format("%,d", rows), merged / raw);
            if (rawHash != mergeHash) {
                System.exit(1);
            }
        }
    }

    private static MultiStageDefinition definition() {
        List<ViewColumn> columns = List.of(new ViewColumn(Side.STAGING, "order_id", "order_id"), new ViewColumn(Side.STAGING, "customer_id", "customer_id"),
                new ViewColumn(Side.STAGING, "order_date", "order_date"), new ViewColumn(Side.STAGING, "amount", "amount"),
                new ViewColumn(Side.STAGING, "status", "status"), new ViewColumn(Side.STAGING, "updated_at", "updated_at"),
                new ViewColumn(Side.FOREIGN, "segment", "segment"), new ViewColumn(Side.FOREIGN, "account_manager", "account_manager"));
        return new MultiStageDefinition("orders_enriched", "orders",
                new ForeignServer("db2", "localhost", 5432, "db2", "postgres", Optional.empty()),
                new ForeignTable(new QualifiedName("staging", "customer_segments"), new QualifiedName("public", "customer_segments")),
                new View(new QualifiedName("staging", "orders_enriched_v"), List.of(new JoinColumns("customer_id", "customer_id")), columns),
                new FinalTable(FINAL, List.of("order_id"), Optional.of("updated_at")), false);
    }

    /** The final table as MultiStageProvisioner creates it, empty, after a checkpoint so both variants start alike. */
    private static void freshFinal(DataSource db1) throws SQLException {
        execute(db1, "DROP TABLE IF EXISTS " + FINAL.quoted());
        execute(db1, "CREATE TABLE " + FINAL.quoted() + " (order_id bigint, customer_id bigint, order_date timestamp, amount numeric(10,2),"
                + " status varchar(20), updated_at timestamp, segment text, account_manager text,"
                + " migration_timestamp timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (order_id))");
        execute(db1, "CHECKPOINT");
    }

    private static long finalHash(DataSource db1) throws SQLException {
        try (Connection connection = db1.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) * 31 + coalesce(sum(hashtext((" + COLUMNS + ")::text)::bigint), 0) FROM "
                     + FINAL.quoted())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String serverVersion(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT 'PostgreSQL ' || current_setting('server_version') || ' (embedded; work_mem '"
                     + " || current_setting('work_mem') || ')'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
