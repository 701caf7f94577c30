package dev.dmsflow.merge;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.ChangeLog.KeyColumn;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.StagedTable;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.WindowStaged;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** Per-test schemas with an orders table in production and staging, and WindowStaged events for them. */
public final class MergeFixture {

    public static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    private final JdbcTemplate jdbc;
    public final String production;
    public final String staging;

    public MergeFixture(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        String id = UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        this.production = "prod_" + id;
        this.staging = "stg_" + id;
        jdbc.execute("CREATE SCHEMA " + production);
        jdbc.execute("CREATE SCHEMA " + staging);
    }

    /** orders in production (with its key) and staging (with a unique key, or without as DMS may leave it). */
    public void createOrders(boolean stagingKeyUnique) {
        String columns = "order_id bigint NOT NULL, customer_id bigint, amount numeric(10,2), status varchar(20), order_date timestamp, updated_at timestamp";
        jdbc.execute("CREATE TABLE " + production + ".orders (" + columns + ", PRIMARY KEY (order_id))");
        jdbc.execute("CREATE TABLE " + staging + ".orders (" + columns + (stagingKeyUnique ? ", PRIMARY KEY (order_id)" : "")
                + ", _dms_loaded_at timestamptz DEFAULT now())");
    }

    public TableRef orders() {
        return table("orders", List.of("order_id"), "updated_at");
    }

    public TableRef table(String name, List<String> keys, String windowColumn) {
        return TableRef.newBuilder().setName(name).setSourceSchema("APP").setSourceTable(name.toUpperCase(Locale.ROOT))
                .setStagingSchema(staging).setStagingTable(name).setTargetSchema(production).setTargetTable(name)
                .setKeyColumns(keys).setWindowColumn(windowColumn).build();
    }

    public static WindowStaged staged(String requestId, TaskKind kind, TimeWindow window, TableRef... tables) {
        return staged(requestId, kind, window, Instant.parse("2026-02-01T00:05:00Z"), tables);
    }

    public static WindowStaged staged(String requestId, TaskKind kind, TimeWindow window, Instant loadStartedAt, TableRef... tables) {
        return WindowStaged.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now().truncatedTo(ChronoUnit.MILLIS), "test", 1))
                .setKind(kind).setWindow(window)
                .setTables(List.of(tables).stream().map(t -> new StagedTable(t, 0L, 0L, 0L, 0L, 0L)).toList())
                .setLoadStartedAt(loadStartedAt)
                .build();
    }

    /** Puts a change log on production.orders, as schema-service provisions it for a table with changeTracking. */
    public void trackOrders() {
        jdbc.execute("CREATE SCHEMA IF NOT EXISTS " + ChangeLog.SCHEMA);
        ChangeLog.ddl(new QualifiedName(production, "orders"), List.of(new KeyColumn("order_id", "bigint", null))).forEach(jdbc::execute);
    }

    public static String newRequestId() {
        return "req-" + UUID.randomUUID();
    }

    public void order(String schema, long id, String amount, String status, String updatedAt) {
        jdbc.update("INSERT INTO " + schema + ".orders (order_id, customer_id, amount, status, order_date, updated_at) VALUES (?, ?, ?::numeric, ?, ?::timestamp, ?::timestamp)",
                id, id * 10, amount, status, "2026-01-01 00:00:00", updatedAt);
    }

    /** production.orders as "id:amount:status:updated_at" lines, by id. */
    public List<String> productionOrders() {
        return jdbc.query("SELECT order_id, amount, status, updated_at FROM " + production + ".orders ORDER BY order_id",
                (rs, i) -> rs.getLong(1) + ":" + rs.getBigDecimal(2) + ":" + rs.getString(3) + ":" + rs.getString(4));
    }
}
