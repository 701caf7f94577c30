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
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.controller.engine.dms.DmsStub;
import dev.dmsflow.controller.run.ControllerTestSupport.Task;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
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
 * A FULL_LOAD_AND_CDC run after its full load, against the DMS and CloudWatch stub: REPLICATING with its CDC latency
 * reported, its leases held past validation, reloads of its tables refused, ended by POST /api/runs/{id}/stop, and
 * failed (leases released) when its task stops replicating on its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
@DirtiesContext
class ReplicatingRunIT {

    private static final String CDC = "full-load-and-cdc";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension wireMock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void controller(DynamicPropertyRegistry registry) {
        ControllerTestSupport.properties(wireMock.baseUrl()).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("dmsflow.controller.dms.cloudwatch-endpoint-override", wireMock::baseUrl);
    }

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
        topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.FULL_LOAD_COMPLETED, Topics.TASK_PROGRESS, Topics.ALERTS);
    }

    @AfterEach
    void tearDown() {
        topics.close();
        ControllerTestSupport.finishAllRuns(jdbc);
    }

    @Test
    void aReplicatingRunReportsItsLatencyKeepsItsTablesThroughValidationAndEndsWhenStopped() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        Task task = replicatingTask(requestId);
        dms.cdcLatency(4.0, 2.0);

        template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.FULL_LOAD_AND_CDC, null, "orders"));

        topics.await(requestId, FullLoadCompleted.class, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> "REPLICATING".equals(status(jdbc, requestId)));
        TaskProgress progress = await().atMost(Duration.ofSeconds(30)).until(() -> topics.settle(requestId, TaskProgress.class, Duration.ofMillis(200)).stream()
                .filter(p -> p.getCdcLatencySourceSeconds() != null).findFirst().orElse(null), p -> p != null);
        assertThat(progress.getCdcLatencySourceSeconds()).isEqualTo(4L);
        assertThat(progress.getCdcLatencyTargetSeconds()).isEqualTo(2L);
        assertThat(progress.getDmsTaskId()).isEqualTo(task.identifier());

        // validation passed: the task still writes into staging, so the run keeps the table
        template.send(Topics.VALIDATION_PASSED, requestId, ValidationPassed.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now(), "validation-service", 1))
                .setKind(TaskKind.FULL_LOAD_AND_CDC).setChecks(List.of()).setDurationMillis(1).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT stage IS NULL FROM dms_controller.runs WHERE request_id = ?", Boolean.class, requestId));
        assertThat(status(jdbc, requestId)).isEqualTo("REPLICATING");
        assertThat(leases(requestId)).containsExactly("ctl_staging.orders");
        assertThat(dms.requests("StopReplicationTask")).isEmpty();
        assertThat(dms.requests("DeleteReplicationTask")).isEmpty();

        // a window reload would truncate what the CDC task keeps writing: refused, saying how to go on
        String reload = "req-" + UUID.randomUUID();
        template.send(Topics.TASK_REQUESTED, reload, request(reload, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
        TaskFailed refused = topics.await(reload, TaskFailed.class, 1).get(0);
        assertThat(refused.getStage()).isEqualTo(FailureStage.REQUEST);
        assertThat(refused.getErrorType()).isEqualTo("TableReplicating");
        assertThat(refused.getReason()).contains("staging table ctl_staging.orders is written by CDC task " + task.identifier(),
                "POST /api/runs/" + requestId + "/stop");
        assertThat(status(jdbc, reload)).isEqualTo("NONE");

        HttpResponse<String> stopped = post("/api/runs/" + requestId + "/stop");
        assertThat(stopped.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(stopped.body()).get("status").asText()).isEqualTo("STOPPED");
        assertThat(DmsStub.body(dms.requests("StopReplicationTask").get(0)).get("ReplicationTaskArn").asText()).isEqualTo(task.arn());
        assertThat(leases(requestId)).isEmpty();
        assertThat(post("/api/runs/" + requestId + "/stop").statusCode()).isEqualTo(409);
        assertThat(post("/api/runs/no-such-run/stop").statusCode()).isEqualTo(404);

        String again = "req-" + UUID.randomUUID();
        template.send(Topics.TASK_REQUESTED, again, request(again, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !"NONE".equals(status(jdbc, again)) && !"QUEUED".equals(status(jdbc, again)));
    }

    @Test
    void aTaskThatStopsReplicatingFailsItsRunAndReleasesItsTables() {
        String requestId = "req-" + UUID.randomUUID();
        Task task = replicatingTask(requestId);
        dms.cdcLatency(1.0, 1.0);

        template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.FULL_LOAD_AND_CDC, null, "orders"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "REPLICATING".equals(status(jdbc, requestId)));

        dms.status(task.identifier(), task.arn(), CDC, "failed", 100, null, "ORA-01013: user requested cancel of current operation");

        TaskFailed failed = topics.await(requestId, TaskFailed.class, 1).get(0);
        assertThat(failed.getStage()).isEqualTo(FailureStage.LOAD);
        assertThat(failed.getReason()).contains("CDC task " + task.identifier() + " stopped replicating", "ORA-01013");
        await().atMost(Duration.ofSeconds(10)).until(() -> "FAILED".equals(status(jdbc, requestId)));
        assertThat(leases(requestId)).isEmpty();
    }

    /** A CDC task whose full load finished: running, 100 %, every table completed. */
    private Task replicatingTask(String requestId) {
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), CDC);
        dms.statistics(task.arn(), List.<Object[]>of(new Object[] {"APP", "ORDERS", 10L, "Table completed"}));
        dms.status(task.identifier(), task.arn(), CDC, "running", 100, null, null);
        return task;
    }

    private List<String> leases(String requestId) {
        return jdbc.queryForList("SELECT staging_table FROM dms_controller.table_leases WHERE request_id = ?", String.class, requestId);
    }

    private HttpResponse<String> post(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
