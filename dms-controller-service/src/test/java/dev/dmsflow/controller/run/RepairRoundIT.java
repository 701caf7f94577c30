package dev.dmsflow.controller.run;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.dmsflow.controller.run.ControllerTestSupport.JANUARY;
import static dev.dmsflow.controller.run.ControllerTestSupport.request;
import static dev.dmsflow.controller.run.ControllerTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.KeyBounds;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.controller.engine.dms.DmsStub;
import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A failed validation's repair rounds as the controller drives them, through the real broker and database with AWS DMS
 * played by a stub: the run keeps its leases, asks for a round (RepairRequested), and loads exactly the confirmed keys
 * and ranges (the mappings JSON asserted on the stub) as its next attempt. Validation's answers are published by the
 * test. The test catalog's orders repair themselves (auto, deletes); customers are manual.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
// its scheduler must stop with the class: another context's would drive these runs against a stub that is gone
@DirtiesContext
class RepairRoundIT {

    @RegisterExtension
    static WireMockExtension wireMock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void controller(DynamicPropertyRegistry registry) {
        ControllerTestSupport.properties(wireMock.baseUrl()).forEach((key, value) -> registry.add(key, () -> value));
        // small, so a test reaches both limits with a few keys
        registry.add("dmsflow.controller.repair.max-key-conditions", () -> "3");
        registry.add("dmsflow.controller.repair.max-rounds", () -> "2");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    KafkaTemplate<String, SpecificRecord> template;
    @Autowired
    JdbcTemplate jdbc;
    @LocalServerPort
    int port;

    private DmsStub dms;
    private TopicProbe<SpecificRecord> topics;

    @BeforeEach
    void setUp() {
        dms = new DmsStub(wireMock);
        topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.FULL_LOAD_COMPLETED, Topics.REPAIRS,
                Topics.VALIDATION_REQUESTED);
    }

    @AfterEach
    void tearDown() {
        topics.close();
        ControllerTestSupport.finishAllRuns(jdbc);
    }

