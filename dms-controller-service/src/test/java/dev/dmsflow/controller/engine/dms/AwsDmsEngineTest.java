package dev.dmsflow.controller.engine.dms;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.dmsflow.controller.engine.dms.DmsStub.error;
import static dev.dmsflow.controller.engine.dms.DmsStub.operation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.dmsflow.controller.engine.CdcLatency;
import dev.dmsflow.controller.engine.EngineException;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.TableStatistics;
import dev.dmsflow.controller.engine.TaskHandle;
import dev.dmsflow.controller.engine.TaskPhase;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.databasemigration.DatabaseMigrationClient;

/** The AWS DMS engine against a stub of the DMS JSON 1.1 API. */
class AwsDmsEngineTest {

    @RegisterExtension
    static WireMockExtension wireMock = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARN = "arn:aws:dms:eu-west-1:123456789012:task:ABC";
    private static final String MAPPINGS = "{\"rules\":[{\"rule-type\":\"selection\",\"rule-id\":\"1\",\"rule-name\":\"select-orders\","
            + "\"object-locator\":{\"schema-name\":\"APP\",\"table-name\":\"ORDERS\"},\"rule-action\":\"include\"}]}";
    private static final String SETTINGS = "{\"FullLoadSettings\":{\"TargetTablePrepMode\":\"TRUNCATE_BEFORE_LOAD\",\"CommitRate\":10000}}";

