package dev.dmsflow.validation.run;

import static dev.dmsflow.validation.check.OrdersFixture.db1;
import static dev.dmsflow.validation.check.OrdersFixture.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.validation.check.OrdersFixture;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole service on the real broker and database: MergeCompleted in, outcome events out, recorded, served over REST. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
class ValidationServiceIT {

    private static final OrdersFixture ORDERS = new OrdersFixture("vsit", 500);
    private static final List<ConsumerRecord<String, SpecificRecord>> OUTCOMES = new CopyOnWriteArrayList<>();
    private static KafkaConsumer<String, SpecificRecord> consumer;

    @Autowired
    KafkaTemplate<Object, Object> kafka;
    @Autowired
    JdbcTemplate jdbc;
    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void source(DynamicPropertyRegistry registry) {
        registry.add("dmsflow.validation.source.url", () -> DmsflowInfrastructure.shared().jdbcUrl(Database.SOURCE));
        registry.add("dmsflow.validation.source.username", () -> DmsflowInfrastructure.USER);
        // 10 sample keys and 20 more kept per check: a check past 30 records ranges
        registry.add("dmsflow.validation.repair-keys", () -> "20");
    }

    @BeforeAll
    static void start() throws Exception {
        ORDERS.create();
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "validation-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new AvroEventDeserializer());
        consumer.subscribe(List.of(Topics.VALIDATION_PASSED, Topics.ALERTS));
    }

    @AfterAll
    static void stop() {
        consumer.close();
    }