    @Test
    void anAutoRepairTableLoadsJustItsConfirmedKeysAndRangesAsTheRunsNextAttemptHoldingItsLeases() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        FullLoadCompleted loaded = load(requestId, 1, List.<Object[]>of(row("ORDERS", 1000), row("CUSTOMERS", 50)),
                () -> template.send(Topics.TASK_REQUESTED, requestId,
                        request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders", "customers")));

        // orders repair themselves; customers (manual) wait for ops
        template.send(Topics.ALERTS, requestId, failed(requestId, 1, true, "orders", "customers"));

        RepairRequested requested = topics.await(requestId, RepairRequested.class, 1).get(0);
        assertThat(requested.getRound()).isEqualTo(1);
        assertThat(requested.getHeader().getAttempt()).isEqualTo(1);
        assertThat(requested.getTables()).extracting(TableRef::getName).containsExactly("orders");
        assertThat(requested.getDeletes()).containsExactly("orders");
        assertThat(requested.getRequestedBy()).isEqualTo(RunCoordinator.AUTO_REPAIR);
        assertThat(requested.getWindow()).isEqualTo(JANUARY);
        assertThat(status(jdbc, requestId)).isEqualTo("REPAIRING");
        assertThat(leases(requestId)).containsExactlyInAnyOrder("ctl_staging.orders", "ctl_staging.customers");

        TableRef orders = loaded.getTables().get(0).getTable();
        RepairScope scope = new RepairScope(1, List.of(TableRepairScope.newBuilder().setTable(orders)
                .setKeys(List.of("7", "42", "1001")).setRanges(List.of(new KeyBounds("5000", "6000"), new KeyBounds(null, "10"),
                        new KeyBounds("90000", null))).setDeletes(true).setDroppedKeys(2L).build()));
        FullLoadCompleted repaired = load(requestId, 2, List.<Object[]>of(row("ORDERS", 4)),
                () -> template.send(Topics.REPAIRS, requestId, planned(requestId, 1, scope)));

        JsonNode rules = mappings(1);
        assertThat(rules).hasSize(4);
        assertThat(rules.get(0).at("/object-locator/table-name").asText()).isEqualTo("ORDERS");
        assertThat(rules.get(0).at("/filters/0/column-name").asText()).isEqualTo("ORDER_ID");
        assertThat(rules.get(0).at("/filters/0/filter-conditions").toString()).isEqualTo("["
                + "{\"filter-operator\":\"eq\",\"value\":\"7\"},{\"filter-operator\":\"eq\",\"value\":\"42\"},"
                + "{\"filter-operator\":\"eq\",\"value\":\"1001\"},"
                + "{\"filter-operator\":\"between\",\"start-value\":\"5000\",\"end-value\":\"6000\"},"
                + "{\"filter-operator\":\"ste\",\"value\":\"10\"},{\"filter-operator\":\"gte\",\"value\":\"90000\"}]");
        assertThat(rules.get(1).get("value").asText()).isEqualTo("ctl_staging");
        assertThat(rules.get(2).get("value").asText()).isEqualTo("orders");
        assertThat(repaired.getRepair()).isEqualTo(scope);
        assertThat(repaired.getTables()).extracting(t -> t.getTable().getName() + "=" + t.getFullLoadRows())
                .containsExactly("orders=4");
        assertThat(repaired.getDmsTaskId()).isEqualTo(LoadTasks.taskIdentifier(requestId, 2));
        JsonNode run = JSON.readTree(get("/api/runs/" + requestId).body());
        assertThat(run.get("status").asText()).isEqualTo("LOADED");
        assertThat(run.get("attempt").asInt()).isEqualTo(2);
        assertThat(run.get("repairRound").asInt()).isEqualTo(1);
        assertThat(leases(requestId)).containsExactlyInAnyOrder("ctl_staging.orders", "ctl_staging.customers");

        // an earlier attempt's plan again, redelivered, changes nothing
        template.send(Topics.REPAIRS, requestId, planned(requestId, 1, scope));
        template.send(Topics.VALIDATION_PASSED, requestId, ValidationPassed.newBuilder().setHeader(header(requestId, 2))
                .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(JANUARY).setChecks(List.of()).setDurationMillis(1).build());

        await().atMost(Duration.ofSeconds(10)).until(() -> "COMPLETED".equals(status(jdbc, requestId)));
        assertThat(leases(requestId)).isEmpty();
        assertThat(dms.requests("CreateReplicationTask")).hasSize(2);
    }

    @Test
    void keysPastTheCapLoadAsRangesAndARunThatDoesNotHealFailsAfterTheLastRound() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        FullLoadCompleted loaded = load(requestId, 1, List.<Object[]>of(row("ORDERS", 1000)), () -> template.send(Topics.TASK_REQUESTED,
                requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders")));
        template.send(Topics.ALERTS, requestId, failed(requestId, 1, true, "orders"));
        topics.await(requestId, RepairRequested.class, 1);
        TableRef orders = loaded.getTables().get(0).getTable();
        RepairScope first = new RepairScope(1, List.of(TableRepairScope.newBuilder().setTable(orders)
                .setKeys(List.of("3", "8", "12", "40", "41")).setRanges(List.of()).setDeletes(true).setDroppedKeys(0L).build()));

        load(requestId, 2, List.<Object[]>of(row("ORDERS", 20)), () -> template.send(Topics.REPAIRS, requestId, planned(requestId, 1, first)));

        // 5 keys, at most 3 conditions: 3 ranges of consecutive keys
        assertThat(mappings(1).get(0).at("/filters/0/filter-conditions").toString()).isEqualTo("["
                + "{\"filter-operator\":\"between\",\"start-value\":\"3\",\"end-value\":\"8\"},"
                + "{\"filter-operator\":\"between\",\"start-value\":\"12\",\"end-value\":\"40\"},"
                + "{\"filter-operator\":\"between\",\"start-value\":\"41\",\"end-value\":\"41\"}]");

        // the repair did not heal: round 2, whose confirm finds nothing left to load, is validated again at once
        template.send(Topics.ALERTS, requestId, failed(requestId, 2, true, "orders"));
        RepairRequested second = topics.await(requestId, RepairRequested.class, 2).get(1);
        assertThat(second.getRound()).isEqualTo(2);
        assertThat(second.getHeader().getAttempt()).isEqualTo(2);
        template.send(Topics.REPAIRS, requestId, planned(requestId, 2, new RepairScope(2, List.of(TableRepairScope.newBuilder()
                .setTable(orders).setKeys(List.of()).setRanges(List.of()).setDeletes(true).setDroppedKeys(5L).build()))));
        ValidationRequested again = topics.await(requestId, ValidationRequested.class, 1).get(0);
        assertThat(again.getHeader().getAttempt()).isEqualTo(3);
        assertThat(again.getTables()).extracting(TableRef::getName).containsExactly("orders");
        assertThat(again.getWindow()).isEqualTo(JANUARY);
        assertThat(status(jdbc, requestId)).isEqualTo("VALIDATING");
        assertThat(leases(requestId)).containsExactly("ctl_staging.orders");

        // max-rounds 2: the third failure ends the run
        template.send(Topics.ALERTS, requestId, failed(requestId, 3, true, "orders"));

        await().atMost(Duration.ofSeconds(10)).until(() -> "FAILED".equals(status(jdbc, requestId)));
        assertThat(leases(requestId)).isEmpty();
        assertThat(topics.settle(requestId, RepairRequested.class, Duration.ofMillis(500))).hasSize(2);
        assertThat(dms.requests("CreateReplicationTask")).hasSize(2);
    }

    @Test
    void aManualTableWaitsForOpsWhoseRepairTakesTheLeasesAgain() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        load(requestId, 1, List.<Object[]>of(row("CUSTOMERS", 50)), () -> template.send(Topics.TASK_REQUESTED, requestId,
                request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "customers")));
        assertThat(post("/api/runs/" + requestId + "/repair").statusCode()).isEqualTo(409);

        template.send(Topics.ALERTS, requestId, failed(requestId, 1, true, "customers"));

        await().atMost(Duration.ofSeconds(10)).until(() -> "FAILED".equals(status(jdbc, requestId)));
        assertThat(topics.settle(requestId, RepairRequested.class, Duration.ofMillis(500))).isEmpty();
        assertThat(leases(requestId)).isEmpty();

        HttpResponse<String> repair = post("/api/runs/" + requestId + "/repair");

        assertThat(repair.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(repair.body()).get("status").asText()).isEqualTo("REPAIRING");
        RepairRequested requested = topics.await(requestId, RepairRequested.class, 1).get(0);
        assertThat(requested.getRequestedBy()).isEqualTo("ops");
        assertThat(requested.getTables()).extracting(TableRef::getName).containsExactly("customers");
        assertThat(requested.getDeletes()).isEmpty();
        assertThat(leases(requestId)).containsExactly("ctl_staging.customers");
        assertThat(post("/api/runs/" + requestId + "/repair").statusCode()).isEqualTo(409);
        assertThat(post("/api/runs/no-such-run/repair").statusCode()).isEqualTo(404);
    }