    private DmsStub dms;
    private final DmsProperties properties = new DmsProperties("eu-west-1", null, "arn:rep", "arn:source", "arn:target", 3, true, true, null);
    private final AwsDmsEngine engine = new AwsDmsEngine(() -> DatabaseMigrationClient.builder()
            .region(Region.EU_WEST_1)
            .endpointOverride(URI.create(wireMock.baseUrl()))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build()))
            .build(), () -> CloudWatchClient.builder()
            .region(Region.EU_WEST_1)
            .endpointOverride(URI.create(wireMock.baseUrl()))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(1).build()))
            .build(), properties);

    @BeforeEach
    void stubDms() {
        // after the extension reset the stubs of the previous test
        dms = new DmsStub(wireMock);
    }

    private static LoadTask task(String identifier, String migrationType) {
        return new LoadTask(identifier, migrationType, MAPPINGS, SETTINGS, Map.of("Purpose", "dmsflow-time-window-reload", "TimeWindow", "2026-01"));
    }

    @Test
    void walksATaskFromCreatingToStoppedAndReadsEveryStatisticsPageBeforeDeleting() throws Exception {
        dms.acceptsCreate("dmsflow-req-1", ARN, "full-load");

        TaskHandle handle = engine.create(task("dmsflow-req-1", "full-load"));

        JsonNode create = DmsStub.body(dms.requests("CreateReplicationTask").get(0));
        assertThat(create.get("ReplicationTaskIdentifier").asText()).isEqualTo("dmsflow-req-1");
        assertThat(create.get("MigrationType").asText()).isEqualTo("full-load");
        assertThat(create.get("ReplicationInstanceArn").asText()).isEqualTo("arn:rep");
        assertThat(create.get("SourceEndpointArn").asText()).isEqualTo("arn:source");
        assertThat(create.get("TargetEndpointArn").asText()).isEqualTo("arn:target");
        assertThat(JSON.readTree(create.get("TableMappings").asText())).isEqualTo(JSON.readTree(MAPPINGS));
        assertThat(JSON.readTree(create.get("ReplicationTaskSettings").asText())).isEqualTo(JSON.readTree(SETTINGS));
        assertThat(create.get("Tags").findValuesAsText("Key")).containsExactlyInAnyOrder("Purpose", "TimeWindow");
        assertThat(handle).isEqualTo(new TaskHandle("dmsflow-req-1", ARN, "full-load"));

        dms.status("dmsflow-req-1", ARN, "full-load", "creating", 0, null, null);
        assertThat(engine.describe(handle).phase()).isEqualTo(TaskPhase.CREATING);
        dms.status("dmsflow-req-1", ARN, "full-load", "ready", 0, null, null);
        assertThat(engine.describe(handle).phase()).isEqualTo(TaskPhase.READY);
        engine.start(handle);
        assertThat(DmsStub.body(dms.requests("StartReplicationTask").get(0)).get("StartReplicationTaskType").asText()).isEqualTo("start-replication");
        dms.status("dmsflow-req-1", ARN, "full-load", "running", 42, null, null);
        assertThat(engine.describe(handle)).satisfies(s -> {
            assertThat(s.phase()).isEqualTo(TaskPhase.RUNNING);
            assertThat(s.percent()).isEqualTo(42);
        });
        dms.status("dmsflow-req-1", ARN, "full-load", "stopped", 100, "Stop Reason FULL_LOAD_ONLY_FINISHED", null);
        assertThat(engine.describe(handle).phase()).isEqualTo(TaskPhase.FULL_LOAD_COMPLETE);

        dms.statistics(ARN, List.of(new Object[] {"APP", "ORDERS", 1234L, "Table completed"}, new Object[] {"APP", "CUSTOMERS", 56L, "Table completed"}));
        List<TableStatistics> statistics = engine.tableStatistics(handle);
        engine.delete(handle);

        assertThat(statistics).containsExactly(
                new TableStatistics("APP", "ORDERS", 1234L, "Table completed", Instant.ofEpochSecond(1767225600), Instant.ofEpochSecond(1767225660, 500_000_000)),
                new TableStatistics("APP", "CUSTOMERS", 56L, "Table completed", Instant.ofEpochSecond(1767225600), Instant.ofEpochSecond(1767225660, 500_000_000)));
        assertThat(dms.requests("DescribeTableStatistics")).hasSize(2);
        assertThat(DmsStub.body(dms.requests("DeleteReplicationTask").get(0)).get("ReplicationTaskArn").asText()).isEqualTo(ARN);
    }

    @Test
    void aFailedOrErrorStoppedTaskIsAFailureWithItsMessage() {
        TaskHandle handle = new TaskHandle("dmsflow-req-2", ARN + "2", "full-load");
        dms.status("dmsflow-req-2", ARN + "2", "full-load", "failed", 12, null, "ORA-01555: snapshot too old");

        assertThat(engine.describe(handle)).satisfies(s -> {
            assertThat(s.phase()).isEqualTo(TaskPhase.FAILED);
            assertThat(s.failureMessage()).isEqualTo("DMS task failed: ORA-01555: snapshot too old");
        });

        dms.status("dmsflow-req-2", ARN + "2", "full-load", "stopped", 60, "Stop Reason FATAL_ERROR", null);
        assertThat(engine.describe(handle).failureMessage()).isEqualTo("DMS task stopped: Stop Reason FATAL_ERROR");
    }

    @Test
    void throttledCallsAreRetriedWithBackoffAndGiveUpAfterTheLimit() {
        wireMock.stubFor(operation("CreateReplicationTask").inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(error(400, "ThrottlingException", "Rate exceeded")).willSetStateTo("once"));
        wireMock.stubFor(operation("CreateReplicationTask").inScenario("throttle").whenScenarioStateIs("once")
                .willReturn(error(503, "ServiceUnavailable", "try later")).willSetStateTo("recovered"));
        wireMock.stubFor(operation("CreateReplicationTask").inScenario("throttle").whenScenarioStateIs("recovered")
                .willReturn(DmsStub.ok("{\"ReplicationTask\":{\"ReplicationTaskIdentifier\":\"dmsflow-req-3\",\"ReplicationTaskArn\":\"" + ARN
                        + "3\",\"MigrationType\":\"full-load\",\"Status\":\"creating\"}}")));

        assertThat(engine.create(task("dmsflow-req-3", "full-load")).taskArn()).isEqualTo(ARN + "3");
        assertThat(dms.requests("CreateReplicationTask")).hasSize(3);

        wireMock.stubFor(operation("StartReplicationTask").willReturn(error(400, "ThrottlingException", "Rate exceeded")));
        assertThatThrownBy(() -> engine.start(new TaskHandle("dmsflow-req-3", ARN + "3", "full-load")))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("ThrottlingException");
        assertThat(dms.requests("StartReplicationTask")).hasSize(3);
    }

    @Test
    void aTaskCreatedBeforeARestartIsFoundByItsIdentifier() {
        wireMock.stubFor(operation("CreateReplicationTask").willReturn(error(400, "ResourceAlreadyExistsFault", "Task already exists")));
        dms.status("dmsflow-req-4", ARN + "4", "full-load", "ready", 0, null, null);

        assertThat(engine.create(task("dmsflow-req-4", "full-load"))).isEqualTo(new TaskHandle("dmsflow-req-4", ARN + "4", "full-load"));
        assertThat(DmsStub.body(dms.requests("DescribeReplicationTasks").get(0)).toString()).contains("replication-task-id");
    }

    @Test
    void aCdcTaskHasFinishedItsFullLoadWhenEveryTableIsCompleteWhileItKeepsRunning() {
        TaskHandle handle = new TaskHandle("dmsflow-req-5", ARN + "5", LoadTask.FULL_LOAD_AND_CDC);
        dms.status("dmsflow-req-5", ARN + "5", LoadTask.FULL_LOAD_AND_CDC, "running", 100, null, null);
        dms.statistics(ARN + "5", List.of(new Object[] {"APP", "ORDERS", 10L, "Table completed"}, new Object[] {"APP", "CUSTOMERS", 5L, "Full load"}));
        assertThat(engine.describe(handle).phase()).isEqualTo(TaskPhase.RUNNING);

        dms.statistics(ARN + "5", List.of(new Object[] {"APP", "ORDERS", 10L, "Table completed"}, new Object[] {"APP", "CUSTOMERS", 5L, "Table completed"}));
        assertThat(engine.describe(handle).phase()).isEqualTo(TaskPhase.FULL_LOAD_COMPLETE);

        engine.delete(handle);
        assertThat(dms.requests("DeleteReplicationTask")).as("a CDC task keeps running").isEmpty();
    }

    @Test
    void stoppingATaskThatIsNotRunningAndDeletingOneThatIsGoneSucceed() {
        TaskHandle handle = new TaskHandle("dmsflow-req-6", ARN + "6", "full-load");
        wireMock.stubFor(operation("StopReplicationTask").willReturn(error(400, "InvalidResourceStateFault", "Task is not running")));
        wireMock.stubFor(operation("DeleteReplicationTask").willReturn(error(400, "ResourceNotFoundFault", "Task not found")));

        engine.stop(handle);
        engine.delete(handle);

        assertThat(DmsStub.body(dms.requests("StopReplicationTask").get(0)).get("ReplicationTaskArn").asText()).isEqualTo(ARN + "6");
        assertThat(dms.requests("DeleteReplicationTask")).hasSize(1);

        wireMock.stubFor(operation("DeleteReplicationTask").willReturn(error(400, "AccessDeniedFault", "not authorized to perform dms:DeleteReplicationTask")));
        assertThatThrownBy(() -> engine.delete(handle))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("AccessDeniedFault");
    }

    @Test
    void readsAReplicatingTasksCdcLatencyFromCloudWatchByItsResourceId() {
        dms.cdcLatency(12.4, 3.0);
        TaskHandle handle = new TaskHandle("dmsflow-req-1", ARN, "full-load-and-cdc");

        assertThat(engine.cdcLatency(handle)).contains(new CdcLatency(12L, 3L));
        String query = java.net.URLDecoder.decode(dms.cloudWatchRequests().get(0).getBodyAsString(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(query).contains("MetricName=\"CDCLatencySource\"", "MetricName=\"CDCLatencyTarget\"", "ReplicationTaskIdentifier=\"ABC\"");
    }

    @Test
    void aFullLoadTaskHasNoLatencyAndCloudWatchIsNotAsked() {
        dms.cdcLatency(12.0, 3.0);

        assertThat(engine.cdcLatency(new TaskHandle("dmsflow-req-1", ARN, "full-load"))).isEmpty();
        assertThat(dms.cloudWatchRequests()).isEmpty();
    }

    @Test
    void noPermissionForTheMetricsMeansNoLatencyNotAFailedRun() {
        dms.cdcLatencyDenied();

        assertThat(engine.cdcLatency(new TaskHandle("dmsflow-req-1", ARN, "full-load-and-cdc"))).isEmpty();
    }

    @Test
    void aMetricWithoutDatapointsIsReportedAsUnknown() {
        dms.cdcLatency(null, 7.0);

        assertThat(engine.cdcLatency(new TaskHandle("dmsflow-req-1", ARN, "full-load-and-cdc"))).contains(new CdcLatency(null, 7L));
    }
}
