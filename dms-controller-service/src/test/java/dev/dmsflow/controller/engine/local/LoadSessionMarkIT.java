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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The local engine's staging sessions say they are a dmsflow load ({@code dmsflow.writer = 'load'}), which is how
 * merge-service's sync triggers tell a reload of the staging table from CDC's writes.
 */
class LoadSessionMarkIT {

    private static final DmsflowInfrastructure INFRA = DmsflowInfrastructure.shared();
    private static final JdbcTemplate SOURCE = new JdbcTemplate(INFRA.dataSource(Database.SOURCE));
    private static final JdbcTemplate STAGING = new JdbcTemplate(INFRA.dataSource(Database.DB1));
    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    @Test
    void everyStatementOfALoadRunsInASessionMarkedAsALoad() {
        SOURCE.execute("DROP SCHEMA IF EXISTS \"LM\" CASCADE");
        SOURCE.execute("CREATE SCHEMA \"LM\"");
        SOURCE.execute("CREATE TABLE \"LM\".\"ORDERS\" (\"ORDER_ID\" bigint PRIMARY KEY, \"UPDATED_AT\" timestamp(6))");
        SOURCE.update("INSERT INTO \"LM\".\"ORDERS\" SELECT g, '2026-01-10' FROM generate_series(1, 10) g");
        STAGING.execute("DROP SCHEMA IF EXISTS lm_staging CASCADE");
        STAGING.execute("CREATE SCHEMA lm_staging");
        STAGING.execute("CREATE TABLE lm_staging.orders (order_id bigint PRIMARY KEY, updated_at timestamp(6))");
        STAGING.execute("CREATE TABLE lm_staging.writers (id bigserial, operation text, writer text)");
        STAGING.execute("CREATE FUNCTION lm_staging.record_writer() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN"
                + " INSERT INTO lm_staging.writers (operation, writer) VALUES (TG_OP, current_setting('dmsflow.writer', true)); RETURN NULL; END$$");
        STAGING.execute("CREATE TRIGGER record_writer AFTER INSERT OR TRUNCATE ON lm_staging.orders"
                + " FOR EACH STATEMENT EXECUTE FUNCTION lm_staging.record_writer()");
        LocalJdbcEngine engine = new LocalJdbcEngine(new LocalEngineProperties(
                new JdbcSource(INFRA.jdbcUrl(Database.SOURCE), DmsflowInfrastructure.USER, ""), 2), INFRA.dataSource(Database.DB1), 4);
        TableRef orders = TableRef.newBuilder().setName("orders").setSourceSchema("LM").setSourceTable("ORDERS")
                .setStagingSchema("lm_staging").setStagingTable("orders").setTargetSchema("lm_production").setTargetTable("orders")
                .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
        String mappings = TaskDocuments.tableMappings(List.of(orders), JANUARY, Map.of("orders", 6), true, Map.of());
        String settings = TaskDocuments.taskSettings(new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 1, 4, 600, true, false, 64, true, 32, true),
                "lm_staging");

        TaskHandle handle = engine.create(new LoadTask("lm-marked", LoadTask.FULL_LOAD, mappings, settings, Map.of()));
        engine.start(handle);
        await().atMost(Duration.ofSeconds(60)).until(() -> engine.describe(handle).phase() == TaskPhase.FULL_LOAD_COMPLETE
                || engine.describe(handle).phase() == TaskPhase.FAILED);

        assertThat(engine.describe(handle).phase()).as(engine.describe(handle).failureMessage()).isEqualTo(TaskPhase.FULL_LOAD_COMPLETE);
        assertThat(STAGING.queryForObject("SELECT count(*) FROM lm_staging.orders", Long.class)).isEqualTo(10L);
        // TRUNCATE, then one COPY per CommitRate (4) rows
        assertThat(STAGING.queryForList("SELECT operation || ':' || coalesce(writer, 'unmarked') FROM lm_staging.writers ORDER BY id", String.class))
                .containsExactly("TRUNCATE:load", "INSERT:load", "INSERT:load", "INSERT:load");
    }
}
