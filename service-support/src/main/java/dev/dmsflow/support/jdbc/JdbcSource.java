package dev.dmsflow.support.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A source database as every service configures it ({@code <prefix>.source.url}, {@code .username}, {@code .password};
 * the password from the environment or a {@code _FILE}), printed without its password wherever it is printed, and the
 * one way a service opens a pool on it.
 *
 * @param url      JDBC URL, e.g. {@code jdbc:oracle:thin:@//oracle:1521/FREEPDB1} or {@code jdbc:postgresql://db/app}
 * @param password never printed; neither is a password a URL carries as a parameter
 */
public record JdbcSource(String url, String username, String password) {

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

    public boolean configured() {
        return url != null && !url.isBlank();
    }

    public boolean isPostgres() {
        return configured() && url.startsWith("jdbc:postgresql:");
    }

    public boolean isOracle() {
        return configured() && url.startsWith("jdbc:oracle:");
    }

    /**
     * A pool on the source that opens no connection before the first is asked for (a source that is down fails that
     * work, not the service's start) and closes idle ones after a minute. The caller closes it.
     */
    public HikariDataSource pool(String name, int maxConnections) {
        HikariDataSource pool = new HikariDataSource();
        pool.setPoolName(name);
        pool.setJdbcUrl(url);
        pool.setUsername(username);
        pool.setPassword(password);
        pool.setMaximumPoolSize(maxConnections);
        pool.setMinimumIdle(0);
        pool.setIdleTimeout(Duration.ofMinutes(1).toMillis());
        return pool;
    }

    /** The URL as it may be shown: a password parameter in it masked. */
    public String redactedUrl() {
        return url == null ? null : URL_PASSWORD.matcher(url).replaceAll("$1****");
    }

    @Override
    public String toString() {
        // a record prints every component, the password too: this one must never reach a log or an error message
        return "JdbcSource[url=" + redactedUrl() + ", username=" + username + ", password=" + (password == null ? "none" : "****") + "]";
    }
}
