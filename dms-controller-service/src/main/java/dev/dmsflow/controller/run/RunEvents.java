package dev.dmsflow.controller.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.dmsflow.contracts.event.EngineType;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.TableLoadStatistics;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.controller.engine.CdcLatency;
import dev.dmsflow.controller.engine.TableStatistics;
import dev.dmsflow.controller.engine.TaskStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The controller's events as its runs produce them: what goes into each, so the coordinator only decides when. */
final class RunEvents {

    static final String PRODUCER = "dms-controller-service";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;
    private final EngineType engine;

    RunEvents(Clock clock, EngineType engine) {
        this.clock = clock;
        this.engine = engine;
    }

    TaskFailed taskFailed(String requestId, int attempt, FailureStage stage, String reason, boolean retryable, List<String> tables,
                          String errorType) {
        return TaskFailed.newBuilder().setHeader(header(requestId, attempt, PRODUCER)).setStage(stage).setReason(reason)
                .setRetryable(retryable).setTables(tables).setErrorType(errorType).build();
    }

    TaskProgress progress(StoredRun run, TaskStatus status, List<TableLoadStatistics> tables, Optional<CdcLatency> latency) {
        return TaskProgress.newBuilder().setHeader(header(run.requestId(), run.attempt(), PRODUCER))
                .setEngine(engine).setDmsTaskId(run.handle().taskId()).setStatus(status.status())
                .setPercentComplete(status.percent()).setTables(tables)
                .setCdcLatencySourceSeconds(latency.map(CdcLatency::sourceSeconds).orElse(null))
                .setCdcLatencyTargetSeconds(latency.map(CdcLatency::targetSeconds).orElse(null)).build();
    }

    /** A replicating run's task stopped on request: its last progress. */
    TaskProgress stopped(StoredRun run) {
        return TaskProgress.newBuilder().setHeader(header(run.requestId(), run.attempt(), PRODUCER)).setEngine(engine)
                .setDmsTaskId(run.handle().taskId()).setStatus("stopped").setPercentComplete(100).build();
    }

    FullLoadCompleted fullLoadCompleted(StoredRun run, List<TableLoadStatistics> tables) {
        return FullLoadCompleted.newBuilder()
                .setHeader(header(run.requestId(), run.attempt(), PRODUCER))
                .setKind(run.kind()).setWindow(run.window()).setEngine(engine)
                .setDmsTaskId(run.handle().taskId()).setDmsTaskArn(engine == EngineType.AWS_DMS ? run.handle().taskArn() : null)
                .setTables(tables).setMultiStage(run.multiStage())
                .setStartedAt(run.startedAt().truncatedTo(ChronoUnit.MILLIS)).setFinishedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .setRepair(run.repair())
                .build();
    }

    /**
     * A validate-only run holds its read leases since {@code startedAt}, or a repair round found nothing left to load
     * ({@code attempt}: the round's): validation compares the source with production.
     */
    ValidationRequested validationRequested(StoredRun run, int attempt, List<TableRef> tables, Instant startedAt) {
        return ValidationRequested.newBuilder().setHeader(header(run.requestId(), attempt, PRODUCER)).setKind(run.kind())
                .setWindow(run.window()).setTables(tables).setStartedAt(startedAt.truncatedTo(ChronoUnit.MILLIS)).build();
    }

    /**
     * The run's failed attempt asks for repair round {@code round} of these tables.
     *
     * @param deletes     catalog names of the tables whose catalog entry allows repair deletes
     * @param requestedBy {@code repair-policy auto}, or the user who posted the repair
     */
    RepairRequested repairRequested(StoredRun run, int round, List<TableRef> tables, List<String> deletes, String requestedBy) {
        return RepairRequested.newBuilder().setHeader(header(run.requestId(), run.attempt(), PRODUCER)).setKind(run.kind())
                .setWindow(run.window()).setRound(round).setTables(tables).setDeletes(deletes).setRequestedBy(requestedBy)
                .build();
    }

    /** The run's request again with the next attempt, as the REST API sends it. */
    TaskRequested retry(StoredRun run) {
        return TaskRequested.newBuilder()
                .setHeader(header(run.requestId(), run.attempt() + 1, "rest-api"))
                .setKind(run.kind()).setWindow(run.window()).setRequestedBy(run.requestedBy()).setMultiStage(run.multiStage())
                .setTables(run.tables().stream().map(t -> RequestedTable.newBuilder().setName(t.getName()).build()).toList())
                .build();
    }

    /** The engine's per-table statistics for the tables the run loads (matched by source schema and table), in request order. */
    static List<TableLoadStatistics> tableStatistics(StoredRun run, List<TableStatistics> reported) {
        return run.loadTables().stream().map(table -> reported.stream()
                .filter(s -> s.matches(table.getSourceSchema(), table.getSourceTable()))
                .findFirst()
                .map(s -> TableLoadStatistics.newBuilder().setTable(table).setFullLoadRows(s.fullLoadRows()).setTableState(s.tableState())
                        .setFullLoadStartTime(millis(s.fullLoadStartTime())).setFullLoadEndTime(millis(s.fullLoadEndTime()))
                        .setPercentComplete(TableStatistics.COMPLETED.equals(s.tableState()) ? 100 : 0).build())
                .orElseGet(() -> TableLoadStatistics.newBuilder().setTable(table).setFullLoadRows(0).setTableState("Queued").build()))
                .toList();
    }

    /** The statistics as the run store keeps them for the run's view. */
    static JsonNode statisticsJson(List<TableLoadStatistics> tables) {
        ArrayNode array = JSON.createArrayNode();
        for (TableLoadStatistics t : tables) {
            array.addObject().put("table", t.getTable().getName()).put("fullLoadRows", t.getFullLoadRows())
                    .put("tableState", t.getTableState())
                    .put("fullLoadStartTime", t.getFullLoadStartTime() == null ? null : t.getFullLoadStartTime().toString())
                    .put("fullLoadEndTime", t.getFullLoadEndTime() == null ? null : t.getFullLoadEndTime().toString());
        }
        return array;
    }

    private static Instant millis(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }

    private EventHeader header(String requestId, int attempt, String producer) {
        return new EventHeader(UUID.randomUUID().toString(), requestId, clock.instant().truncatedTo(ChronoUnit.MILLIS), producer, attempt);
    }
}
