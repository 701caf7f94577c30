package dev.dmsflow.schema.fdw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.FinalTable;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ForeignServer;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ForeignTable;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.JoinColumns;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.Side;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.View;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ViewColumn;
import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.schema.ddl.ProvisionException;
import dev.dmsflow.schema.ddl.Steps;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** A foreign server that cannot be used fails provisioning with its name and the reason, and never with its password. */
class BrokenForeignServerIT {

    private static final String PASSWORD = "br0ken-s3cret";

    private final DataSource db1 = DmsflowInfrastructure.shared().dataSource(Database.DB1);

    @Test
    void aServerWhoseDatabaseDoesNotExistIsNamedWithTheReason() {
        ForeignServer server = new ForeignServer("sv_broken_db", "localhost", DmsflowInfrastructure.shared().postgresPort(), "sv_no_such_db",
                DmsflowInfrastructure.USER, Optional.of("SV_BROKEN_PASSWORD"));

        assertThatThrownBy(() -> provision(server))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("foreign server sv_broken_db")
                .hasMessageContaining("dbname sv_no_such_db")
                .hasMessageContaining("database \"sv_no_such_db\" does not exist")
                .message().doesNotContain(PASSWORD);
    }

    @Test
    void aServerThatRefusesConnectionsIsNamedWithTheReason() {
        ForeignServer server = new ForeignServer("sv_broken_port", "localhost", 1, "dmsflow_db2", DmsflowInfrastructure.USER, Optional.empty());

        assertThatThrownBy(() -> provision(server))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("foreign server sv_broken_port")
                .hasMessageContaining("port 1")
                .hasMessageContaining("Connection refused");
    }

    @Test
    void nothingOfAFailedMultiStageIsLeftBehind() {
        ForeignServer server = new ForeignServer("sv_broken_left", "localhost", 1, "dmsflow_db2", DmsflowInfrastructure.USER, Optional.empty());

        assertThatThrownBy(() -> provision(server)).isInstanceOf(ProvisionException.class);

        assertThat(new JdbcTemplate(db1).queryForObject("SELECT count(*) FROM pg_foreign_server WHERE srvname = 'sv_broken_left'", Long.class)).isZero();
    }

    /** Provisions one definition in a transaction that is rolled back, as the Provisioner does when a unit fails. */
    private void provision(ForeignServer server) throws Exception {
        String schema = "sv_fdw_" + server.name().substring(10);
        MultiStageDefinition definition = new MultiStageDefinition("broken", "orders", server,
                new ForeignTable(new QualifiedName(schema, "customers_db2"), new QualifiedName("public", "sv_customers")),
                new View(new QualifiedName(schema, "orders_v"), List.of(new JoinColumns("customer_id", "customer_id")),
                        List.of(new ViewColumn(Side.STAGING, "order_id", "order_id"))),
                new FinalTable(new QualifiedName(schema, "orders_final"), List.of("order_id"), Optional.empty()), false);
        CatalogTable staging = new CatalogTable("orders", new QualifiedName("APP", "ORDERS"), new QualifiedName(schema, "orders"),
                new QualifiedName(schema, "orders_prod"), List.of("order_id"), Optional.empty(), CatalogTable.DEFAULT_WINDOW_PRECISION);
        MultiStageProvisioner provisioner = new MultiStageProvisioner(s -> s.passwordEnv().map(variable -> PASSWORD), Optional.empty());
        try (Connection connection = db1.getConnection()) {
            connection.setAutoCommit(false);
            try {
                provisioner.provision(connection, definition, staging, new Steps());
            } finally {
                connection.rollback();
            }
        }
    }
}
