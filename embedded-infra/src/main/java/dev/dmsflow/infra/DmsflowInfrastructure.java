package dev.dmsflow.infra;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A real Kafka broker (KRaft, in-process) and a real PostgreSQL server (zonky embedded binaries) holding the source,
 * database 1 and database 2 databases. Integration tests share one instance per JVM through {@link #shared()}; the
 * embedded runner starts its own with {@link #start(int)}. PostgreSQL can be stopped and started again on the same port
 * and data directory ({@link #stopPostgres()}, {@link #startPostgres()}), as a database outage.
 */
public final class DmsflowInfrastructure implements AutoCloseable {

    public static final String USER = "postgres";
    /** The listener clients connect to (Kafka's test kit names it), e.g. for {@code listener.name.external.*} settings. */
    public static final String BROKER_LISTENER = "EXTERNAL";
    /** The KRaft controller's listener. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static DmsflowInfrastructure shared;

    private final EmbeddedKafkaKraftBroker kafka;
    private final Path dataDirectory;
    private final int postgresPort;
    private EmbeddedPostgres postgres;

    private DmsflowInfrastructure(EmbeddedKafkaKraftBroker kafka, Path dataDirectory, EmbeddedPostgres postgres) {
        this.kafka = kafka;
        this.dataDirectory = dataDirectory;
        this.postgresPort = postgres.getPort();
        this.postgres = postgres;
    }

    /** The JVM-wide instance, started on first use and stopped when the JVM exits. */
    public static synchronized DmsflowInfrastructure shared() {
        if (shared == null) {
            shared = start(0);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "dmsflow-infra-shutdown"));
        }
        return shared;
    }

    /**
     * Starts a broker and a PostgreSQL server.
     *
     * @param postgresPort fixed PostgreSQL port, or 0 for a free one
     */
    public static DmsflowInfrastructure start(int postgresPort) {
        return start(postgresPort, Map.of());
    }

    /**
     * Starts a broker with {@code brokerProperties} above the defaults (e.g. a SASL listener; the client listener is
     * named {@value #BROKER_LISTENER}, the KRaft controller's {@value #CONTROLLER_LISTENER}) and a PostgreSQL server.
     *
     * @param postgresPort fixed PostgreSQL port, or 0 for a free one
     */
    public static DmsflowInfrastructure start(int postgresPort, Map<String, String> brokerProperties) {
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 3);
        // one broker: internal topics cannot have more replicas than that
        kafka.brokerProperty("offsets.topic.replication.factor", "1");
        kafka.brokerProperty("transaction.state.log.replication.factor", "1");
        kafka.brokerProperty("transaction.state.log.min.isr", "1");
        brokerProperties.forEach(kafka::brokerProperty);
        kafka.afterPropertiesSet();
        Path dataDirectory;
        EmbeddedPostgres postgres;
        try {
            // our own data directory, kept when the server stops, so it can start again with its data
            dataDirectory = Files.createTempDirectory("dmsflow-postgres");
            postgres = startPostgres(postgresPort, dataDirectory.toFile());
        } catch (IOException e) {
            kafka.destroy();
            throw new UncheckedIOException("Embedded PostgreSQL did not start", e);
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            for (Database database : Database.values()) {
                statement.execute("CREATE DATABASE " + database.databaseName());
            }
        } catch (SQLException e) {
            kafka.destroy();
            closeQuietly(postgres);
            deleteQuietly(dataDirectory);
            throw new IllegalStateException("Cannot create the dmsflow databases", e);
        }
        return new DmsflowInfrastructure(kafka, dataDirectory, postgres);
    }

    private static EmbeddedPostgres startPostgres(int port, File dataDirectory) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "200")
                // the server's log is relayed into this process's log: no DETAIL (row values) and no statements
                .setServerConfig("log_error_verbosity", "terse")
                .setServerConfig("log_min_error_statement", "panic")
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /** Stops the PostgreSQL server (fast shutdown: open connections are cut), keeping its data directory and port. */
    public synchronized void stopPostgres() {
        if (postgres != null) {
            closeQuietly(postgres);
            postgres = null;
        }
    }

    /** Starts the PostgreSQL server stopped by {@link #stopPostgres()} again, on the same port with the same data. */
    public synchronized void startPostgres() {
        if (postgres == null) {
            try {
                postgres = startPostgres(postgresPort, dataDirectory.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("Embedded PostgreSQL did not start again on port " + postgresPort, e);
            }
        }
    }

    public String kafkaBootstrapServers() {
        return kafka.getBrokersAsString();
    }

    public EmbeddedKafkaKraftBroker kafka() {
        return kafka;
    }

    public int postgresPort() {
        return postgresPort;
    }

    public String jdbcUrl(Database database) {
        return "jdbc:postgresql://localhost:" + postgresPort + "/" + database.databaseName();
    }

    public DataSource dataSource(Database database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(jdbcUrl(database));
        dataSource.setUser(USER);
        return dataSource;
    }

    /** Connection settings of a dmsflow service: Kafka, and database 1 as its DataSource. */
    public Map<String, Object> serviceProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.kafka.bootstrap-servers", kafkaBootstrapServers());
        properties.put("spring.datasource.url", jdbcUrl(Database.DB1));
        properties.put("spring.datasource.username", USER);
        properties.put("spring.datasource.password", "");
        return properties;
    }

    @Override
    public void close() {
        kafka.destroy();
        stopPostgres();
        deleteQuietly(dataDirectory);
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            // the server process is gone either way; nothing left to release
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a temporary directory; the next start uses a new one
        }
    }
}