    /**
     * The run's task of {@code attempt}, created when {@code trigger} runs, loads these source tables to the end: its
     * FullLoadCompleted.
     */
    private FullLoadCompleted load(String requestId, int attempt, List<Object[]> rows, Runnable trigger) {
        String identifier = LoadTasks.taskIdentifier(requestId, attempt);
        String arn = "arn:aws:dms:eu-west-1:123456789012:task:" + identifier.toUpperCase();
        dms.acceptsCreate(identifier, arn, "full-load");
        dms.status(identifier, arn, "full-load", "stopped", 100, "Stop Reason FULL_LOAD_ONLY_FINISHED", null);
        dms.statistics(arn, rows);
        trigger.run();
        return await().atMost(Duration.ofSeconds(30)).until(() -> topics.settle(requestId, FullLoadCompleted.class,
                Duration.ofMillis(100)).stream().filter(l -> l.getHeader().getAttempt() == attempt).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
    }

    private static Object[] row(String sourceTable, long rows) {
        return new Object[] {"APP", sourceTable, rows, "Table completed"};
    }

    /** The rules of the task created {@code index}-th (from 0). */
    private JsonNode mappings(int index) throws Exception {
        JsonNode create = DmsStub.body(dms.requests("CreateReplicationTask").get(index));
        return JSON.readTree(create.get("TableMappings").asText()).get("rules");
    }

    private static ValidationFailed failed(String requestId, int attempt, boolean repairable, String... tables) {
        return ValidationFailed.newBuilder().setHeader(header(requestId, attempt)).setKind(TaskKind.TIME_WINDOW_RELOAD)
                .setWindow(JANUARY).setPassedChecks(List.of()).setDurationMillis(1).setDifferingKeys(tables.length)
                .setDifferingRanges(0).setRepairable(repairable)
                .setFailures(List.of(tables).stream().map(table -> CheckResult.newBuilder().setTable(table).setCheck("STALE")
                        .setPassed(false).setExpected("0").setActual("1").setSampleKeys(List.of("7")).build()).toList())
                .build();
    }

    private static RepairPlanned planned(String requestId, int attempt, RepairScope scope) {
        return RepairPlanned.newBuilder().setHeader(header(requestId, attempt)).setKind(TaskKind.TIME_WINDOW_RELOAD)
                .setWindow(JANUARY).setScope(scope).setDurationMillis(5).build();
    }

    private static EventHeader header(String requestId, int attempt) {
        return new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now().truncatedTo(ChronoUnit.MILLIS),
                "validation-service", attempt);
    }

    private List<String> leases(String requestId) throws Exception {
        return StreamSupport.stream(JSON.readTree(get("/api/leases").body()).spliterator(), false)
                .filter(l -> requestId.equals(l.get("requestId").asText()) && "write".equals(l.get("mode").asText()))
                .map(l -> l.get("stagingTable").asText()).toList();
    }

    private HttpResponse<String> post(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", ApiUser.OPS.basicAuthorization()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", ApiUser.OPS.basicAuthorization()).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
