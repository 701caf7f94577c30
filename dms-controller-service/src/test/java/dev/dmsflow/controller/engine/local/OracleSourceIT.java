package dev.dmsflow.controller.engine.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.TaskHandle;
import dev.dmsflow.controller.engine.TaskPhase;
import dev.dmsflow.controller.mapping.TaskDocuments;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.support.jdbc.JdbcSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * A real Oracle (gvenzl/oracle-free) as the source: Oracle's own types through ojdbc11 into PostgreSQL staging.
 * Needs Docker; where there is none (as on the development machines) JUnit reports it as skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class OracleSourceIT {

    @Container
    static final GenericContainer<?> ORACLE = new GenericContainer<>("gvenzl/oracle-free:23-slim-faststart")
            .withEnv("ORACLE_PASSWORD", "dmsflow")
            .withEnv("APP_USER", "APP")
            .withEnv("APP_USER_PASSWORD", "app")
            .withExposedPorts(1521)
            .waitingFor(Wait.forLogMessage(".*DATABASE IS READY TO USE!.*\\n", 1))
            .withStartupTimeout(Duration.ofMinutes(5));

    @Test
    void oracleTypesArriveExactlyInPostgresStaging() throws Exception {
        String url = "jdbc:oracle:thin:@//" + ORACLE.getHost() + ":" + ORACLE.getMappedPort(1521) + "/FREEPDB1";
        try (Connection oracle = DriverManager.getConnection(url, "APP", "app"); Statement statement = oracle.createStatement()) {
            statement.execute("CREATE TABLE ORDERS (ORDER_ID NUMBER(19) PRIMARY KEY, NAME VARCHAR2(20), EMPTY_TEXT VARCHAR2(10),"
                    + " AMOUNT NUMBER, CREATED DATE, UPDATED_AT TIMESTAMP(6), SHIPPED_AT TIMESTAMP WITH TIME ZONE, NOTES CLOB,"
                    + " PAYLOAD BLOB, TOKEN RAW(4))");
            statement.execute("INSERT INTO ORDERS VALUES (1, 'Zoë', '', 12345678901234567890.123456789,"
                    + " TO_DATE('2026-01-31 23:59:59', 'YYYY-MM-DD HH24:MI:SS'), TIMESTAMP '2026-01-31 23:59:59.999999',"
                    + " TIMESTAMP '2026-01-15 12:00:00 +02:00', 'a long text', HEXTORAW('00FF10'), HEXTORAW('CAFEBABE'))");
            statement.execute("INSERT INTO ORDERS VALUES (2, 'at to', NULL, 1, DATE '2026-02-01', TIMESTAMP '2026-02-01 00:00:00',"
                    + " NULL, NULL, NULL, NULL)");
        }
        JdbcTemplate staging = new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.DB1));
        staging.execute("DROP SCHEMA IF EXISTS ora_staging CASCADE");
        staging.execute("CREATE SCHEMA ora_staging");
        staging.execute("CREATE TABLE ora_staging.orders (order_id bigint PRIMARY KEY, name varchar(20), empty_text varchar(10), amount numeric,"
                + " created timestamp(0), updated_at timestamp(6), shipped_at timestamptz, notes text, payload bytea, token bytea)");
        LocalJdbcEngine engine = new LocalJdbcEngine(new LocalEngineProperties(new JdbcSource(url, "APP", "app"), 1000),
                DmsflowInfrastructure.shared().dataSource(Database.DB1), 4);
        TableRef orders = TableRef.newBuilder().setName("orders").setSourceSchema("APP").setSourceTable("ORDERS")
                .setStagingSchema("ora_staging").setStagingTable("orders").setTargetSchema("production").setTargetTable("orders")
                .setKeyColumns(List.of("order_id")).setWindowColumn("created").build();
        TimeWindow january = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

        TaskHandle handle = engine.create(new LoadTask("ora-1", LoadTask.FULL_LOAD,
                TaskDocuments.tableMappings(List.of(orders), january, Map.of("orders", 0), true, Map.of()),
                TaskDocuments.taskSettings(new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 1, 100, 600, true, false, 64, true, 32, true), "ora_staging"),
                Map.of()));
        engine.start(handle);
        await().atMost(Duration.ofSeconds(60)).until(() -> engine.describe(handle).phase() == TaskPhase.FULL_LOAD_COMPLETE);

        assertThat(staging.queryForList("SELECT order_id || '|' || name || '|' || coalesce(empty_text, 'NULL') || '|' || amount || '|' || created"
                + " || '|' || updated_at || '|' || shipped_at || '|' || notes || '|' || encode(payload, 'hex') || '|' || encode(token, 'hex')"
                + " FROM ora_staging.orders", String.class)).containsExactly(
                "1|Zoë|NULL|12345678901234567890.123456789|2026-01-31 23:59:59|2026-01-31 23:59:59.999999|2026-01-15 10:00:00+00|a long text|00ff10|cafebabe");
    }
}
