package dev.dmsflow.validation.repair;

import static dev.dmsflow.validation.check.OrdersFixture.db1;
import static dev.dmsflow.validation.check.OrdersFixture.execute;
import static dev.dmsflow.validation.check.OrdersFixture.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.KeyBounds;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRepairResult;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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

/**
 * A repair round on the real broker and databases: a failed validate-only run's recorded keys compared again by the dry
 * run (REST, nothing recorded) and confirmed (RepairRequested → RepairPlanned, the round served over REST, after the
 * confirm delay only for CDC-fed tables), and a repair round's merge re-validated against the source by its keys,
 * ranges and the window's counts (MergeCompleted with repair → RepairCompleted and the verdict). The source is
 * PostgreSQL standing in for Oracle.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
class RepairValidationIT {

    /** Long enough to tell a confirm that waited from one that did not; see {@link #requestedEarlier}. */
    private static final Duration CONFIRM_DELAY = Duration.ofSeconds(6);
    private static final List<ConsumerRecord<String, SpecificRecord>> EVENTS = new CopyOnWriteArrayList<>();
    private static KafkaConsumer<String, SpecificRecord> consumer;

    @Autowired
    KafkaTemplate<Object, Object> kafka;
    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("dmsflow.validation.source.url", () -> DmsflowInfrastructure.shared().jdbcUrl(Database.SOURCE));
        registry.add("dmsflow.validation.source.username", () -> DmsflowInfrastructure.USER);
        // validate-only's own second look adds nothing here; the repair's confirm waits for CDC-fed tables
        registry.add("dmsflow.validation.confirm-delay", () -> "PT0S");
        registry.add("dmsflow.validation.repair.confirm-delay", CONFIRM_DELAY::toString);
        registry.add("dmsflow.catalog.location", () -> "classpath:repair-catalog.yaml");
    }

    @BeforeAll
    static void start() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "repair-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new AvroEventDeserializer());
        consumer.subscribe(List.of(Topics.VALIDATION_PASSED, Topics.ALERTS, Topics.REPAIRS));
    }

    @AfterAll
    static void stop() {
        consumer.close();
    }

    /** The run's events this service published (not the requests the test sent), once at least {@code atLeast} are in. */
    private List<ConsumerRecord<String, SpecificRecord>> published(String requestId, int atLeast) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(EVENTS::add);
            return ofRun(requestId).size() >= atLeast;
        });
        return ofRun(requestId);
    }

    private static List<ConsumerRecord<String, SpecificRecord>> ofRun(String requestId) {
        return EVENTS.stream().filter(r -> requestId.equals(r.key()) && !(r.value() instanceof RepairRequested)).toList();
    }

    private static <T> List<T> ofType(List<ConsumerRecord<String, SpecificRecord>> records, Class<T> type) {
        return records.stream().map(ConsumerRecord::value).filter(type::isInstance).map(type::cast).toList();
    }

    private static EventHeader header(String requestId, int attempt, String producer) {
        return new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now(), producer, attempt);
    }

    /**
     * A RepairRequested's header stamped as if the controller had sent it most of a confirm delay ago: a confirm that
     * waits (a CDC-fed table's, or one the catalog does not name) then waits 0.3 s of it.
     */
    private static EventHeader requestedEarlier(String requestId, int attempt) {
        Instant earlier = Instant.now().minus(CONFIRM_DELAY).plusMillis(300);
        return new EventHeader(UUID.randomUUID().toString(), requestId, earlier, "dms-controller-service", attempt);
    }

    /** A validate-only run of the fixture's window; returns its ValidationFailed. */
    private ValidationFailed failedValidation(TableRef table, String requestId) throws Exception {
        kafka.send(Topics.VALIDATION_REQUESTED, requestId, ValidationRequested.newBuilder()
                .setHeader(header(requestId, 1, "dms-controller-service"))
                .setKind(TaskKind.VALIDATE_ONLY).setWindow(new TimeWindow(OrdersFixture.FROM, OrdersFixture.TO))
                .setTables(List.of(table)).setStartedAt(OrdersFixture.LOAD_STARTED).build()).get();
        return (ValidationFailed) published(requestId, 1).get(0).value();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return get(path, ApiUser.READER);
    }

    private HttpResponse<String> get(String path, ApiUser user) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", user.basicAuthorization()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A plan's table's keys as "key action [columns]". */
    private static List<String> plannedKeys(JsonNode table) {
        List<String> keys = new ArrayList<>();
        for (JsonNode key : table.path("keys")) {
            keys.add(key.path("key").asText() + " " + key.path("action").asText() + " "
                    + StreamSupport.stream(key.path("columns").spliterator(), false).map(JsonNode::asText).toList());
        }
        return keys;
    }

    /** Every row the confirm records, whichever run's. */
    private static long repairRows(JdbcTemplate db) {
        return db.queryForObject("""
                SELECT (SELECT count(*) FROM admin.repair_rounds) + (SELECT count(*) FROM admin.repair_plan_tables)
                     + (SELECT count(*) FROM admin.repair_plans)
                     + (SELECT count(*) FROM validation_service.repair_outcomes)""", Long.class);
    }

    @Test
    void theDryRunComparesTheRecordedKeysNowAndRecordsNothingTheRoundsListWhatAConfirmPlanned() throws Exception {
        OrdersFixture orders = new OrdersFixture("rpd", 200).create().withChangeLog();
        // the catalog's name of the fixture's tables (repair-catalog.yaml)
        TableRef table = TableRef.newBuilder(orders.tableRef()).setName("dry_orders").build();
        execute(db1(),
                // a row production lacks
                "DELETE FROM " + orders.production() + " WHERE order_id = 11",
                // equal versions, different contents
                "UPDATE " + orders.production() + " SET amount = amount + 1 WHERE order_id IN (21, 25)",
                "UPDATE " + orders.production() + " SET note = 'planted' WHERE order_id = 23");
        // a row the source lacks
        execute(source(), "DELETE FROM " + orders.sourceTable() + " WHERE order_id = 31");
        String requestId = "repair-dry-run-" + UUID.randomUUID();
        HttpResponse<String> unvalidated = get("/api/validations/" + requestId + "/repair-plan");
        assertThat(unvalidated.statusCode()).isEqualTo(404);
        assertThat(new ObjectMapper().readTree(unvalidated.body()).path("error").asText())
                .contains("has no validation recorded");
        assertThat(failedValidation(table, requestId).getDifferingKeys()).isEqualTo(5);
        // after the check: 23 fixed in production, 21 changed by CDC
        execute(db1(), "UPDATE " + orders.production() + " SET note = 'note 23' WHERE order_id = 23",
                "INSERT INTO " + orders.changeLog() + " (order_id, dmsflow_op) VALUES (21, 'U')");
        JdbcTemplate db = new JdbcTemplate(db1());
        long recorded = repairRows(db);

        HttpResponse<String> noRound = get("/api/validations/" + requestId + "/repair-rounds");
        assertThat(noRound.statusCode()).isEqualTo(404);
        assertThat(new ObjectMapper().readTree(noRound.body()).path("error").asText()).contains("no repair round");

        HttpResponse<String> response = get("/api/validations/" + requestId + "/repair-plan");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode dryRun = new ObjectMapper().readTree(response.body());
        assertThat(dryRun.path("attempt").asInt()).isEqualTo(1);
        assertThat(dryRun.path("notCompared").toString()).isEqualTo("[]");
        assertThat(dryRun.path("tables")).hasSize(1);
        JsonNode planned = dryRun.path("tables").get(0);
        assertThat(planned.path("table").asText()).isEqualTo("dry_orders");
        assertThat(planned.path("deletes").asBoolean()).isTrue();
        assertThat(planned.path("droppedKeys").asLong()).isEqualTo(2);
        assertThat(planned.path("ranges").toString()).isEqualTo("[]");
        assertThat(plannedKeys(planned)).containsExactly("11 load []", "25 load [amount]", "31 delete []");
        assertThat(planned.path("keys")).allSatisfy(key -> assertThat(key.fieldNames()).toIterable()
                .as("column names, no row values").containsExactlyInAnyOrder("key", "action", "columns"));
        assertThat(planned.path("values").isNull()).as("values are business data: admin role only").isTrue();

        // the admin role also sees both copies' values of 25's differing column, as the comparison normalised them
        HttpResponse<String> asAdmin = get("/api/validations/" + requestId + "/repair-plan", ApiUser.OPS);
        assertThat(asAdmin.statusCode()).isEqualTo(200);
        JsonNode adminPlanned = new ObjectMapper().readTree(asAdmin.body()).path("tables").get(0);
        assertThat(plannedKeys(adminPlanned)).containsExactly("11 load []", "25 load [amount]", "31 delete []");
        assertThat(adminPlanned.path("values").toString())
                .isEqualTo("[{\"key\":\"25\",\"column\":\"amount\",\"source\":\"6.25\",\"production\":\"7.25\"}]");

        // nothing recorded, nothing published
        assertThat(repairRows(db)).isEqualTo(recorded);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(EVENTS::add);
            return ofType(ofRun(requestId), RepairPlanned.class).isEmpty();
        });

        // a round: its confirm plans what the dry run showed, served as the run's rounds
        kafka.send(Topics.REPAIRS, requestId, RepairRequested.newBuilder()
                .setHeader(requestedEarlier(requestId, 1)).setKind(TaskKind.VALIDATE_ONLY)
                .setWindow(new TimeWindow(OrdersFixture.FROM, OrdersFixture.TO)).setRound(1).setTables(List.of(table))
                .setDeletes(List.of("dry_orders")).setRequestedBy("ops").build()).get();
        assertThat(ofType(published(requestId, 2), RepairPlanned.class)).singleElement().satisfies(round ->
                assertThat(round.getScope().getTables().get(0).getKeys()).containsExactly("11", "25", "31"));
        HttpResponse<String> rounds = get("/api/validations/" + requestId + "/repair-rounds");
        assertThat(rounds.statusCode()).isEqualTo(200);
        JsonNode round = new ObjectMapper().readTree(rounds.body()).get(0);
        assertThat(round.path("round").asInt()).isEqualTo(1);
        assertThat(round.path("requestedBy").asText()).isEqualTo("ops");
        assertThat(round.path("tables").get(0).path("droppedKeys").asLong()).isEqualTo(2);
        assertThat(plannedKeys(round.path("tables").get(0)))
                .containsExactly("11 load []", "25 load [amount]", "31 delete []");
        assertThat(round.path("tables").get(0).has("values")).as("a confirmed plan records no values").isFalse();
    }

    @Test
    void theConfirmKeepsThePlantedKeysStillOutOfSyncAndDropsThoseFixedOrChangedByCdcSince() throws Exception {
        OrdersFixture orders = new OrdersFixture("rpc", 200).create().withChangeLog();
        execute(db1(),
                // rows production lacks
                "DELETE FROM " + orders.production() + " WHERE order_id IN (11, 13)",
                // equal versions, different contents
                "UPDATE " + orders.production() + " SET amount = amount + 1 WHERE order_id IN (21, 25)",
                "UPDATE " + orders.production() + " SET note = 'planted' WHERE order_id = 23");
        // rows the source lacks
        execute(source(), "DELETE FROM " + orders.sourceTable() + " WHERE order_id IN (31, 33)");
        String requestId = "repair-confirm-" + UUID.randomUUID();
        ValidationFailed failed = failedValidation(orders.tableRef(), requestId);
        assertThat(failed.getDifferingKeys()).isEqualTo(7);
        assertThat(failed.getRepairable()).isTrue();

        // after the check: 23 fixed in production, 21 changed by CDC (its change log says so)
        execute(db1(), "UPDATE " + orders.production() + " SET note = 'note 23' WHERE order_id = 23",
                "INSERT INTO " + orders.changeLog() + " (order_id, dmsflow_op) VALUES (21, 'U')");
        RepairRequested request = RepairRequested.newBuilder().setHeader(requestedEarlier(requestId, 1))
                .setKind(TaskKind.VALIDATE_ONLY).setWindow(new TimeWindow(OrdersFixture.FROM, OrdersFixture.TO)).setRound(1)
                .setTables(List.of(orders.tableRef())).setDeletes(List.of("orders")).setRequestedBy("repair-policy auto").build();
        kafka.send(Topics.REPAIRS, requestId, request).get();

        RepairPlanned planned = ofType(published(requestId, 2), RepairPlanned.class).get(0);
        assertThat(planned.getHeader().getAttempt()).isEqualTo(1);
        assertThat(planned.getKind()).isEqualTo(TaskKind.VALIDATE_ONLY);
        assertThat(planned.getDurationMillis()).as("a table the catalog does not name is taken as CDC-fed: it waits")
                .isGreaterThanOrEqualTo(CONFIRM_DELAY.toMillis());
        assertThat(planned.getScope().getRound()).isEqualTo(1);
        assertThat(planned.getScope().getTables()).singleElement().satisfies(table -> {
            assertThat(table.getTable().getName()).isEqualTo("orders");
            assertThat(table.getKeys()).containsExactly("11", "13", "25", "31", "33");
            assertThat(table.getDroppedKeys()).isEqualTo(2);
            assertThat(table.getDeletes()).isTrue();
            assertThat(table.getRanges()).isEmpty();
        });

        HttpResponse<String> response = get("/api/validations/" + requestId + "/repair-rounds");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode rounds = new ObjectMapper().readTree(response.body());
        assertThat(rounds).hasSize(1);
        JsonNode plan = rounds.get(0);
        assertThat(plan.path("round").asInt()).isEqualTo(1);
        JsonNode table = plan.path("tables").get(0);
        assertThat(table.path("table").asText()).isEqualTo("orders");
        assertThat(table.path("droppedKeys").asLong()).isEqualTo(2);
        assertThat(plannedKeys(table))
                .containsExactly("11 load []", "13 load []", "25 load [amount]", "31 delete []", "33 delete []");

        // redelivered: the recorded plan again, not a second confirm
        kafka.send(Topics.REPAIRS, requestId, request).get();
        List<RepairPlanned> both = ofType(published(requestId, 3), RepairPlanned.class);
        assertThat(both).hasSize(2);
        assertThat(both.get(1).getHeader().getEventId()).isEqualTo(planned.getHeader().getEventId());
    }

    @Test
    void aRepairRoundsMergeIsRevalidatedAgainstTheSourceAndEndsInRepairCompletedThenTheVerdict() throws Exception {
        OrdersFixture orders = new OrdersFixture("rpv", 200).create();
        JdbcTemplate production = new JdbcTemplate(db1());
        execute(db1(), "DELETE FROM " + orders.production() + " WHERE order_id = 11",
                "UPDATE " + orders.production() + " SET amount = amount + 1 WHERE order_id = 25");
        execute(source(), "DELETE FROM " + orders.sourceTable() + " WHERE order_id = 31");
        String requestId = "repair-revalidate-" + UUID.randomUUID();
        assertThat(failedValidation(orders.tableRef(), requestId).getDifferingKeys()).isEqualTo(3);

        // the repair merge, as merge-service would do it, but 25 stays damaged
        Map<String, Object> row = new JdbcTemplate(source()).queryForMap("SELECT * FROM " + orders.sourceTable() + " WHERE order_id = 11");
        production.update("INSERT INTO " + orders.production() + " (order_id, customer_id, amount, note, code, created_at, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)", row.get("order_id"), row.get("customer_id"), row.get("amount"), row.get("note"),
                row.get("code"), row.get("created_at"), row.get("updated_at"));
        production.update("DELETE FROM " + orders.production() + " WHERE order_id = 31");
        kafka.send(Topics.MERGE_COMPLETED, requestId, repairMerge(orders, requestId, 2, 1)).get();

        List<ConsumerRecord<String, SpecificRecord>> events = published(requestId, 3);
        RepairCompleted unhealed = ofType(events, RepairCompleted.class).get(0);
        assertThat(unhealed.getHeader().getAttempt()).isEqualTo(2);
        assertThat(unhealed.getRound()).isEqualTo(1);
        assertThat(unhealed.getHealed()).isFalse();
        assertThat(unhealed.getTables()).singleElement().satisfies(t -> assertThat(t.getStillDifferent()).isEqualTo(1));
        ValidationFailed stillFailed = ofType(events, ValidationFailed.class).get(1);
        assertThat(stillFailed.getHeader().getAttempt()).isEqualTo(2);
        assertThat(stillFailed.getDifferingKeys()).isEqualTo(1);
        assertThat(stillFailed.getRepairable()).isTrue();
        assertThat(stillFailed.getFailures()).filteredOn(c -> c.getCheck().equals("CONTENTS"))
                .singleElement().satisfies(c -> {
                    assertThat(c.getSampleKeys()).containsExactly("25");
                    assertThat(c.getDifferences()).extracting(d -> d.getKey() + " " + d.getColumns())
                            .containsExactly("25 [amount]");
                });

        // the next round's confirm reads what the re-validation recorded: 25 alone is still out of sync
        kafka.send(Topics.REPAIRS, requestId, RepairRequested.newBuilder().setHeader(requestedEarlier(requestId, 2))
                .setKind(TaskKind.VALIDATE_ONLY).setWindow(new TimeWindow(OrdersFixture.FROM, OrdersFixture.TO))
                .setRound(2).setTables(List.of(orders.tableRef())).setDeletes(List.of("orders"))
                .setRequestedBy("repair-policy auto").build()).get();
        RepairPlanned nextRound = ofType(published(requestId, 4), RepairPlanned.class).get(0);
        assertThat(nextRound.getHeader().getAttempt()).isEqualTo(2);
        assertThat(nextRound.getScope().getTables()).singleElement().satisfies(table -> {
            assertThat(table.getKeys()).containsExactly("25");
            assertThat(table.getDroppedKeys()).isZero();
        });

        // round 2 repairs 25 too
        production.update("UPDATE " + orders.production() + " SET amount = amount - 1 WHERE order_id = 25");
        MergeCompleted round2 = repairMerge(orders, requestId, 3, 2);
        kafka.send(Topics.MERGE_COMPLETED, requestId, round2).get();
        List<ConsumerRecord<String, SpecificRecord>> healedEvents = published(requestId, 6).stream()
                .filter(r -> attempt(r.value()) == 3).toList();
        assertThat(healedEvents).hasSize(2);
        RepairCompleted healed = ofType(healedEvents, RepairCompleted.class).get(0);
        ValidationPassed passed = ofType(healedEvents, ValidationPassed.class).get(0);
        // two topics: a consumer may see them in either order, the brokers' timestamps tell which went out first
        assertThat(timestamp(healedEvents, RepairCompleted.class)).as("RepairCompleted goes out first")
                .isLessThanOrEqualTo(timestamp(healedEvents, ValidationPassed.class));
        assertThat(healed.getHealed()).isTrue();
        assertThat(healed.getRound()).isEqualTo(2);
        assertThat(healed.getKind()).isEqualTo(TaskKind.VALIDATE_ONLY);
        TableRepairResult result = healed.getTables().get(0);
        assertThat(List.of(result.getTable(), result.getPlannedKeys(), result.getInserted(), result.getUpdated(), result.getDeleted(),
                result.getKeptAbsent(), result.getSkippedCdc(), result.getStillDifferent()))
                .containsExactly("orders", 3L, 1L, 1L, 1L, 0L, 5L, 0L);
        assertThat(passed.getHeader().getAttempt()).isEqualTo(3);

        // redelivered: both events again as they were, nothing validated twice
        kafka.send(Topics.MERGE_COMPLETED, requestId, round2).get();
        List<ConsumerRecord<String, SpecificRecord>> again = published(requestId, 8).stream()
                .filter(r -> attempt(r.value()) == 3).toList();
        assertThat(again).hasSize(4);
        assertThat(ofType(again, RepairCompleted.class)).extracting(c -> c.getHeader().getEventId())
                .containsExactly(healed.getHeader().getEventId(), healed.getHeader().getEventId());
        assertThat(ofType(again, ValidationPassed.class)).extracting(c -> c.getHeader().getEventId())
                .containsExactly(passed.getHeader().getEventId(), passed.getHeader().getEventId());
    }

    @Test
    void aRowOutsideTheRoundDifferingOnlyInContentsIsNotReportedOneChangingTheCountIsFound() throws Exception {
        OrdersFixture orders = new OrdersFixture("rps", 200).create();
        // 41, in the window but not the round's, differs in contents only: the window's count stays as it is
        execute(db1(), "UPDATE " + orders.production() + " SET note = 'planted' WHERE order_id = 41");
        String requestId = "repair-scope-" + UUID.randomUUID();

        kafka.send(Topics.MERGE_COMPLETED, requestId,
                repairMerge(orders, requestId, 2, 1, List.of("25"), List.of())).get();

        List<ConsumerRecord<String, SpecificRecord>> events = published(requestId, 2);
        assertThat(ofType(events, RepairCompleted.class)).singleElement().satisfies(completed -> {
            assertThat(completed.getHealed()).isTrue();
            assertThat(completed.getTables().get(0).getStillDifferent()).isZero();
        });
        ValidationPassed passed = ofType(events, ValidationPassed.class).get(0);
        assertThat(passed.getChecks()).extracting(CheckResult::getCheck)
                .containsExactly("SOURCE_COUNT", "MISSING", "EXTRA", "CONTENTS");
        CheckResult count = passed.getChecks().get(0);
        assertThat(List.of(count.getExpected(), count.getActual())).containsExactly("200", "200");
        assertThat(passed.getChecks()).as("only the round's keys and the counts are re-validated")
                .allSatisfy(check -> assertThat(check.getSampleKeys()).isEmpty());

        // 43, outside the round too, missing in production changes the count: the whole window is compared, naming both
        execute(db1(), "DELETE FROM " + orders.production() + " WHERE order_id = 43");
        kafka.send(Topics.MERGE_COMPLETED, requestId,
                repairMerge(orders, requestId, 3, 2, List.of("25"), List.of())).get();

        List<ConsumerRecord<String, SpecificRecord>> second = published(requestId, 4).stream()
                .filter(r -> attempt(r.value()) == 3).toList();
        assertThat(ofType(second, RepairCompleted.class)).singleElement().satisfies(completed -> {
            assertThat(completed.getHealed()).isFalse();
            assertThat(completed.getTables().get(0).getStillDifferent()).isEqualTo(2);
        });
        ValidationFailed failed = ofType(second, ValidationFailed.class).get(0);
        assertThat(failed.getRepairable()).isTrue();
        Map<String, CheckResult> failures = failed.getFailures().stream()
                .collect(Collectors.toMap(CheckResult::getCheck, Function.identity()));
        assertThat(failures.keySet()).containsExactlyInAnyOrder("SOURCE_COUNT", "MISSING", "CONTENTS");
        assertThat(List.of(failures.get("SOURCE_COUNT").getExpected(), failures.get("SOURCE_COUNT").getActual()))
                .containsExactly("200", "199");
        assertThat(failures.get("SOURCE_COUNT").getDetail()).contains("the whole window was compared");
        assertThat(failures.get("MISSING").getSampleKeys()).containsExactly("43");
        assertThat(failures.get("CONTENTS").getDifferences()).extracting(d -> d.getKey() + " " + d.getColumns())
                .containsExactly("41 [note]");
    }

    @Test
    void aRoundsKeyCdcChangedSinceItsLoadStartedIsInFlightNotAFailure() throws Exception {
        OrdersFixture orders = new OrdersFixture("rpi", 200).create().withChangeLog();
        // CDC wrote 25 in production after the round's load started, and has yet to write the source's change
        execute(db1(), "UPDATE " + orders.production() + " SET amount = amount + 1 WHERE order_id = 25",
                "INSERT INTO " + orders.changeLog() + " (order_id, dmsflow_op) VALUES (25, 'U')");
        String requestId = "repair-in-flight-" + UUID.randomUUID();

        kafka.send(Topics.MERGE_COMPLETED, requestId,
                repairMerge(orders, requestId, 2, 1, List.of("25"), List.of())).get();

        List<ConsumerRecord<String, SpecificRecord>> events = published(requestId, 2);
        assertThat(ofType(events, RepairCompleted.class).get(0).getHealed()).isTrue();
        assertThat(ofType(events, ValidationPassed.class).get(0).getChecks())
                .filteredOn(c -> c.getCheck().equals("CONTENTS")).singleElement()
                .satisfies(contents -> assertThat(contents.getInFlight()).isEqualTo(1));
    }

    @Test
    void theRoundsKeyRangesAreComparedRowByRowWithinTheWindowAndNoRowOutsideThem() throws Exception {
        OrdersFixture orders = new OrdersFixture("rpr", 200).create();
        execute(db1(),
                // in the round's ranges: found
                "UPDATE " + orders.production() + " SET note = 'planted' WHERE order_id = 41",
                "UPDATE " + orders.production() + " SET amount = amount + 1 WHERE order_id = 151",
                // in a range but outside the window (even keys are December's), and in the window outside the ranges
                "UPDATE " + orders.production() + " SET note = 'planted' WHERE order_id IN (160, 301)");
        String requestId = "repair-ranges-" + UUID.randomUUID();
        // in no particular order, overlapping, one unbounded below
        List<KeyBounds> ranges = List.of(new KeyBounds("100", "200"), new KeyBounds(null, "60"),
                new KeyBounds("150", "180"));

        kafka.send(Topics.MERGE_COMPLETED, requestId,
                repairMerge(orders, requestId, 2, 1, List.of("25"), ranges)).get();

        List<ConsumerRecord<String, SpecificRecord>> events = published(requestId, 2);
        assertThat(ofType(events, RepairCompleted.class)).singleElement()
                .satisfies(completed -> assertThat(completed.getTables().get(0).getStillDifferent()).isEqualTo(2));
        ValidationFailed failed = ofType(events, ValidationFailed.class).get(0);
        assertThat(failed.getFailures()).extracting(CheckResult::getCheck).containsExactly("CONTENTS");
        assertThat(failed.getFailures().get(0).getDifferences()).extracting(d -> d.getKey() + " " + d.getColumns())
                .containsExactly("41 [note]", "151 [amount]");
        assertThat(failed.getDifferingKeys()).isEqualTo(2);
        assertThat(failed.getPassedChecks()).filteredOn(c -> c.getCheck().equals("SOURCE_COUNT")).singleElement()
                .satisfies(count -> assertThat(List.of(count.getExpected(), count.getActual()))
                        .containsExactly("200", "200"));
    }

    @Test
    void theConfirmWaitsForCdcLagOnlyWhenCdcFeedsATableOfTheRound() throws Exception {
        RepairPlanned plain = confirmedRightAway("rpn", "plain_orders");
        assertThat(plain.getDurationMillis()).as("the catalog has no CDC feeding plain_orders: no lag to wait for")
                .isLessThan(CONFIRM_DELAY.toMillis() / 2);

        RepairPlanned fed = confirmedRightAway("rpf", "fed_orders");
        assertThat(fed.getDurationMillis()).as("CDC feeds fed_orders: the delay is waited")
                .isGreaterThanOrEqualTo(CONFIRM_DELAY.toMillis());
    }

    /** A failed validation of the table (order 11 missing in production), then a round requested now: its plan. */
    private RepairPlanned confirmedRightAway(String prefix, String catalogName) throws Exception {
        OrdersFixture orders = new OrdersFixture(prefix, 200).create();
        TableRef table = TableRef.newBuilder(orders.tableRef()).setName(catalogName).build();
        execute(db1(), "DELETE FROM " + orders.production() + " WHERE order_id = 11");
        String requestId = "repair-delay-" + UUID.randomUUID();
        failedValidation(table, requestId);
        kafka.send(Topics.REPAIRS, requestId, RepairRequested.newBuilder()
                .setHeader(header(requestId, 1, "dms-controller-service")).setKind(TaskKind.VALIDATE_ONLY)
                .setWindow(new TimeWindow(OrdersFixture.FROM, OrdersFixture.TO)).setRound(1).setTables(List.of(table))
                .setRequestedBy("repair-policy auto").build()).get();
        RepairPlanned planned = ofType(published(requestId, 2), RepairPlanned.class).get(0);
        assertThat(planned.getScope().getTables().get(0).getKeys()).containsExactly("11");
        return planned;
    }

    private static long timestamp(List<ConsumerRecord<String, SpecificRecord>> records, Class<?> type) {
        return records.stream().filter(r -> type.isInstance(r.value())).findFirst().orElseThrow().timestamp();
    }

    private static int attempt(SpecificRecord event) {
        return ((EventHeader) event.get(event.getSchema().getField("header").pos())).getAttempt();
    }

    /** A repair round's MergeCompleted: keys 11 (inserted), 25 (updated) and 31 (deleted); 2 + 3 skipped for CDC. */
    private static MergeCompleted repairMerge(OrdersFixture orders, String requestId, int attempt, int round) {
        return repairMerge(orders, requestId, attempt, round, List.of("11", "25", "31"), List.of());
    }

    /** A repair round's MergeCompleted of these keys and ranges (the merge's counts as above). */
    private static MergeCompleted repairMerge(OrdersFixture orders, String requestId, int attempt, int round,
                                              List<String> keys, List<KeyBounds> ranges) {
        TableMergeResult merged = TableMergeResult.newBuilder().setTable(orders.tableRef()).setInserted(1).setUpdated(1).setSkippedStale(2)
                .setSkippedDeleted(3).setDuplicates(0).setDeleted(1).setKeptAbsent(0).setStagedRows(2).build();
        RepairScope scope = new RepairScope(round, List.of(TableRepairScope.newBuilder().setTable(orders.tableRef())
                .setKeys(keys).setRanges(ranges).setDeletes(true).build()));
        return MergeCompleted.newBuilder().setHeader(header(requestId, attempt, "merge-service")).setKind(TaskKind.VALIDATE_ONLY)
                .setWindow(new TimeWindow(OrdersFixture.FROM, OrdersFixture.TO)).setTables(List.of(merged)).setDurationMillis(5)
                .setLoadStartedAt(OrdersFixture.LOAD_STARTED).setRepair(scope).build();
    }
}
