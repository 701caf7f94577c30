package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * An orders table after a merged window reload, in schemas of its own ({@code <prefix>_staging}, {@code _production} in
 * database 1, {@code <prefix>_source} in the source database): odd keys 1..2n-1 are the staged window (January 2026)
 * and identical in production and the source; even keys are production/source rows of December 2025, outside it.
 * Staging carries a bookkeeping column production lacks.
 */
public final class OrdersFixture {

    public static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    public static final Instant TO = Instant.parse("2026-02-01T00:00:00Z");
    /** The load started after every row of the window was last written. */
    public static final Instant LOAD_STARTED = Instant.parse("2026-02-01T06:00:00Z");

    private static final String COLUMNS = """
            order_id bigint PRIMARY KEY, customer_id bigint NOT NULL, amount numeric(10,2), note varchar(20), code char(5),
            created_at timestamptz, updated_at timestamp(6)""";
    private static final String ROWS = """
            SELECT g, g %% 97, (g %% 1000) / 4.0, 'note ' || g, 'c' || (g %% 10),
                   timestamptz '2025-06-01 00:00:00.123456+02' + g * interval '1 second',
                   CASE WHEN g %% 2 = 1 THEN timestamp '2026-01-01' + g * interval '7 seconds' + interval '0.5 seconds'
                        ELSE timestamp '2025-12-01' + g * interval '7 seconds' END
              FROM generate_series(1, %d) g""";

    public final String prefix;
    public final int rows;

    public OrdersFixture(String prefix, int rows) {
        this.prefix = prefix;
        this.rows = rows;
    }

    public static DataSource db1() {
        return DmsflowInfrastructure.shared().dataSource(Database.DB1);
    }

    public static DataSource source() {
        return DmsflowInfrastructure.shared().dataSource(Database.SOURCE);
    }

    public String staging() {
        return prefix + "_staging.orders";
    }

    public String production() {
        return prefix + "_production.orders";
    }

    public String sourceTable() {
        return prefix + "_source.orders";
    }

    /** The change log of production ({@code ChangeLog.of}), which schema-service provisions where CDC writes. */
    public String changeLog() {
        return "dmsflow_changes." + prefix + "_production__orders";
    }

    /** Creates the change log of production as schema-service provisions it: production's key, operation and time. */
    public OrdersFixture withChangeLog() throws SQLException {
        execute(db1(), "CREATE SCHEMA IF NOT EXISTS dmsflow_changes",
                "CREATE TABLE " + changeLog() + " (order_id bigint, dmsflow_op \"char\", dmsflow_changed_at timestamptz DEFAULT clock_timestamp())");
        return this;
    }

    /** Drops and recreates all three tables, without a change log. */
    public OrdersFixture create() throws SQLException {
        int all = rows * 2;
        execute(db1(), "DROP TABLE IF EXISTS " + changeLog(),
                "DROP SCHEMA IF EXISTS " + prefix + "_staging CASCADE",
                "DROP SCHEMA IF EXISTS " + prefix + "_production CASCADE",
                "CREATE SCHEMA " + prefix + "_staging",
                "CREATE SCHEMA " + prefix + "_production",
                "CREATE TABLE " + production() + " (" + COLUMNS + ")",
                "CREATE TABLE " + staging() + " (" + COLUMNS + ", _dms_loaded_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO " + production() + " " + ROWS.formatted(all),
                "INSERT INTO " + staging() + " (order_id, customer_id, amount, note, code, created_at, updated_at) SELECT * FROM " + production()
                        + " WHERE order_id % 2 = 1",
                "ANALYZE " + production(), "ANALYZE " + staging());
        execute(source(), "DROP SCHEMA IF EXISTS " + prefix + "_source CASCADE",
                "CREATE SCHEMA " + prefix + "_source",
                "CREATE TABLE " + sourceTable() + " (" + COLUMNS + ")",
                "INSERT INTO " + sourceTable() + " " + ROWS.formatted(all));
        return this;
    }

    public TableRef tableRef() {
        return TableRef.newBuilder().setName("orders")
                .setSourceSchema(prefix.toUpperCase() + "_SOURCE").setSourceTable("ORDERS")
                .setStagingSchema(prefix + "_staging").setStagingTable("orders")
                .setTargetSchema(prefix + "_production").setTargetTable("orders")
                .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
    }

    /** The MergeCompleted of this window, reporting {@code fullLoadRows} loaded rows. */
    public MergeCompleted merged(String requestId, long fullLoadRows) {
        TableMergeResult result = TableMergeResult.newBuilder().setTable(tableRef()).setInserted(0).setUpdated(rows).setSkippedStale(0)
                .setDuplicates(0).setFullLoadRows(fullLoadRows).setStagedRows(fullLoadRows).build();
        return MergeCompleted.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now(), "merge-service", 1))
                .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(new TimeWindow(FROM, TO)).setTables(List.of(result))
                .setDurationMillis(10).setLoadStartedAt(LOAD_STARTED).build();
    }

    public MergeCompleted merged(String requestId) {
        return merged(requestId, rows);
    }

    public static void execute(DataSource dataSource, String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