    private List<SpecificRecord> outcomes(String requestId, int atLeast) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(OUTCOMES::add);
            return OUTCOMES.stream().filter(r -> requestId.equals(r.key())).count() >= atLeast;
        });
        return OUTCOMES.stream().filter(r -> requestId.equals(r.key())).map(ConsumerRecord::value).toList();
    }

    private HttpResponse<String> get(String requestId) throws Exception {
        return get(requestId, ApiUser.OPS);
    }

    private HttpResponse<String> get(String requestId, ApiUser user) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/validations/" + requestId)).header("Authorization", user.basicAuthorization()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aValidateOnlyRunNamesTheDifferingColumnsToEveryoneAndTheirValuesOnlyToAdmins() throws Exception {
        OrdersFixture own = new OrdersFixture("vsvo", 200).create();
        execute(db1(), "UPDATE " + own.production() + " SET amount = amount + 1 WHERE order_id = 11");
        String requestId = "vsit-validate-only-" + UUID.randomUUID();
        kafka.send(Topics.VALIDATION_REQUESTED, requestId, ValidationRequested.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now(), "dms-controller-service", 1))
                .setKind(TaskKind.VALIDATE_ONLY).setWindow(new TimeWindow(OrdersFixture.FROM, OrdersFixture.TO))
                .setTables(List.of(own.tableRef())).setStartedAt(OrdersFixture.LOAD_STARTED).build()).get();

        ValidationFailed failed = (ValidationFailed) outcomes(requestId, 1).get(0);
        assertThat(failed.getKind()).isEqualTo(TaskKind.VALIDATE_ONLY);
        assertThat(failed.getFailures()).singleElement().satisfies(contents -> {
            assertThat(contents.getCheck()).isEqualTo("CONTENTS");
            assertThat(contents.getSampleKeys()).containsExactly("11");
            assertThat(contents.getDifferences()).extracting(d -> d.getKey() + " " + d.getColumns()).containsExactly("11 [amount]");
        });
        assertThat(failed.getPassedChecks()).extracting(c -> c.getCheck()).containsExactly("SOURCE_COUNT", "MISSING", "EXTRA");

        JsonNode asAdmin = contentsCheck(get(requestId, ApiUser.OPS));
        assertThat(asAdmin.path("differences").get(0).path("columns").get(0).asText()).isEqualTo("amount");
        assertThat(asAdmin.path("values").get(0).path("column").asText()).isEqualTo("amount");
        assertThat(asAdmin.path("values").get(0).path("source").asText()).isEqualTo("2.75");
        assertThat(asAdmin.path("values").get(0).path("production").asText()).isEqualTo("3.75");
        JsonNode asReader = contentsCheck(get(requestId, ApiUser.READER));
        assertThat(asReader.path("differences").get(0).path("key").asText()).isEqualTo("11");
        assertThat(asReader.path("values").isNull()).as("values are business data: admin role only").isTrue();
    }

    private static JsonNode contentsCheck(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        for (JsonNode check : new ObjectMapper().readTree(response.body()).path("checks")) {
            if (check.path("check").asText().equals("CONTENTS")) {
                return check;
            }
        }
        throw new AssertionError("no CONTENTS check in " + response.body());
    }

    @Test
    void cleanRunPublishesValidationPassedAndRecordsIt() throws Exception {
        String requestId = "vsit-clean-" + UUID.randomUUID();
        kafka.send(Topics.MERGE_COMPLETED, requestId, ORDERS.merged(requestId)).get();

        List<SpecificRecord> events = outcomes(requestId, 1);
        assertThat(events).singleElement().isInstanceOfSatisfying(ValidationPassed.class, passed -> {
            assertThat(passed.getChecks()).extracting(c -> c.getCheck())
                    .containsExactly("STAGED_COUNT", "MISSING", "EXTRA", "STALE", "CONTENTS", "OUTSIDE_WINDOW", "SOURCE");
            assertThat(passed.getHeader().getProducer()).isEqualTo("validation-service");
        });

        HttpResponse<String> response = get(requestId);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.path("outcome").asText()).isEqualTo("PASSED");
        assertThat(body.path("windowFrom").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(body.path("checks")).hasSize(7);
        assertThat(body.path("checks").get(0).path("actual").asText()).isEqualTo("500");
    }

    @Test
    void failedCheckAlertsWithTheKeysAndARedeliveryRepublishesTheSameOutcomeWithoutRunningAgain() throws Exception {
        String requestId = "vsit-fault-" + UUID.randomUUID();
        execute(db1(), "UPDATE " + ORDERS.production() + " SET amount = amount + 1 WHERE order_id = 333");
        try {
            MergeCompleted merged = ORDERS.merged(requestId);
            kafka.send(Topics.MERGE_COMPLETED, requestId, merged).get();
            ValidationFailed failed = (ValidationFailed) outcomes(requestId, 1).get(0);
            assertThat(failed.getFailures()).singleElement().satisfies(check -> {
                assertThat(check.getTable()).isEqualTo("orders");
                assertThat(check.getCheck()).isEqualTo("CONTENTS");
                assertThat(check.getExpected()).isEqualTo("0");
                assertThat(check.getActual()).isEqualTo("1");
                assertThat(check.getSampleKeys()).containsExactly("333");
            });
            assertThat(failed.getPassedChecks()).hasSize(6);

            // fixed in the meantime: a redelivery must still report what was validated, not validate again
            execute(db1(), "UPDATE " + ORDERS.production() + " SET amount = amount - 1 WHERE order_id = 333");
            kafka.send(Topics.MERGE_COMPLETED, requestId, merged).get();

            List<SpecificRecord> events = outcomes(requestId, 2);
            assertThat(events).hasSize(2).allSatisfy(event -> assertThat(event).isInstanceOf(ValidationFailed.class));
            assertThat(((ValidationFailed) events.get(1)).getHeader().getEventId()).isEqualTo(failed.getHeader().getEventId());
            assertThat(jdbc.queryForObject("SELECT count(*) FROM admin.validation_runs WHERE request_id = ?", Long.class, requestId)).isEqualTo(1);
            assertThat(jdbc.queryForObject("SELECT sample_keys[1] FROM admin.validation_checks WHERE request_id = ? AND NOT passed",
                    String.class, requestId)).isEqualTo("333");
        } finally {
            execute(db1(), "UPDATE " + ORDERS.production() + " SET amount = (order_id % 1000) / 4.0 WHERE order_id = 333");
        }
    }

    @Test
    void theDifferingKeysOfAFailedRunAreKeptAndServedUpToTheCapAndRangesBeyondWhileItsEventNamesTheFirstTen() throws Exception {
        String requestId = "vsit-diff-" + UUID.randomUUID();
        List<Long> missing = LongStream.rangeClosed(0, 19).map(i -> 1 + 2 * i).boxed().toList();
        List<Long> changed = LongStream.rangeClosed(0, 39).map(i -> 101 + 2 * i).boxed().toList();
        List<Long> extra = LongStream.rangeClosed(2001, 2010).boxed().toList();
        execute(db1(), "DELETE FROM " + ORDERS.production() + " WHERE order_id BETWEEN 1 AND 39",
                "UPDATE " + ORDERS.production() + " SET note = 'damaged' WHERE order_id BETWEEN 101 AND 179 AND order_id % 2 = 1",
                "INSERT INTO " + ORDERS.production() + " (order_id, customer_id, updated_at)"
                        + " SELECT g, 1, timestamp '2026-01-20 00:00:00' FROM generate_series(2001, 2010) g");
        try {
            kafka.send(Topics.MERGE_COMPLETED, requestId, ORDERS.merged(requestId)).get();

            ValidationFailed failed = (ValidationFailed) outcomes(requestId, 1).get(0);
            assertThat(failed.getFailures()).extracting(c -> c.getCheck() + " " + c.getActual() + " " + c.getSampleKeys().size())
                    .containsExactly("MISSING 20 10", "EXTRA 10 10", "CONTENTS 40 10");
            assertThat(failed.getDifferingKeys()).isEqualTo(20 + 10 + 30);
            assertThat(failed.getDifferingRanges()).isPositive();
            assertThat(failed.getRepairable()).isTrue();
            JsonNode differences = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/api/validations/" + requestId + "/differences"))
                    .header("Authorization", ApiUser.OPS.basicAuthorization()).build(), HttpResponse.BodyHandlers.ofString()).body());
            Map<String, List<String>> keys = new LinkedHashMap<>();
            Map<String, JsonNode> ranges = new LinkedHashMap<>();
            differences.forEach(check -> {
                keys.put(check.path("check").asText(), StreamSupport.stream(check.path("keys").spliterator(), false).map(JsonNode::asText).toList());
                ranges.put(check.path("check").asText(), check.path("ranges"));
            });
            assertThat(keys).containsOnlyKeys("MISSING", "EXTRA", "CONTENTS");
            assertThat(keys.get("MISSING")).containsExactlyElementsOf(missing.stream().map(String::valueOf).toList());
            assertThat(keys.get("CONTENTS")).containsExactlyElementsOf(changed.stream().limit(30).map(String::valueOf).toList());
            // every missing and extra key kept: no ranges; 40 differing rows past the 30 kept: ranges that hold all 40
            assertThat(ranges.get("MISSING")).isEmpty();
            assertThat(ranges.get("EXTRA")).isEmpty();
            assertThat(ranges.get("CONTENTS")).isNotEmpty();
            assertThat(changed).allMatch(key -> StreamSupport.stream(ranges.get("CONTENTS").spliterator(), false).anyMatch(range ->
                    (range.path("from").isNull() || range.path("from").asLong() <= key) && (range.path("to").isNull() || key < range.path("to").asLong())));
            assertThat(keys.get("EXTRA")).containsExactlyElementsOf(extra.stream().map(String::valueOf).toList());
            assertThat(jdbc.queryForList("SELECT kept_keys FROM admin.validation_checks WHERE request_id = ? AND NOT passed ORDER BY ordinal",
                    Integer.class, requestId)).containsExactly(20, 10, 30);
        } finally {
            execute(db1(), "DELETE FROM " + ORDERS.production() + " WHERE order_id BETWEEN 2001 AND 2010",
                    "UPDATE " + ORDERS.production() + " SET note = 'note ' || order_id WHERE order_id BETWEEN 101 AND 179",
                    "INSERT INTO " + ORDERS.production() + " SELECT order_id, customer_id, amount, note, code, created_at, updated_at FROM "
                            + ORDERS.staging() + " WHERE order_id BETWEEN 1 AND 39");
        }
    }

    @Test
    void extraProductionRowIsAlertedAndWhereItComesFromIsRecordedAndServed() throws Exception {
        String requestId = "vsit-extra-" + UUID.randomUUID();
        // in production's window, in neither staging nor the source: a delete that never reached production
        execute(db1(), "INSERT INTO " + ORDERS.production() + " (order_id, customer_id, updated_at) VALUES (9001, 1, timestamp '2026-01-20 00:00:00')");
        try {
            kafka.send(Topics.MERGE_COMPLETED, requestId, ORDERS.merged(requestId)).get();

            ValidationFailed failed = (ValidationFailed) outcomes(requestId, 1).get(0);
            assertThat(failed.getFailures()).singleElement().satisfies(check -> {
                assertThat(check.getCheck()).isEqualTo("EXTRA");
                assertThat(check.getSampleKeys()).containsExactly("9001");
            });
            String detail = "1 production row in the window without a staged row; "
                    + "1 not in the source (deleted there and the delete never reached production, or never there) [9001]";
            // ops read it on the alerts topic, not only over REST
            assertThat(failed.getFailures().get(0).getDetail()).isEqualTo(detail);
            assertThat(jdbc.queryForObject("SELECT detail FROM admin.validation_checks WHERE request_id = ? AND check_name = 'EXTRA'",
                    String.class, requestId)).isEqualTo(detail);
            JsonNode checks = new ObjectMapper().readTree(get(requestId).body()).path("checks");
            assertThat(checks.get(2).path("check").asText()).isEqualTo("EXTRA");
            assertThat(checks.get(2).path("detail").asText()).isEqualTo(detail);
            assertThat(checks.get(0).path("detail").isNull()).isTrue();
        } finally {
            execute(db1(), "DELETE FROM " + ORDERS.production() + " WHERE order_id = 9001");
        }
    }

    @Test
    void aFailedCountIsNoKeyDifferenceSoTheRunIsNotRepairable() throws Exception {
        String requestId = "vsit-count-" + UUID.randomUUID();
        // DMS reported one row more than staging holds: the load, not production, is in question
        kafka.send(Topics.MERGE_COMPLETED, requestId, ORDERS.merged(requestId, ORDERS.rows + 1)).get();

        ValidationFailed failed = (ValidationFailed) outcomes(requestId, 1).get(0);
        assertThat(failed.getFailures()).extracting(CheckResult::getCheck).containsExactly("STAGED_COUNT");
        assertThat(failed.getDifferingKeys()).isZero();
        assertThat(failed.getRepairable()).isFalse();
    }

    @Test
    void runNamingATableThatDoesNotExistIsRejectedWithTaskFailed() throws Exception {
        String requestId = "vsit-unknown-" + UUID.randomUUID();
        MergeCompleted merged = ORDERS.merged(requestId);
        merged.getTables().get(0).getTable().setTargetTable("no_such_orders");
        kafka.send(Topics.MERGE_COMPLETED, requestId, merged).get();

        assertThat(outcomes(requestId, 1)).singleElement().isInstanceOfSatisfying(TaskFailed.class, failed -> {
            assertThat(failed.getReason()).isEqualTo("production table of orders vsit_production.no_such_orders does not exist");
            assertThat(failed.getRetryable()).isFalse();
            assertThat(failed.getTables()).containsExactly("orders");
        });
        assertThat(new ObjectMapper().readTree(get(requestId).body()).path("outcome").asText()).isEqualTo("REJECTED");
    }

    @Test
    void aRunWhoseStatementFailsEndsWithOneTaskFailedOfValidationAndNoDeadLetterRecord() throws Exception {
        String requestId = "vsit-broken-" + UUID.randomUUID();
        // production is read through a view whose every row fails: a statement failing on each attempt, as a bug would
        execute(db1(), "DROP SCHEMA IF EXISTS vsit_broken CASCADE", "CREATE SCHEMA vsit_broken",
                "CREATE VIEW vsit_broken.orders AS SELECT order_id, customer_id, (amount + 1 / (order_id - order_id))::numeric(10,2) AS amount,"
                        + " note, code, created_at, updated_at FROM " + ORDERS.production());
        try (KafkaConsumer<String, byte[]> deadLetters = deadLetters()) {
            MergeCompleted merged = ORDERS.merged(requestId);
            merged.getTables().get(0).getTable().setTargetSchema("vsit_broken");

            kafka.send(Topics.MERGE_COMPLETED, requestId, merged).get();

            // the run's controller hears of it (and releases its tables) from the stage itself, once
            assertThat(outcomes(requestId, 1)).singleElement().isInstanceOfSatisfying(TaskFailed.class, failed -> {
                assertThat(failed.getStage()).isEqualTo(FailureStage.VALIDATION);
                assertThat(failed.getReason()).startsWith("validation of run " + requestId + " failed: database error 22012");
                assertThat(failed.getRetryable()).isFalse();
                assertThat(failed.getErrorType()).isEqualTo("PSQLException");
                assertThat(failed.getTables()).containsExactly("orders");
                assertThat(failed.getHeader().getProducer()).isEqualTo("validation-service");
            });
            assertThat(deadLettered(deadLetters, requestId)).isEmpty();
            assertThat(outcomes(requestId, 1)).hasSize(1);
            assertThat(get(requestId).statusCode()).isEqualTo(404);
        } finally {
            execute(db1(), "DROP SCHEMA vsit_broken CASCADE");
        }
    }

    @Test
    void aStatementCancelledByItsTimeoutEndsWithTaskFailedOfValidationNotARetryNorADeadLetter() throws Exception {
        String requestId = "vsit-timeout-" + UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> deadLetters = deadLetters(); Connection blocker = db1().getConnection();
             Statement statement = blocker.createStatement()) {
            // a long transaction holds production: the validation's reads wait for it
            blocker.setAutoCommit(false);
            statement.execute("LOCK TABLE " + ORDERS.production() + " IN ACCESS EXCLUSIVE MODE");

            kafka.send(Topics.MERGE_COMPLETED, requestId, ORDERS.merged(requestId)).get();

            // what statement_timeout does to the waiting statement (both are 57014 query_canceled): the same
            // statement would wait as long again, so it is not retried
            await().atMost(Duration.ofSeconds(30)).until(() -> cancelWaitingOn(blocker) > 0);
            assertThat(outcomes(requestId, 1)).singleElement().isInstanceOfSatisfying(TaskFailed.class, failed -> {
                assertThat(failed.getStage()).isEqualTo(FailureStage.VALIDATION);
                assertThat(failed.getReason()).startsWith("validation of run " + requestId + " failed: database error 57014");
                assertThat(failed.getRetryable()).isFalse();
                assertThat(failed.getTables()).containsExactly("orders");
            });
            blocker.rollback();
            assertThat(deadLettered(deadLetters, requestId)).isEmpty();
            assertThat(outcomes(requestId, 1)).hasSize(1);
        }
    }

    /** Cancels the statements waiting for {@code blocker}'s locks, as their statement_timeout would; returns how many. */
    private static int cancelWaitingOn(Connection blocker) throws Exception {
        try (Statement statement = blocker.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FILTER (WHERE pg_cancel_backend(pid)) FROM pg_stat_activity"
                     + " WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static KafkaConsumer<String, byte[]> deadLetters() {
        KafkaConsumer<String, byte[]> deadLetters = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "validation-dlt-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters.subscribe(List.of(Topics.deadLetterTopic(Topics.MERGE_COMPLETED)));
        return deadLetters;
    }

    /** The DLT records of the run, after reading the topic for a while (the shared error handler would be done by then). */
    private static List<ConsumerRecord<String, byte[]>> deadLettered(KafkaConsumer<String, byte[]> deadLetters, String requestId) {
        List<ConsumerRecord<String, byte[]>> dead = new CopyOnWriteArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
            deadLetters.poll(Duration.ofMillis(200)).forEach(record -> {
                if (requestId.equals(record.key())) {
                    dead.add(record);
                }
            });
        }
        return dead;
    }

    @Test
    void unknownRequestIsNotFound() throws Exception {
        assertThat(get("never-seen").statusCode()).isEqualTo(404);
    }
}
