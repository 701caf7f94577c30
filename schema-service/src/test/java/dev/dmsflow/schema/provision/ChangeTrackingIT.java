package dev.dmsflow.schema.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.schema.ddl.ProvisionReport.Outcome;
import dev.dmsflow.schema.ddl.ProvisionReport.Step;
import dev.dmsflow.schema.ddl.ProvisionReport;
import dev.dmsflow.schema.ddl.Steps;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The change log provisioned for a CDC table: what it records of production's changes, and what it leaves out. */
class ChangeTrackingIT {

    private final DataSource db1 = DmsflowInfrastructure.shared().dataSource(Database.DB1);
    private final JdbcTemplate jdbc = new JdbcTemplate(db1);
    private final CatalogTable codes = new CatalogTable("codes", new QualifiedName("APP", "CODES"), new QualifiedName("ct_staging", "codes"),
            new QualifiedName("ct_production", "codes"), List.of("code"), Optional.empty(), 6, true, true, false);

    @BeforeEach
    void freshProduction() {
        jdbc.execute("DROP SCHEMA IF EXISTS ct_production CASCADE");
        jdbc.execute("DROP TABLE IF EXISTS dmsflow_changes.ct_production__codes");
        jdbc.execute("CREATE SCHEMA ct_production");
        jdbc.execute("CREATE TABLE ct_production.codes (code text COLLATE \"C\" PRIMARY KEY, label text)");
    }

    @Test
    void everyChangeButTheMergesOwnIsLoggedWithTheKeysCollationAndASecondRunChangesNothing() throws SQLException {
        List<Step> first = provision();

        assertThat(first).extracting(Step::object, Step::outcome).contains(
                org.assertj.core.groups.Tuple.tuple("change log dmsflow_changes.ct_production__codes", Outcome.CREATED),
                org.assertj.core.groups.Tuple.tuple("trigger dmsflow_change_log on ct_production.codes", Outcome.CREATED));
        assertThat(jdbc.queryForObject("SELECT collation_name FROM information_schema.columns"
                + " WHERE table_schema = 'dmsflow_changes' AND table_name = 'ct_production__codes' AND column_name = 'code'", String.class))
                .isEqualTo("C");
        assertThat(jdbc.queryForObject("SELECT tgenabled FROM pg_trigger WHERE tgname = 'dmsflow_change_log'"
                + " AND tgrelid = 'ct_production.codes'::regclass", String.class)).isEqualTo("A");

        // CDC: insert, update, delete, and an update that changes the key
        jdbc.update("INSERT INTO ct_production.codes VALUES ('a', 'x'), ('b', 'y')");
        jdbc.update("UPDATE ct_production.codes SET label = 'z' WHERE code = 'a'");
        jdbc.update("DELETE FROM ct_production.codes WHERE code = 'b'");
        jdbc.update("UPDATE ct_production.codes SET code = 'A' WHERE code = 'a'");
        // the merge marks its transaction: its writes are not CDC's
        new TransactionTemplate(new DataSourceTransactionManager(db1)).executeWithoutResult(status -> {
            jdbc.queryForObject("SELECT set_config('dmsflow.writer', 'merge', true)", String.class);
            jdbc.update("INSERT INTO ct_production.codes VALUES ('m', 'merged')");
        });

        assertThat(jdbc.queryForList("SELECT code || ':' || dmsflow_op FROM dmsflow_changes.ct_production__codes"
                + " ORDER BY dmsflow_changed_at, dmsflow_op DESC", String.class))
                .containsExactly("a:I", "b:I", "a:U", "b:D", "a:D", "A:I");

        assertThat(provision()).extracting(Step::outcome).containsOnly(Outcome.UNCHANGED);
    }

    private List<Step> provision() throws SQLException {
        Steps steps = new Steps();
        try (Connection connection = db1.getConnection()) {
            connection.setAutoCommit(false);
            ChangeTracking.provision(connection, codes, steps);
            connection.commit();
        }
        return steps.all();
    }
}
