package dev.dmsflow.controller.run;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.dmsflow.controller.run.ControllerTestSupport.JANUARY;
import static dev.dmsflow.controller.run.ControllerTestSupport.request;
import static dev.dmsflow.controller.run.ControllerTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.controller.engine.dms.DmsStub;
import dev.dmsflow.controller.run.ControllerTestSupport.Task;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.TopicProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Engine errors and task deletes that fail, against the DMS stub: only consecutive errors fail a run, a failed run's
 * task is stopped, and a delete that fails after the load leaves the run LOADED with its leases and is tried again.
 */
@SpringBootTest(useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
@DirtiesContext
class RunResilienceIT {

    @RegisterExtension
    static WireMockExtension wireMock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void controller(DynamicPropertyRegistry registry) {
        ControllerTestSupport.properties(wireMock.baseUrl()).forEach((key, value) -> registry.add(key, () -> value));
        // one HTTP call per engine call, so each stubbed error is one engine error
        registry.add("dmsflow.controller.dms.max-attempts", () -> "1");
        registry.add("dmsflow.controller.max-delete-attempts", () -> "1000");
    }

    @Autowired
    KafkaTemplate<String, SpecificRecord> template;
    @Autowired
    JdbcTemplate jdbc;

    private DmsStub dms;
    private TopicProbe<SpecificRecord> topics;

    @BeforeEach
    void setUp() {
        dms = new DmsStub(wireMock);
        topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.FULL_LOAD_COMPLETED, Topics.ALERTS);
    }

    @AfterEach
    void tearDown() {
        topics.close();
        ControllerTestSupport.finishAllRuns(jdbc);
    }

    @Test
    void transientEngineErrorsFailARunOnlyWhenConsecutiveAndTheFailedRunsTaskIsStopped() {
        String requestId = "req-" + UUID.randomUUID();
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        dms.statistics(task.arn(), List.<Object[]>of(new Object[] {"APP", "ORDERS", 10L, "Full load"}));
        task.status(dms, "running", 50, null, null);
        // every answer is in place before the run first polls: polls that landed while the stubs were swapped got
        // errors of their own (up to 3 seen), and in CI a run of 10 failed the run before the test's own errors ended
        List<ResponseDefinitionBuilder> answers = new ArrayList<>();
        answers.add(DmsStub.described(task.identifier(), task.arn(), "full-load", "running", 50));
        answers.addAll(unavailable(6));
        answers.add(DmsStub.described(task.identifier(), task.arn(), "full-load", "running", 60));
        answers.addAll(unavailable(6));
        dms.describeAnswers(task.arn(), answers);
        template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));

        // 12 errors in all, never 10 in a row, then the plain answer again (running, 50 %) on every later poll
        await().atMost(Duration.ofSeconds(30)).until(() -> dms.requests("DescribeReplicationTasks").size() >= answers.size() + 3);
        assertThat(status(jdbc, requestId)).isEqualTo("RUNNING");
        assertThat(jdbc.queryForObject("SELECT engine_errors FROM dms_controller.runs WHERE request_id = ?", Integer.class, requestId)).isZero();
        assertThat(topics.settle(requestId, TaskFailed.class, Duration.ofMillis(500))).isEmpty();
        assertThat(dms.requests("StopReplicationTask")).isEmpty();

        dms.describeAnswers(task.arn(), unavailable(10));

        TaskFailed failed = topics.await(requestId, TaskFailed.class, 1).get(0);
        assertThat(failed.getStage()).isEqualTo(FailureStage.LOAD);
        assertThat(failed.getRetryable()).isTrue();
        assertThat(failed.getReason()).contains("could not describe task " + task.identifier());
        assertThat(DmsStub.body(dms.requests("StopReplicationTask").get(0)).get("ReplicationTaskArn").asText()).isEqualTo(task.arn());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dms_controller.table_leases WHERE request_id = ?", Long.class, requestId)).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> dms.requests("DeleteReplicationTask").size() == 1);
    }

    @Test
    void aDeleteThatFailsAfterTheLoadKeepsTheRunLoadedWithItsLeasesAndIsTriedAgain() {
        String requestId = "req-" + UUID.randomUUID();
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        dms.statistics(task.arn(), List.<Object[]>of(new Object[] {"APP", "ORDERS", 3L, "Table completed"}));
        task.status(dms, "stopped", 100, "Stop Reason FULL_LOAD_ONLY_FINISHED", null);
        wireMock.stubFor(DmsStub.operation("DeleteReplicationTask").willReturn(DmsStub.error(400, "AccessDeniedFault",
                "User is not authorized to perform: dms:DeleteReplicationTask")));

        template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
        topics.await(requestId, FullLoadCompleted.class, 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> dms.requests("DeleteReplicationTask").size() >= 3);

        assertThat(status(jdbc, requestId)).isEqualTo("LOADED");
        assertThat(jdbc.queryForList("SELECT staging_table FROM dms_controller.table_leases WHERE request_id = ?", String.class, requestId))
                .containsExactly("ctl_staging.orders");
        assertThat(topics.settle(requestId, TaskFailed.class, Duration.ofMillis(500))).isEmpty();

        wireMock.stubFor(DmsStub.operation("DeleteReplicationTask").willReturn(DmsStub.ok("{\"ReplicationTask\":{}}")));
        await().atMost(Duration.ofSeconds(30)).until(() -> !jdbc.queryForObject(
                "SELECT task_delete_pending FROM dms_controller.runs WHERE request_id = ?", Boolean.class, requestId));
        int deletes = dms.requests("DeleteReplicationTask").size();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> dms.requests("DeleteReplicationTask").size() == deletes);
        assertThat(status(jdbc, requestId)).isEqualTo("LOADED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dms_controller.table_leases WHERE request_id = ?", Long.class, requestId)).isOne();
    }

    private static List<ResponseDefinitionBuilder> unavailable(int times) {
        return Collections.nCopies(times, DmsStub.error(503, "ServiceUnavailable", "try later"));
    }
}
