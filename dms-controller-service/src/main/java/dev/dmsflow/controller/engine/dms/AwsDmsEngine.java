package dev.dmsflow.controller.engine.dms;

import dev.dmsflow.contracts.event.EngineType;
import dev.dmsflow.controller.engine.CdcLatency;
import dev.dmsflow.controller.engine.EngineException;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.ReplicationEngine;
import dev.dmsflow.controller.engine.TableStatistics;
import dev.dmsflow.controller.engine.TaskHandle;
import dev.dmsflow.controller.engine.TaskPhase;
import dev.dmsflow.controller.engine.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.databasemigration.DatabaseMigrationClient;
import software.amazon.awssdk.services.databasemigration.model.Filter;
import software.amazon.awssdk.services.databasemigration.model.InvalidResourceStateException;
import software.amazon.awssdk.services.databasemigration.model.MigrationTypeValue;
import software.amazon.awssdk.services.databasemigration.model.ReplicationTask;
import software.amazon.awssdk.services.databasemigration.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.databasemigration.model.ResourceNotFoundException;
import software.amazon.awssdk.services.databasemigration.model.StartReplicationTaskTypeValue;
import software.amazon.awssdk.services.databasemigration.model.Tag;

/**
 * AWS DMS through the SDK v2: CreateReplicationTask, StartReplicationTask once the task is ready, DescribeReplicationTasks
 * for status and progress, DescribeTableStatistics (every page), StopReplicationTask and DeleteReplicationTask; a
 * replicating task's CDC latency from CloudWatch (GetMetricData on the AWS/DMS metrics).
 * Throttling and 5xx answers are retried by the client (standard retry strategy, bounded attempts); what still fails
 * becomes an {@link EngineException}.
 */
public final class AwsDmsEngine implements ReplicationEngine {

    private static final Logger log = LoggerFactory.getLogger(AwsDmsEngine.class);
    /** How far back a latency datapoint may lie: DMS publishes its task metrics every minute or so. */
    private static final Duration METRIC_LOOKBACK = Duration.ofMinutes(10);

    private final Supplier<DatabaseMigrationClient> client;
    private final Supplier<CloudWatchClient> cloudWatch;
    private final DmsProperties properties;
    private final AtomicBoolean latencyWarned = new AtomicBoolean();

    /**
     * @param client     built on first use, so a service that never runs a DMS task needs no AWS region or credentials
     * @param cloudWatch likewise; read only for replicating tasks
     */
    public AwsDmsEngine(Supplier<DatabaseMigrationClient> client, Supplier<CloudWatchClient> cloudWatch, DmsProperties properties) {
        this.client = client;
        this.cloudWatch = cloudWatch;
        this.properties = properties;
    }

    @Override
    public EngineType type() {
        return EngineType.AWS_DMS;
    }

    @Override
    public TaskHandle create(LoadTask task) {
        return call("create task " + task.identifier(), () -> {
            try {
                ReplicationTask created = client.get().createReplicationTask(b -> b
                        .replicationTaskIdentifier(task.identifier())
                        .sourceEndpointArn(properties.sourceEndpointArn())
                        .targetEndpointArn(properties.targetEndpointArn())
                        .replicationInstanceArn(properties.replicationInstanceArn())
                        .migrationType(MigrationTypeValue.fromValue(task.migrationType()))
                        .tableMappings(task.tableMappings())
                        .replicationTaskSettings(task.taskSettings())
                        .tags(task.tags().entrySet().stream().map(t -> Tag.builder().key(t.getKey()).value(t.getValue()).build()).toList()))
                        .replicationTask();
                return handle(created);
            } catch (ResourceAlreadyExistsException e) {
                // created before a restart that came before the ARN was recorded
                return handle(find(Filter.builder().name("replication-task-id").values(task.identifier()).build()));
            }
        });
    }

    @Override
    public void start(TaskHandle task) {
        call("start task " + task.taskId(), () -> client.get().startReplicationTask(b -> b
                .replicationTaskArn(task.taskArn())
                .startReplicationTaskType(StartReplicationTaskTypeValue.START_REPLICATION)));
    }

    @Override
    public TaskStatus describe(TaskHandle task) {
        ReplicationTask described = call("describe task " + task.taskId(),
                () -> find(Filter.builder().name("replication-task-arn").values(task.taskArn()).build()));
        String status = described.status();
        int percent = described.replicationTaskStats() == null || described.replicationTaskStats().fullLoadProgressPercent() == null
                ? 0 : described.replicationTaskStats().fullLoadProgressPercent();
        String stopReason = described.stopReason();
        String failure = described.lastFailureMessage() != null ? described.lastFailureMessage() : stopReason;
        TaskPhase phase = switch (status) {
            case "creating" -> TaskPhase.CREATING;
            case "ready" -> TaskPhase.READY;
            case "failed", "deleting" -> TaskPhase.FAILED;
            case "stopped" -> stopReason != null && stopReason.contains("FULL_LOAD_ONLY_FINISHED") ? TaskPhase.FULL_LOAD_COMPLETE : TaskPhase.FAILED;
            case "running" -> LoadTask.FULL_LOAD_AND_CDC.equals(task.migrationType()) && percent == 100 && fullLoadFinished(task)
                    ? TaskPhase.FULL_LOAD_COMPLETE : TaskPhase.RUNNING;
            default -> TaskPhase.RUNNING;
        };
        return new TaskStatus(phase, status, percent, phase == TaskPhase.FAILED ? "DMS task " + status + ": " + failure : null);
    }

