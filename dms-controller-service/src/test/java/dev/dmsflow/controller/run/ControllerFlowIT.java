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
import dev.dmsflow.contracts.event.EngineType;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.TableLoadStatistics;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.controller.engine.dms.DmsStub;
import dev.dmsflow.controller.run.ControllerTestSupport.Task;
import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.TopicProbe;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

/** Requests to FullLoadCompleted through the real broker and database, with AWS DMS played by a stub. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
// its scheduler must stop with the class: another context's would drive these runs against a stub that is gone
@DirtiesContext
class ControllerFlowIT {

    @RegisterExtension
    static WireMockExtension wireMock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void controller(DynamicPropertyRegistry registry) {
        ControllerTestSupport.properties(wireMock.baseUrl()).forEach((key, value) -> registry.add(key, () -> value));
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
        topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.FULL_LOAD_COMPLETED, Topics.TASK_PROGRESS, Topics.ALERTS,
                Topics.VALIDATION_REQUESTED);
    }

    @AfterEach
    void tearDown() {
        topics.close();
        ControllerTestSupport.finishAllRuns(jdbc);
    }

    @Test
    void aWindowReloadBecomesADmsTaskAndEndsInFullLoadCompletedWithTheStatistics() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        task.status(dms, "creating", 0, null, null);
        dms.statistics(task.arn(), List.of(new Object[] {"APP", "ORDERS", 0L, "Before load"}, new Object[] {"APP", "CUSTOMERS", 0L, "Before load"}));

        template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders", "customers"));

        await().atMost(Duration.ofSeconds(30)).until(() -> dms.requests("CreateReplicationTask").size() == 1);
        JsonNode create = DmsStub.body(dms.requests("CreateReplicationTask").get(0));
        JsonNode rules = JSON.readTree(create.get("TableMappings").asText()).get("rules");
        assertThat(rules.get(0).at("/filters/0/filter-conditions/0").toString())
                .isEqualTo("{\"filter-operator\":\"between\",\"start-value\":\"2026-01-01 00:00:00.000000\",\"end-value\":\"2026-01-31 23:59:59.999999\"}");
        assertThat(rules.get(1).at("/filters/0/filter-conditions/0/end-value").asText()).isEqualTo("2026-01-31 23:59:59");
        assertThat(JSON.readTree(create.get("ReplicationTaskSettings").asText()).at("/FullLoadSettings/TargetTablePrepMode").asText())
                .isEqualTo("TRUNCATE_BEFORE_LOAD");

        task.status(dms, "ready", 0, null, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> dms.requests("StartReplicationTask").size() == 1);
        dms.statistics(task.arn(), List.of(new Object[] {"APP", "ORDERS", 700L, "Full load"}, new Object[] {"APP", "CUSTOMERS", 0L, "Before load"}));
        task.status(dms, "running", 40, null, null);
        TaskProgress progress = await().atMost(Duration.ofSeconds(30)).until(
                () -> topics.settle(requestId, TaskProgress.class, Duration.ofMillis(200)).stream().filter(p -> p.getPercentComplete() == 40).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertThat(progress.getTables()).extracting(TableLoadStatistics::getTableState).containsExactly("Full load", "Before load");

        dms.statistics(task.arn(), List.of(new Object[] {"APP", "ORDERS", 1000L, "Table completed"}, new Object[] {"APP", "CUSTOMERS", 50L, "Table completed"}));
        task.status(dms, "stopped", 100, "Stop Reason FULL_LOAD_ONLY_FINISHED", null);
        FullLoadCompleted completed = topics.await(requestId, FullLoadCompleted.class, 1).get(0);

        assertThat(completed.getEngine()).isEqualTo(EngineType.AWS_DMS);
        assertThat(completed.getDmsTaskId()).isEqualTo(task.identifier());
        assertThat(completed.getDmsTaskArn()).isEqualTo(task.arn());
        assertThat(completed.getWindow()).isEqualTo(JANUARY);
        assertThat(completed.getKind()).isEqualTo(TaskKind.TIME_WINDOW_RELOAD);
        assertThat(completed.getTables()).extracting(t -> t.getTable().getName() + "=" + t.getFullLoadRows() + " " + t.getTableState())
                .containsExactly("orders=1000 Table completed", "customers=50 Table completed");
        assertThat(completed.getTables().get(0).getTable().getStagingTable()).isEqualTo("orders");
        await().atMost(Duration.ofSeconds(10)).until(() -> dms.requests("DeleteReplicationTask").size() == 1);
        JsonNode run = JSON.readTree(get("/api/runs/" + requestId).body());
        assertThat(run.get("status").asText()).isEqualTo("LOADED");
        assertThat(run.get("taskId").asText()).isEqualTo(task.identifier());
        assertThat(run.get("progress").asInt()).isEqualTo(100);
        assertThat(run.at("/statistics/0/fullLoadRows").asLong()).isEqualTo(1000L);
    }

    @Test
    void theSameRequestDeliveredTwiceOrPostedAgainMakesOneTaskAndOneRun() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        task.status(dms, "creating", 0, null, null);
        TaskRequested request = request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders");

        template.send(Topics.TASK_REQUESTED, requestId, request);
        template.send(Topics.TASK_REQUESTED, requestId, request);
        HttpResponse<String> posted = post("{\"tables\":[\"orders\"],\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-02-01T00:00:00Z\","
                + "\"kind\":\"TIME_WINDOW_RELOAD\",\"requestId\":\"" + requestId + "\"}");

        assertThat(posted.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(posted.body()).get("requestId").asText()).isEqualTo(requestId);
        await().atMost(Duration.ofSeconds(30)).until(() -> dms.requests("CreateReplicationTask").size() == 1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> dms.requests("CreateReplicationTask").size() == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dms_controller.runs WHERE request_id = ?", Long.class, requestId)).isOne();
    }

    @Test
    void aRestRequestIsRequestedByTheAuthenticatedCallerAndNamingSomeoneElseIsRefused() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        task.status(dms, "creating", 0, null, null);
        String body = "{\"tables\":[\"orders\"],\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-02-01T00:00:00Z\",\"requestId\":\"" + requestId + "\"";

        HttpResponse<String> someoneElse = post(ApiUser.RELOADER, body + ",\"requestedBy\":\"alice\"}");
        assertThat(someoneElse.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(someoneElse.body()).get("error").asText()).isEqualTo("requestedBy: is the authenticated caller, reloader; leave it out");

        assertThat(post(ApiUser.RELOADER, body + "}").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList("SELECT requested_by FROM dms_controller.runs WHERE request_id = ?",
                String.class, requestId), List.of(ApiUser.RELOADER.name())::equals);
        assertThat(post(ApiUser.READER, body + "}").statusCode()).isEqualTo(403);
    }

    @Test
    void anInvalidRequestIsRejectedWithTaskFailedAndTouchesNoDatabase() throws Exception {
        String requestId = "req-" + UUID.randomUUID();

        template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "invoices"));

        TaskFailed failed = topics.await(requestId, TaskFailed.class, 1).get(0);
        assertThat(failed.getStage()).isEqualTo(FailureStage.REQUEST);
        assertThat(failed.getRetryable()).isFalse();
        assertThat(failed.getReason()).isEqualTo("table 'invoices' is not in the migration catalog (known: orders, customers, countries, currencies, rates)");
        assertThat(failed.getTables()).containsExactly("invoices");
        assertThat(status(jdbc, requestId)).isEqualTo("NONE");
        assertThat(dms.requests("CreateReplicationTask")).isEmpty();

        HttpResponse<String> unknown = post("{\"tables\":[\"invoices\"],\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-02-01T00:00:00Z\"}");
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).startsWith("table 'invoices' is not in the migration catalog");
        HttpResponse<String> badDate = post("{\"tables\":[\"orders\"],\"from\":\"January\",\"to\":\"2026-02-01T00:00:00Z\"}");
        assertThat(badDate.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badDate.body()).get("error").asText()).isEqualTo("from: 'January' is not an ISO-8601 instant such as 2026-01-01T00:00:00Z");
        assertThat(get("/api/runs/no-such-run").statusCode()).isEqualTo(404);
    }

    @Test
    void aFailedTaskPublishesTaskFailedWithDmsMessageAndReleasesItsLeases() {
        String requestId = "req-" + UUID.randomUUID();
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        task.status(dms, "failed", 0, null, "ORA-00942: table or view does not exist");

        template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));

        TaskFailed failed = topics.await(requestId, TaskFailed.class, 1).get(0);
        assertThat(failed.getStage()).isEqualTo(FailureStage.LOAD);
        assertThat(failed.getReason()).isEqualTo("DMS task failed: ORA-00942: table or view does not exist");
        assertThat(status(jdbc, requestId)).isEqualTo("FAILED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dms_controller.table_leases WHERE request_id = ?", Long.class, requestId)).isZero();
    }

    @Test
    void aRequestWhoseTablesAreLeasedWaitsForTheHoldersOutcome() {
        String first = "req-" + UUID.randomUUID();
        String second = "req-" + UUID.randomUUID();
        Task firstTask = Task.of(first);
        Task secondTask = Task.of(second);
        dms.acceptsCreate(firstTask.identifier(), firstTask.arn(), "full-load");
        dms.acceptsCreate(secondTask.identifier(), secondTask.arn(), "full-load");
        firstTask.status(dms, "stopped", 100, "Stop Reason FULL_LOAD_ONLY_FINISHED", null);
        secondTask.status(dms, "creating", 0, null, null);
        dms.statistics(firstTask.arn(), List.<Object[]>of(new Object[] {"APP", "ORDERS", 3L, "Table completed"}));

        template.send(Topics.TASK_REQUESTED, first, request(first, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
        topics.await(first, FullLoadCompleted.class, 1);
        template.send(Topics.TASK_REQUESTED, second, request(second, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "customers", "orders"));

        // orders is still held by the first run until its validation outcome
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> "QUEUED".equals(status(jdbc, second)));
        assertThat(dms.requests("CreateReplicationTask")).hasSize(1);
        assertThat(jdbc.queryForList("SELECT staging_table FROM dms_controller.table_leases WHERE request_id = ?", String.class, first))
                .containsExactly("ctl_staging.orders");

        template.send(Topics.VALIDATION_PASSED, first, ValidationPassed.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), first, Instant.now(), "validation-service", 1))
                .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(JANUARY).setChecks(List.of()).setDurationMillis(1).build());

        await().atMost(Duration.ofSeconds(30)).until(() -> dms.requests("CreateReplicationTask").size() == 2);
        assertThat(status(jdbc, first)).isEqualTo("COMPLETED");
        assertThat(jdbc.queryForList("SELECT staging_table FROM dms_controller.table_leases WHERE request_id = ? ORDER BY 1", String.class, second))
                .containsExactly("ctl_staging.customers", "ctl_staging.orders");
    }

    @Test
    void validateOnlyRunsShareReadLeasesAndGoStraightToValidationWhileALoadOfTheirTablesWaits() throws Exception {
        String first = "req-" + UUID.randomUUID();
        String second = "req-" + UUID.randomUUID();
        String load = "req-" + UUID.randomUUID();
        Task loadTask = Task.of(load);
        dms.acceptsCreate(loadTask.identifier(), loadTask.arn(), "full-load");
        loadTask.status(dms, "creating", 0, null, null);

        assertThat(post("{\"tables\":[\"orders\"],\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2026-02-01T00:00:00Z\","
                + "\"kind\":\"VALIDATE_ONLY\",\"requestId\":\"" + first + "\"}").statusCode()).isEqualTo(202);
        template.send(Topics.TASK_REQUESTED, second, request(second, TaskKind.VALIDATE_ONLY, null, "customers", "orders"));

        ValidationRequested requested = topics.await(first, ValidationRequested.class, 1).get(0);
        assertThat(requested.getKind()).isEqualTo(TaskKind.VALIDATE_ONLY);
        assertThat(requested.getWindow()).isEqualTo(JANUARY);
        assertThat(requested.getTables()).extracting(t -> t.getName() + " " + t.getSourceTable() + " -> " + t.getTargetSchema() + "." + t.getTargetTable())
                .containsExactly("orders ORDERS -> ctl_production.orders");
        assertThat(requested.getStartedAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(topics.await(second, ValidationRequested.class, 1).get(0).getWindow()).isNull();
        assertThat(status(jdbc, first)).isEqualTo("VALIDATING");
        assertThat(status(jdbc, second)).isEqualTo("VALIDATING");
        assertThat(lease(first).orElseThrow().get("mode").asText()).isEqualTo("read");
        assertThat(jdbc.queryForList("SELECT request_id FROM dms_controller.table_read_leases WHERE staging_table = 'ctl_staging.orders'"
                + " ORDER BY acquired_at, request_id", String.class)).containsExactlyInAnyOrder(first, second);

        template.send(Topics.TASK_REQUESTED, load, request(load, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> "QUEUED".equals(status(jdbc, load)));
        template.send(Topics.VALIDATION_PASSED, first, ValidationPassed.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), first, Instant.now(), "validation-service", 1))
                .setKind(TaskKind.VALIDATE_ONLY).setWindow(JANUARY).setChecks(List.of()).setDurationMillis(1).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> "COMPLETED".equals(status(jdbc, first)));
        // the second still reads orders
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> "QUEUED".equals(status(jdbc, load)));
        assertThat(dms.requests("CreateReplicationTask")).isEmpty();

        template.send(Topics.ALERTS, second, ValidationFailed.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), second, Instant.now(), "validation-service", 1))
                .setKind(TaskKind.VALIDATE_ONLY).setFailures(List.of()).setDurationMillis(1).build());

        await().atMost(Duration.ofSeconds(30)).until(() -> dms.requests("CreateReplicationTask").size() == 1);
        assertThat(status(jdbc, second)).isEqualTo("FAILED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dms_controller.table_read_leases", Long.class)).isZero();
        assertThat(lease(load).orElseThrow().get("mode").asText()).isEqualTo("write");
    }

    @Test
    void aKindNoOneCanAskForIsRefused() throws Exception {
        HttpResponse<String> refused = post("{\"tables\":[\"orders\"],\"kind\":\"UNKNOWN\"}");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("kind: 'UNKNOWN' is none of").contains("VALIDATE_ONLY");
    }

    @Test
    void opsListLeasesAndReleaseOneWithTheReasonAuditedWhichFailsTheRunHoldingIt() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        task.status(dms, "stopped", 100, "Stop Reason FULL_LOAD_ONLY_FINISHED", null);
        dms.statistics(task.arn(), List.<Object[]>of(new Object[] {"APP", "ORDERS", 3L, "Table completed"}));
        template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
        topics.await(requestId, FullLoadCompleted.class, 1);

        JsonNode lease = lease(requestId).orElseThrow();
        assertThat(lease.get("stagingTable").asText()).isEqualTo("ctl_staging.orders");
        assertThat(lease.get("runStatus").asText()).isEqualTo("LOADED");
        assertThat(lease.get("stage").asText()).isEqualTo("STAGING");
        assertThat(Instant.parse(lease.get("since").asText())).isBeforeOrEqualTo(Instant.parse(lease.get("lastProgressAt").asText()));

        assertThat(delete("/api/leases/ctl_staging.orders").statusCode()).isEqualTo(400);
        // who released it is the authenticated caller, not a parameter anyone could fill in
        assertThat(delete("/api/leases/ctl_staging.orders?by=alice&reason=why").statusCode()).isEqualTo(400);
        HttpResponse<String> released = delete("/api/leases/ctl_staging.orders?reason=MergeCompleted%20went%20to%20the%20DLT");

        assertThat(released.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(released.body()).get("requestId").asText()).isEqualTo(requestId);
        TaskFailed failed = topics.await(requestId, TaskFailed.class, 1).get(0);
        assertThat(failed.getStage()).isEqualTo(FailureStage.STAGING);
        assertThat(failed.getReason()).isEqualTo("lease released by ops: MergeCompleted went to the DLT");
        assertThat(status(jdbc, requestId)).isEqualTo("FAILED");
        assertThat(lease(requestId)).isEmpty();
        assertThat(jdbc.queryForMap("SELECT staging_table, request_id, released_by, reason, released_at IS NOT NULL AS dated"
                + " FROM dms_controller.lease_releases WHERE request_id = ?", requestId)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "staging_table", "ctl_staging.orders", "request_id", requestId, "released_by", "ops",
                "reason", "MergeCompleted went to the DLT", "dated", true));
        assertThat(delete("/api/leases/ctl_staging.orders?reason=again").statusCode()).isEqualTo(404);
    }

    @Test
    void aFailedRunRunsAgainAsItsNextAttemptAndTheSameAttemptAgainIsIgnored() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        task.status(dms, "failed", 0, null, "ORA-00942: table or view does not exist");
        TaskRequested request = request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders");
        template.send(Topics.TASK_REQUESTED, requestId, request);
        topics.await(requestId, TaskFailed.class, 1);

        template.send(Topics.TASK_REQUESTED, requestId, request);
        JsonNode ignored = await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get("/api/runs/" + requestId).body()),
                r -> r.get("ignoredDuplicates").asInt() == 1);
        assertThat(ignored.get("status").asText()).isEqualTo("FAILED");
        assertThat(ignored.get("attempt").asInt()).isEqualTo(1);
        assertThat(ignored.get("lastIgnoredAt").isNull()).isFalse();
        assertThat(dms.requests("CreateReplicationTask")).hasSize(1);

        String retriedTask = LoadTasks.taskIdentifier(requestId, 2);
        String retriedArn = "arn:aws:dms:eu-west-1:123456789012:task:RETRIED";
        dms.acceptsCreate(retriedTask, retriedArn, "full-load");
        dms.status(retriedTask, retriedArn, "full-load", "stopped", 100, "Stop Reason FULL_LOAD_ONLY_FINISHED", null);
        dms.statistics(retriedArn, List.<Object[]>of(new Object[] {"APP", "ORDERS", 5L, "Table completed"}));
        HttpResponse<String> retry = postTo("/api/runs/" + requestId + "/retry");

        assertThat(retry.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(retry.body()).get("attempt").asInt()).isEqualTo(2);
        FullLoadCompleted completed = topics.await(requestId, FullLoadCompleted.class, 1).get(0);
        assertThat(completed.getHeader().getAttempt()).isEqualTo(2);
        assertThat(completed.getDmsTaskId()).isEqualTo(retriedTask).isNotEqualTo(task.identifier());
        JsonNode run = JSON.readTree(get("/api/runs/" + requestId).body());
        assertThat(run.get("status").asText()).isEqualTo("LOADED");
        assertThat(run.get("attempt").asInt()).isEqualTo(2);
        assertThat(run.get("failure").isNull()).isTrue();
        assertThat(postTo("/api/runs/" + requestId + "/retry").statusCode()).isEqualTo(409);
        assertThat(postTo("/api/runs/no-such-run/retry").statusCode()).isEqualTo(404);
    }

    @Test
    void anUndecodableRequestGoesToTheDeadLetterTopicWithTheReason() {
        String key = "garbage-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                DmsflowInfrastructure.shared().kafkaBootstrapServers()), new StringSerializer(), new ByteArraySerializer());
             TopicProbe<byte[]> deadLetters = new TopicProbe<>(new ByteArrayDeserializer(), Topics.deadLetterTopic(Topics.TASK_REQUESTED))) {
            producer.send(new ProducerRecord<>(Topics.TASK_REQUESTED, key, "reload orders for January".getBytes(StandardCharsets.UTF_8)));

            assertThat(new String(deadLetters.await(key, byte[].class, 1).get(0), StandardCharsets.UTF_8)).isEqualTo("reload orders for January");
        }
        assertThat(status(jdbc, key)).isEqualTo("NONE");
    }

    private HttpResponse<String> post(String json) throws Exception {
        return post(ApiUser.OPS, json);
    }

    private HttpResponse<String> post(ApiUser user, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/reloads")).header("Authorization", user.basicAuthorization())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Optional<JsonNode> lease(String requestId) throws Exception {
        JsonNode leases = JSON.readTree(get("/api/leases").body());
        return StreamSupport.stream(leases.spliterator(), false)
                .filter(l -> requestId.equals(l.get("requestId").asText())).findFirst();
    }

    private HttpResponse<String> postTo(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", ApiUser.OPS.basicAuthorization())
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", ApiUser.OPS.basicAuthorization()).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", ApiUser.OPS.basicAuthorization()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
