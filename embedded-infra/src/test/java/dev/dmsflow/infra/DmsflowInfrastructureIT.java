package dev.dmsflow.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The infrastructure every integration test stands on: a reachable broker and the three databases, with postgres_fdw. */
class DmsflowInfrastructureIT {

    private final DmsflowInfrastructure infra = DmsflowInfrastructure.shared();

    @Test
    void postgresHasTheThreeDatabasesAndTheExtensionsMultiStageLoadsNeed() throws Exception {
        for (Database database : Database.values()) {
            try (Connection connection = infra.dataSource(database).getConnection();
                 Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT current_database(), current_setting('server_version_num')::int")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(database.databaseName());
                assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(170000);
            }
        }
        try (Connection connection = infra.dataSource(Database.DB1).getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT name FROM pg_available_extensions WHERE name IN ('postgres_fdw', 'dblink') ORDER BY name")) {
            List<String> extensions = new ArrayList<>();
            while (rs.next()) {
                extensions.add(rs.getString(1));
            }
            assertThat(extensions).containsExactly("dblink", "postgres_fdw");
        }
    }

    @Test
    void kafkaAnswersAtTheAdvertisedAddress() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
    }

    @Test
    void sharedInstanceIsStartedOncePerJvm() {
        assertThat(DmsflowInfrastructure.shared()).isSameAs(infra);
        assertThat(infra.serviceProperties()).containsEntry("spring.datasource.url", infra.jdbcUrl(Database.DB1))
                .containsEntry("spring.kafka.bootstrap-servers", infra.kafkaBootstrapServers());
    }
}