    @Override
    public List<TableStatistics> tableStatistics(TaskHandle task) {
        return call("read table statistics of " + task.taskId(), () -> client.get()
                .describeTableStatisticsPaginator(b -> b.replicationTaskArn(task.taskArn()))
                .stream().flatMap(page -> page.tableStatistics().stream())
                .map(t -> new TableStatistics(t.schemaName(), t.tableName(), t.fullLoadRows() == null ? 0 : t.fullLoadRows(),
                        t.tableState(), t.fullLoadStartTime(), t.fullLoadEndTime()))
                .toList());
    }

    /**
     * CDCLatencySource and CDCLatencyTarget, the latest datapoint of the last minutes. The metrics' task dimension is the
     * task's resource id (the ARN's last part), and their instance dimension is matched by a search expression, so no
     * further configuration is needed. A missing cloudwatch:GetMetricData permission is logged once, not failed on.
     */
    @Override
    public Optional<CdcLatency> cdcLatency(TaskHandle task) {
        if (!properties.cdcLatencyMetrics() || !LoadTask.FULL_LOAD_AND_CDC.equals(task.migrationType())) {
            return Optional.empty();
        }
        String resourceId = task.taskArn().substring(task.taskArn().lastIndexOf(':') + 1);
        Instant end = Instant.now();
        try {
            GetMetricDataResponse response = cloudWatch.get().getMetricData(b -> b
                    .startTime(end.minus(METRIC_LOOKBACK)).endTime(end).scanBy(ScanBy.TIMESTAMP_DESCENDING)
                    .metricDataQueries(latencyQuery("source", "CDCLatencySource", resourceId), latencyQuery("target", "CDCLatencyTarget", resourceId)));
            Long source = latest(response, "source");
            Long target = latest(response, "target");
            return source == null && target == null ? Optional.empty() : Optional.of(new CdcLatency(source, target));
        } catch (SdkException e) {
            if (latencyWarned.compareAndSet(false, true)) {
                log.warn("Cannot read the CDC latency of DMS task {} from CloudWatch (needs cloudwatch:GetMetricData): {}",
                        task.taskId(), e.getMessage());
            }
            return Optional.empty();
        }
    }

    private static MetricDataQuery latencyQuery(String id, String metric, String resourceId) {
        // MAX over the search: one series, whatever the replication instance's identifier is
        return MetricDataQuery.builder().id(id).returnData(true).expression("MAX(SEARCH('{AWS/DMS,ReplicationInstanceIdentifier,"
                + "ReplicationTaskIdentifier} MetricName=\"" + metric + "\" ReplicationTaskIdentifier=\"" + resourceId + "\"', 'Maximum', 60))")
                .build();
    }

    private static Long latest(GetMetricDataResponse response, String id) {
        return response.metricDataResults().stream().filter(r -> id.equals(r.id())).findFirst()
                .map(MetricDataResult::values).filter(values -> !values.isEmpty())
                .map(values -> Math.round(values.get(0))).orElse(null);
    }

    @Override
    public void stop(TaskHandle task) {
        call("stop task " + task.taskId(), () -> {
            try {
                return client.get().stopReplicationTask(b -> b.replicationTaskArn(task.taskArn()));
            } catch (InvalidResourceStateException | ResourceNotFoundException e) {
                // not running (failed, stopped, still creating) or gone: nothing to stop
                return null;
            }
        });
    }

    @Override
    public void delete(TaskHandle task) {
        if (properties.deleteTaskWhenDone() && !LoadTask.FULL_LOAD_AND_CDC.equals(task.migrationType())) {
            call("delete task " + task.taskId(), () -> {
                try {
                    return client.get().deleteReplicationTask(b -> b.replicationTaskArn(task.taskArn()));
                } catch (ResourceNotFoundException e) {
                    // an earlier attempt, or another instance, deleted it
                    return null;
                }
            });
        }
    }

    /** A CDC task never stops after its full load: it is done when every table reports its full load completed. */
    private boolean fullLoadFinished(TaskHandle task) {
        List<TableStatistics> tables = tableStatistics(task);
        return !tables.isEmpty() && tables.stream().allMatch(t -> TableStatistics.COMPLETED.equals(t.tableState()));
    }

    private ReplicationTask find(Filter filter) {
        List<ReplicationTask> tasks = client.get().describeReplicationTasks(b -> b.filters(filter).withoutSettings(true)).replicationTasks();
        if (tasks.isEmpty()) {
            throw new EngineException("DMS has no task matching " + filter.name() + " " + filter.values(), false, null);
        }
        return tasks.get(0);
    }

    private static TaskHandle handle(ReplicationTask task) {
        return new TaskHandle(task.replicationTaskIdentifier(), task.replicationTaskArn(), task.migrationTypeAsString());
    }

    private static <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            boolean retryable = e.isThrottlingException() || e.statusCode() >= 500;
            String detail = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                    ? e.awsErrorDetails().errorCode() + " " + e.awsErrorDetails().errorMessage()
                    : "HTTP " + e.statusCode() + " " + e.getMessage();
            throw new EngineException("AWS DMS could not " + what + ": " + detail, retryable, e);
        } catch (SdkException e) {
            throw new EngineException("AWS DMS could not " + what + ": " + e.getMessage(), true, e);
        }
    }
}
