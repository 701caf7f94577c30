package dev.dmsflow.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** A database outage for chaos tests: PostgreSQL stops and starts again on the same port, with its data. */
class PostgresRestartIT {

    @Test
    void postgresStartsAgainOnTheSamePortWithItsData() throws SQLException {
        try (DmsflowInfrastructure infra = DmsflowInfrastructure.start(0)) {
            int port = infra.postgresPort();
            try (Connection connection = infra.dataSource(Database.DB1).getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE kept (id int)");
                statement.execute("INSERT INTO kept VALUES (42)");
            }

            infra.stopPostgres();

            assertThatThrownBy(() -> infra.dataSource(Database.DB1).getConnection().close()).isInstanceOf(SQLException.class);

            infra.startPostgres();

            assertThat(infra.postgresPort()).isEqualTo(port);
            try (Connection connection = infra.dataSource(Database.DB1).getConnection(); Statement statement = connection.createStatement();
                 ResultSet kept = statement.executeQuery("SELECT id FROM kept")) {
                assertThat(kept.next()).isTrue();
                assertThat(kept.getInt(1)).isEqualTo(42);
            }
        }
    }
}
