package dev.dmsflow.embedded.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.controller.DmsControllerApplication;
import dev.dmsflow.embedded.EmbeddedDmsflow;
import dev.dmsflow.embedded.load.ControllerClient;
import dev.dmsflow.embedded.load.ControllerClient.Reload;
import dev.dmsflow.embedded.load.EventLog;
import dev.dmsflow.embedded.load.LoadData;
import dev.dmsflow.embedded.load.ServiceInstances;
import dev.dmsflow.infra.ApiCalls;
import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.merge.MergeServiceApplication;
import dev.dmsflow.schema.SchemaServiceApplication;
import dev.dmsflow.validation.ValidationServiceApplication;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The four services as a locked-down deployment runs them, on one broker and one database: Kafka only through a
 * SASL/SCRAM-SHA-512 listener, set by {@code spring.kafka.properties.*} alone; each service in PostgreSQL as its own
 * role of {@code deploy/postgres/db1-roles.sql} (run here as users run it) with a password of its own, every JDBC URL
 * with {@code sslmode}. A reload runs end to end; each role is refused what docs/security.md's role table does not grant it;
 * no password shows in any service's {@code /actuator/env} or {@code /actuator/configprops}; and a service whose Kafka
 * password the broker refuses is DOWN, naming the user, until the broker takes it.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecuredDeploymentIT {

    static final Path ROLES_SCRIPT = Path.of("..", "deploy", "postgres", "db1-roles.sql");
    static final LoadData DATA = new LoadData(1, 2000);
    static final String TABLE = DATA.tableNames().get(0);
    static final String PRODUCTION = "production." + TABLE;
    static final String STAGING = "staging." + TABLE;

    static final String KAFKA_USER = "dmsflow";
    static final String KAFKA_PASSWORD = "kafka-Secret-4721";
    static final String SOURCE_PASSWORD = "source-Secret-4722";
    /** Each service's role in database 1. */
    static final Map<String, String> ROLES = Map.of(
            DmsControllerApplication.NAME, "dmsflow_controller",
            SchemaServiceApplication.NAME, "dmsflow_schema",
            MergeServiceApplication.NAME, "dmsflow_merge",
            ValidationServiceApplication.NAME, "dmsflow_validation");
    static final String DMS_USER = "dms_user";
    /** The source connections' settings, and the ApplicationName each one's URL carries. */
    static final Map<String, String> SOURCES = Map.of(
            "dmsflow.controller.local.source", "local-engine-source",
            "dmsflow.schema.source", "schema-source",
            "dmsflow.validation.source", "validation-source");
    // the embedded server trusts local connections, so any password logs in: these must merely show up nowhere
    static final List<String> SECRETS = secrets();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path directory;

    static DmsflowInfrastructure infrastructure;
    static Path catalog;
    static ServiceInstances services;
    static EventLog events;

    /** What the services logged while they started: their configuration read, connections made. */
    static String startupLog;

    @BeforeAll
    static void start(CapturedOutput output) throws Exception {
        infrastructure = DmsflowInfrastructure.start(0, ScramKafka.brokerProperties());
        ScramKafka.createUser(infrastructure, KAFKA_USER, KAFKA_PASSWORD);
        DATA.create(infrastructure);
        // as an admin runs it once production exists: the file as it is, in one go
        try (Connection connection = infrastructure.dataSource(Database.DB1).getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(Files.readString(ROLES_SCRIPT));
        }
        catalog = Files.writeString(directory.resolve("catalog.yaml"), DATA.catalog());
        services = ServiceInstances.start(infrastructure, DATA.catalog(), 1, service -> settings(service, KAFKA_USER, KAFKA_PASSWORD));
        events = new EventLog(infrastructure.kafkaBootstrapServers(), ScramKafka.clientProperties(KAFKA_USER, KAFKA_PASSWORD));
        startupLog = output.getAll();
    }

    @AfterAll
    static void stop() {
        if (events != null) {
            events.close();
        }
        if (services != null) {
            services.close();
        }
        if (infrastructure != null) {
            infrastructure.close();
        }
    }

    /** A service's settings: its Kafka login and its database role, configuration only; sslmode in every JDBC URL. */
    static Map<String, Object> settings(String service, String kafkaUser, String kafkaPassword) {
        Map<String, Object> settings = new LinkedHashMap<>();
        ScramKafka.clientProperties(kafkaUser, kafkaPassword).forEach((key, value) -> settings.put("spring.kafka.properties." + key, value));
        // the embedded server has no TLS; a deployment says sslmode=verify-full&sslrootcert=... here (docs/security.md);
        // ApplicationName shows in pg_stat_activity: that the URL's parameters reached the driver
        settings.put("spring.datasource.url", infrastructure.jdbcUrl(Database.DB1) + "?sslmode=disable&ApplicationName=" + service);
        settings.put("spring.datasource.username", ROLES.get(service));
        settings.put("spring.datasource.password", password(ROLES.get(service)));
        for (Map.Entry<String, String> source : SOURCES.entrySet()) {
            settings.put(source.getKey() + ".url", infrastructure.jdbcUrl(Database.SOURCE) + "?sslmode=disable&ApplicationName=" + source.getValue());
            settings.put(source.getKey() + ".password", SOURCE_PASSWORD);
        }
        settings.put("dmsflow.schema.dms-user", DMS_USER);
        return settings;
    }

    static String password(String role) {
        return role + "-Secret-4723";
    }

    static List<String> secrets() {
        List<String> secrets = new ArrayList<>(List.of(KAFKA_PASSWORD, SOURCE_PASSWORD));
        ROLES.values().forEach(role -> secrets.add(password(role)));
        ApiUser.TEST_USERS.forEach(user -> secrets.add(user.password()));
        return secrets;
    }

    @Test
    void aReloadRunsEndToEndOverSaslWithEachServiceInItsOwnRole() {
        String requestId = "secured-reload";
        ControllerClient controller = new ControllerClient(services.controllerPorts().get(0));

        assertThat(controller.post(new Reload(requestId, DATA.tableNames(), LoadData.day(0), LoadData.day(30)))).isEqualTo(202);

        await().atMost(Duration.ofMinutes(2)).until(() -> !events.events(requestId, ValidationPassed.class).isEmpty()
                || !events.events(requestId, ValidationFailed.class).isEmpty() || !events.events(requestId, TaskFailed.class).isEmpty());
        assertThat(events.events(requestId, TaskFailed.class)).isEmpty();
        assertThat(events.events(requestId, ValidationFailed.class)).isEmpty();
        assertThat(events.of(requestId).stream().map(e -> e.event().getSchema().getName()).filter(name -> !name.equals("TaskProgress")))
                .containsExactly("TaskRequested", "FullLoadCompleted", "WindowStaged", "MergeCompleted", "ValidationPassed");
        assertThat(events.deadLetters()).isEmpty();
        // the load and the source check read the source through pools (idle for a while after the run) opened with
        // their URLs' parameters: sslmode there reaches the driver too
        assertThat(new JdbcTemplate(infrastructure.dataSource(Database.SOURCE)).queryForList(
                "SELECT application_name FROM pg_stat_activity WHERE datname = current_database()", String.class))
                .contains(SOURCES.get("dmsflow.controller.local.source"), SOURCES.get("dmsflow.validation.source"));
    }

    @Test
    void everyServiceConnectsWithTheParametersOfItsJdbcUrl() {
        JdbcTemplate postgres = new JdbcTemplate(infrastructure.dataSource(Database.DB1));
        for (Map.Entry<String, String> service : ROLES.entrySet()) {
            assertThat(postgres.queryForList("SELECT application_name FROM pg_stat_activity WHERE usename = ? AND datname = current_database()",
                    String.class, service.getValue())).as(service.getKey()).isNotEmpty().containsOnly(service.getKey());
        }
    }

    /** What each role must not do; docs/security.md's role table says why it needs what it has. */
    static Stream<Arguments> refused() {
        List<Arguments> cases = new ArrayList<>();
        // the DMS user: staging only
        writes(PRODUCTION, "id").forEach(sql -> cases.add(Arguments.of(DMS_USER, sql)));
        cases.add(Arguments.of(DMS_USER, "SELECT count(*) FROM " + PRODUCTION));
        for (String admin : List.of("admin.merge_logs", "admin.merge_summary", "admin.validation_runs", "admin.validation_checks")) {
            writes(admin, "request_id").forEach(sql -> cases.add(Arguments.of(DMS_USER, sql)));
        }
        cases.add(Arguments.of(DMS_USER, "CREATE TABLE staging.dms_own (id int)"));
        // validation reads business tables and never writes one, nor merge's records
        for (String table : List.of(PRODUCTION, STAGING)) {
            writes(table, "id").forEach(sql -> cases.add(Arguments.of("dmsflow_validation", sql)));
        }
        for (String admin : List.of("admin.merge_logs", "admin.merge_summary")) {
            writes(admin, "request_id").forEach(sql -> cases.add(Arguments.of("dmsflow_validation", sql)));
        }
        // merge inserts and updates production, never deletes or empties it, and leaves staging to the load
        cases.add(Arguments.of("dmsflow_merge", "DELETE FROM " + PRODUCTION));
        cases.add(Arguments.of("dmsflow_merge", "TRUNCATE " + PRODUCTION));
        writes(STAGING, "id").forEach(sql -> cases.add(Arguments.of("dmsflow_merge", sql)));
        writes("admin.validation_runs", "request_id").forEach(sql -> cases.add(Arguments.of("dmsflow_merge", sql)));
        // the controller loads staging (as the DMS user) and keeps its own schema; production is not its business
        cases.add(Arguments.of("dmsflow_controller", "SELECT count(*) FROM " + PRODUCTION));
        writes(PRODUCTION, "id").forEach(sql -> cases.add(Arguments.of("dmsflow_controller", sql)));
        writes("admin.merge_logs", "request_id").forEach(sql -> cases.add(Arguments.of("dmsflow_controller", sql)));
        // schema-service builds staging from production's catalog entries, without reading or writing its rows
        cases.add(Arguments.of("dmsflow_schema", "SELECT count(*) FROM " + PRODUCTION));
        writes(PRODUCTION, "id").forEach(sql -> cases.add(Arguments.of("dmsflow_schema", sql)));
        return cases.stream();
    }

    private static List<String> writes(String table, String column) {
        return List.of("INSERT INTO " + table + " DEFAULT VALUES", "UPDATE " + table + " SET " + column + " = " + column,
                "DELETE FROM " + table, "TRUNCATE " + table);
    }

    @ParameterizedTest(name = "{0} may not: {1}")
    @MethodSource("refused")
    void eachRoleIsRefusedWhatItIsNotGranted(String role, String sql) {
        assertThat(sqlState(role, sql)).as("SQLSTATE of %s as %s (42501: insufficient privilege)", sql, role).isEqualTo("42501");
    }

    /** The other side: the grants the refusals stand next to are real, so a refusal is not a role that cannot log in. */
    static Stream<Arguments> granted() {
        return Stream.of(
                Arguments.of(DMS_USER, "TRUNCATE " + STAGING),
                Arguments.of(DMS_USER, "INSERT INTO " + STAGING + " (id) VALUES (-1)"),
                Arguments.of(DMS_USER, "UPDATE " + STAGING + " SET status = status"),
                Arguments.of(DMS_USER, "DELETE FROM " + STAGING),
                Arguments.of("dmsflow_controller", "TRUNCATE " + STAGING),
                Arguments.of("dmsflow_merge", "UPDATE " + PRODUCTION + " SET status = status"),
                Arguments.of("dmsflow_merge", "SELECT count(*) FROM " + STAGING),
                Arguments.of("dmsflow_validation", "SELECT count(*) FROM " + PRODUCTION),
                Arguments.of("dmsflow_validation", "SELECT count(*) FROM " + STAGING));
    }

    @ParameterizedTest(name = "{0} may: {1}")
    @MethodSource("granted")
    void eachRoleMayDoWhatItIsGranted(String role, String sql) {
        assertThat(sqlState(role, sql)).as("SQLSTATE of %s as %s", sql, role).isNull();
    }

    /** The SQLSTATE the statement fails with as that role, null when it succeeds; rolled back either way. */
    private static String sqlState(String role, String sql) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(infrastructure.jdbcUrl(Database.DB1));
        dataSource.setUser(role);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
                return null;
            } catch (SQLException e) {
                return e.getSQLState();
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect as " + role + ": " + e.getMessage(), e);
        }
    }

    static Stream<String> serviceNames() {
        return EmbeddedDmsflow.serviceNames().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serviceNames")
    void noPasswordShowsInActuatorEnvOrConfigprops(String service) {
        int port = services.managementPorts(service).get(0);
        for (String endpoint : List.of("/actuator/env", "/actuator/configprops")) {
            HttpResponse<String> response = ApiCalls.send(port, "GET", endpoint, ApiUser.OPS);

            assertThat(response.statusCode()).as(endpoint).isEqualTo(200);
            // the keys are there, so their values were looked at: masked
            assertThat(response.body()).as(endpoint).contains("spring.datasource", "sasl.jaas.config");
            SECRETS.forEach(secret -> assertThat(response.body()).as("%s of %s", endpoint, service).doesNotContain(secret));
        }
    }

    /**
     * A password rotated on the broker after the service was given its new one: until then the broker refuses the
     * login, health is DOWN naming the user, and the consumers keep trying (auth-exception-retry-interval) instead of
     * stopping; once the broker takes the password, the service is UP and consuming without a restart.
     */
    @Test
    void noPasswordShowsInWhatTheServicesLoggedWhileStarting() {
        assertThat(startupLog).contains("Provisioned catalog", "Controller instance");
        SECRETS.forEach(secret -> assertThat(startupLog).doesNotContain(secret));
    }

    @Test
    void aWrongKafkaPasswordMakesHealthDownNamingTheRefusedUserUntilTheBrokerTakesIt(CapturedOutput output) throws Exception {
        String user = "dmsflow-rotated";
        String newPassword = "new-Secret-4724";
        ScramKafka.createUser(infrastructure, user, "old-Secret-4725");
        Map<String, Object> settings = EmbeddedDmsflow.serviceSettings(infrastructure, catalog);
        settings.putAll(ApiUser.serviceProperties(ApiUser.TEST_USERS));
        settings.put("server.port", 0);
        settings.putAll(settings(MergeServiceApplication.NAME, user, newPassword));
        // the default is 10s; shorter here only to keep the test short
        settings.put("spring.kafka.listener.auth-exception-retry-interval", "1s");

        try (ConfigurableApplicationContext merge = EmbeddedDmsflow.startService(MergeServiceApplication.NAME, settings)) {
            int port = Integer.parseInt(merge.getEnvironment().getRequiredProperty("local.management.port"));
            JsonNode health = await().atMost(Duration.ofSeconds(30)).until(() -> health(port), body -> "DOWN".equals(kafka(body).path("status").asText()));

            assertThat(health.path("status").asText()).isEqualTo("DOWN");
            assertThat(health.path("components").path("db").path("status").asText()).isEqualTo("UP");
            assertThat(kafka(health).path("details").path("error").asText())
                    .startsWith("authentication failed for SASL user 'dmsflow-rotated' (SCRAM-SHA-512 over SASL_PLAINTEXT)")
                    .doesNotContain(newPassword);
            Collection<MessageListenerContainer> consumers = merge.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers();
            assertThat(consumers).isNotEmpty().allMatch(MessageListenerContainer::isRunning);

            ScramKafka.createUser(infrastructure, user, newPassword);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(kafka(health(port)).path("status").asText()).isEqualTo("UP");
                assertThat(consumers).anyMatch(consumer -> consumer.getAssignedPartitions() != null && !consumer.getAssignedPartitions().isEmpty());
            });
        }
        assertThat(output.getAll()).doesNotContain(newPassword);
    }

    private static JsonNode health(int managementPort) throws IOException {
        return JSON.readTree(ApiCalls.send(managementPort, "GET", "/actuator/health", ApiUser.OPS).body());
    }

    private static JsonNode kafka(JsonNode health) {
        return health.path("components").path("kafka");
    }
}
