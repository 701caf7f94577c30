package dev.dmsflow.support.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

class JdbcSourceTest {

    @Test
    void printsNeitherItsPasswordNorOneInItsUrl() {
        JdbcSource source = new JdbcSource("jdbc:postgresql://db/app?user=app&password=s3cret&ssl=true", "app", "hunter2");

        assertThat(source.toString()).doesNotContain("s3cret", "hunter2")
                .isEqualTo("JdbcSource[url=jdbc:postgresql://db/app?user=app&password=****&ssl=true, username=app, password=****]");
        assertThat(new JdbcSource("jdbc:oracle:thin:@//ora:1521/FREEPDB1", "app", null).toString()).endsWith("password=none]");
    }

    @Test
    void knowsItsDatabase() {
        assertThat(new JdbcSource("jdbc:postgresql://db/app", null, null).isPostgres()).isTrue();
        assertThat(new JdbcSource("jdbc:oracle:thin:@//ora:1521/FREEPDB1", null, null).isOracle()).isTrue();
        assertThat(new JdbcSource(" ", null, null).configured()).isFalse();
    }

    @Test
    void itsPoolOpensNoConnectionUntilOneIsAskedFor() {
        // nothing listens on port 1: a pool that connected at once would fail here
        try (HikariDataSource pool = new JdbcSource("jdbc:postgresql://127.0.0.1:1/none", "app", "pw").pool("test-source", 3)) {
            assertThat(pool.getMaximumPoolSize()).isEqualTo(3);
            assertThat(pool.getMinimumIdle()).isZero();
            assertThat(pool.isRunning()).isFalse();
        }
    }
}
