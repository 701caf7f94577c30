package dev.dmsflow.controller.engine.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.controller.mapping.TaskDocuments;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A window over a TIMESTAMP(9) column through the Oracle dialect's path (H2 in Oracle mode stands in for the source,
 * the real PostgreSQL holds staging): the rows the exact filter selects land inside the window in staging, the row
 * a hundred nanoseconds before its end included.
 */
class SubMicrosecondWindowIT {

    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    @Test
    void everyRowSelectedForTheWindowIsStagedInsideIt() throws Exception {
        JdbcTemplate staging = new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.DB1));
        staging.execute("DROP SCHEMA IF EXISTS submicro_staging CASCADE");
        staging.execute("CREATE SCHEMA submicro_staging");
        staging.execute("CREATE TABLE submicro_staging.orders (order_id bigint PRIMARY KEY, updated_at timestamp(6))");
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:submicro;MODE=Oracle");
             Statement statement = h2.createStatement();
             Connection target = DmsflowInfrastructure.shared().dataSource(Database.DB1).getConnection()) {
            OracleStandIn.addDictionary(h2);
            statement.execute("CREATE SCHEMA APP");
            statement.execute("CREATE TABLE APP.ORDERS (ORDER_ID NUMBER(19) PRIMARY KEY, UPDATED_AT TIMESTAMP(9))");
            statement.execute("INSERT INTO APP.ORDERS VALUES"
                    + " (1, TIMESTAMP '2025-12-31 23:59:59.9999997'),"
                    + " (2, TIMESTAMP '2026-01-01 00:00:00.0000004'),"
                    + " (3, TIMESTAMP '2026-01-31 23:59:59.9999997'),"
                    + " (4, TIMESTAMP '2026-02-01 00:00:00')");
            TableRef orders = TableRef.newBuilder().setName("orders").setSourceSchema("APP").setSourceTable("ORDERS")
                    .setStagingSchema("submicro_staging").setStagingTable("orders").setTargetSchema("production").setTargetTable("orders")
                    .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
            String mappings = TaskDocuments.tableMappings(List.of(orders), JANUARY, Map.of("orders", 9), true, Map.of());
            String settings = TaskDocuments.taskSettings(new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 1, 100, 600, true, false, 64, true, 32, true),
                    "submicro_staging");
            TableCopy copy = PlanCompiler.compile(TaskPlan.parse("full-load", mappings, settings), h2, new SourceDialect.Oracle())
                    .get(0).segments().get(0);

            copy.prepare(target, "TRUNCATE_BEFORE_LOAD");
            long loaded = copy.copy(h2, target, new SourceDialect.Oracle(), 100, 10, new AtomicLong());

            assertThat(loaded).isEqualTo(2);
        }
        assertThat(staging.queryForList("SELECT order_id || ' ' || updated_at FROM submicro_staging.orders ORDER BY 1", String.class))
                .containsExactly("2 2026-01-01 00:00:00", "3 2026-01-31 23:59:59.999999");
        // the window's count check counts the staged rows inside [from, to): both
        assertThat(staging.queryForObject("SELECT count(*) FROM submicro_staging.orders"
                + " WHERE updated_at >= '2026-01-01 00:00:00' AND updated_at < '2026-02-01 00:00:00'", Long.class)).isEqualTo(2);
    }
}
