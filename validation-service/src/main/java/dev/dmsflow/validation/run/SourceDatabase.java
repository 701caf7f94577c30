package dev.dmsflow.validation.run;

import com.zaxxer.hikari.HikariDataSource;
import dev.dmsflow.support.jdbc.JdbcSource;
import javax.sql.DataSource;

/**
 * The source connection pool, kept out of the context as a bean of its own type so that it is never mistaken for the
 * service's DataSource (database 1).
 */
final class SourceDatabase implements AutoCloseable {

    private final HikariDataSource dataSource;

    SourceDatabase(JdbcSource source) {
        if (!source.isPostgres() && !source.isOracle()) {
            throw new IllegalStateException("dmsflow.validation.source.url must be a PostgreSQL or Oracle JDBC URL; source checks on other databases are not supported: "
                    + source.redactedUrl());
        }
        dataSource = source.pool("validation-source", 2);
    }

    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
