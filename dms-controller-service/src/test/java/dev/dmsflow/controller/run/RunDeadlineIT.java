package dev.dmsflow.controller.run;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.dmsflow.controller.run.ControllerTestSupport.JANUARY;
import static dev.dmsflow.controller.run.ControllerTestSupport.request;
import static dev.dmsflow.controller.run.ControllerTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.controller.engine.dms.DmsStub;
import dev.dmsflow.controller.run.ControllerTestSupport.Task;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.TopicProbe;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Stage deadlines: a run that makes no progress fails with TaskFailed of its stage and its leases go back. */
@SpringBootTest(useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
@DirtiesContext
class RunDeadlineIT {

    @RegisterExtension
    static WireMockExtension wireMock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @DynamicPropertySource
    static void controller(DynamicPropertyRegistry registry) {
        ControllerTestSupport.properties(wireMock.baseUrl()).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("dmsflow.controller.deadlines.load", () -> "3s");
        // long enough for WindowStaged to arrive on a busy machine, short enough to wait for
        registry.add("dmsflow.controller.deadlines.stage", () -> "5s");
        registry.add("dmsflow.controller.deadlines.merge", () -> "1h");
        registry.add("dmsflow.controller.deadlines.validation", () -> "1h");
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
    void aLoadedRunThatHearsNothingBackTimesOutReleasesItsLeasesAndTheQueuedRequestStarts() {
        String first = "req-" + UUID.randomUUID();
        String second = "req-" + UUID.randomUUID();
        loadsAtOnce(first);
        Task secondTask = Task.of(second);
        dms.acceptsCreate(secondTask.identifier(), secondTask.arn(), "full-load");
        secondTask.status(dms, "creating", 0, null, null);

        template.send(Topics.TASK_REQUESTED, first, request(first, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
        topics.await(first, FullLoadCompleted.class, 1);
        template.send(Topics.TASK_REQUESTED, second, request(second, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "QUEUED".equals(status(jdbc, second)));

        TaskFailed failed = topics.await(first, TaskFailed.class, 1).get(0);

        assertThat(failed.getStage()).isEqualTo(FailureStage.STAGING);
        assertThat(failed.getReason()).isEqualTo("staging timed out: no progress for 5s");
        assertThat(failed.getRetryable()).isTrue();
        assertThat(status(jdbc, first)).isEqualTo("FAILED");
        await().atMost(Duration.ofSeconds(30)).until(() -> dms.requests("CreateReplicationTask").size() == 2);
        assertThat(jdbc.queryForList("SELECT request_id FROM dms_controller.table_leases WHERE staging_table = 'ctl_staging.orders'",
                String.class)).containsExactly(second);
        assertThat(dms.requests("StopReplicationTask")).as("the loaded run's task had finished").isEmpty();
    }

    @Test
    void windowStagedAndMergeCompletedAreTheRunsProgressAfterTheLoad() {
        String requestId = "req-" + UUID.randomUUID();
        loadsAtOnce(requestId);

        template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
        topics.await(requestId, FullLoadCompleted.class, 1);
        template.send(Topics.WINDOW_STAGED, requestId, WindowStaged.newBuilder().setHeader(header(requestId, "schema-service"))
                .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(JANUARY).setTables(List.of()).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> "MERGE".equals(stage(requestId)));
        template.send(Topics.MERGE_COMPLETED, requestId, MergeCompleted.newBuilder().setHeader(header(requestId, "merge-service"))
                .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(JANUARY).setTables(List.of()).setDurationMillis(1).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> "VALIDATION".equals(stage(requestId)));
        // a late WindowStaged (another topic, so no order) does not move the run back
        template.send(Topics.WINDOW_STAGED, requestId, WindowStaged.newBuilder().setHeader(header(requestId, "schema-service"))
                .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(JANUARY).setTables(List.of()).build());

        assertThat(topics.settle(requestId, TaskFailed.class, Duration.ofSeconds(6))).as("past the 5 s staging deadline").isEmpty();
        assertThat(stage(requestId)).isEqualTo("VALIDATION");
        assertThat(status(jdbc, requestId)).isEqualTo("LOADED");
    }

    @Test
    void aLoadThatStopsMovingTimesOutAndItsTaskIsStoppedBeforeItsLeasesGoBack() {
        String requestId = "req-" + UUID.randomUUID();
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        dms.statistics(task.arn(), List.<Object[]>of(new Object[] {"APP", "ORDERS", 700L, "Full load"}));
        task.status(dms, "running", 40, null, null);

        template.send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
        TaskFailed failed = topics.await(requestId, TaskFailed.class, 1).get(0);

        assertThat(failed.getStage()).isEqualTo(FailureStage.LOAD);
        assertThat(failed.getReason()).isEqualTo("load timed out: no progress for 3s");
        assertThat(DmsStub.body(dms.requests("StopReplicationTask").get(0)).get("ReplicationTaskArn").asText()).isEqualTo(task.arn());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dms_controller.table_leases WHERE request_id = ?", Long.class, requestId)).isZero();
    }

    private void loadsAtOnce(String requestId) {
        Task task = Task.of(requestId);
        dms.acceptsCreate(task.identifier(), task.arn(), "full-load");
        task.status(dms, "stopped", 100, "Stop Reason FULL_LOAD_ONLY_FINISHED", null);
        dms.statistics(task.arn(), List.<Object[]>of(new Object[] {"APP", "ORDERS", 3L, "Table completed"}));
    }

    private String stage(String requestId) {
        return jdbc.queryForObject("SELECT stage FROM dms_controller.runs WHERE request_id = ?", String.class, requestId);
    }

    private static EventHeader header(String requestId, String producer) {
        return new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now(), producer, 1);
    }
}
