package dev.dmsflow.validation.run;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;

/**
 * The source connection pool, kept out of the context as a bean of its own type so that it is never mistaken for the
 * service's DataSource (database 1).
 */
final class SourceDatabase implements AutoCloseable {

    private final HikariDataSource dataSource;

    SourceDatabase(ValidationProperties.Source source) {
        if (!source.url().startsWith("jdbc:postgresql:")) {
            throw new IllegalStateException("dmsflow.validation.source.url must be a PostgreSQL JDBC URL; source checks on other databases are not supported: "
                    + source.url());
        }
        dataSource = new HikariDataSource();
        dataSource.setPoolName("validation-source");
        dataSource.setJdbcUrl(source.url());
        dataSource.setUsername(source.username());
        dataSource.setPassword(source.password());
        dataSource.setMaximumPoolSize(2);
        dataSource.setMinimumIdle(0);
    }

    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
