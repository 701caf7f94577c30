package dev.dmsflow.contracts;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EngineType;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.KeyBounds;
import dev.dmsflow.contracts.event.KeyDifference;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.StagedTable;
import dev.dmsflow.contracts.event.TableLoadStatistics;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairResult;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.contracts.event.WindowStaged;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated instance of every event type, with values that exercise unions, arrays and logical types. */
public final class SampleEvents {

    private static final Instant AT = Instant.parse("2026-02-01T00:00:05.123Z");
    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));
    private static final TableRef ORDERS = TableRef.newBuilder()
            .setName("orders").setSourceSchema("APP").setSourceTable("ORDERS")
            .setStagingSchema("staging").setStagingTable("orders")
            .setTargetSchema("production").setTargetTable("orders")
            .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
    private static final TableRef ORDER_LINES = TableRef.newBuilder(ORDERS)
            .setName("order_lines").setSourceTable("ORDER_LINES").setStagingTable("order_lines").setTargetTable("order_lines")
            .setKeyColumns(List.of("order_id", "line_no")).build();

    private SampleEvents() {
    }

    public static EventHeader header(String requestId, String producer) {
        return new EventHeader("5f0c1f1e-8a3c-4a50-9d1e-0d7c2b8e6a11", requestId, AT, producer, 1);
    }

    /** Event type → a sample of it, one per type of {@link Topics#VALUE_TYPES}. */
    public static Map<Class<? extends SpecificRecord>, SpecificRecord> all(String requestId) {
        TableLoadStatistics ordersLoaded = TableLoadStatistics.newBuilder().setTable(ORDERS).setFullLoadRows(8_500_123L)
                .setTableState("Table completed").setFullLoadStartTime(AT).setFullLoadEndTime(AT.plusSeconds(95))
                .setPercentComplete(100).build();
        TableLoadStatistics linesLoaded = TableLoadStatistics.newBuilder(ordersLoaded).setTable(ORDER_LINES)
                .setFullLoadRows(0).setFullLoadEndTime(null).setTableState("Table error").setErrorMessage("ORA-01555: snapshot too old").build();
        CheckResult passed = new CheckResult("orders", "STAGED_COUNT", true, "8500123", "8500123", List.of(), 0L, null, List.of());
        CheckResult failed = new CheckResult("order_lines", "MISSING", false, "0", "2", List.of("(42, 1)", "(42, 2)"), 3L, "3 keys in flight: CDC deleted them after the load started", List.of());
        CheckResult differing = new CheckResult("orders", "CONTENTS", false, "0", "1", List.of("42"), 0L, null,
                List.of(new KeyDifference("42", List.of("amount"))));
        RepairScope scope = new RepairScope(1, List.of(TableRepairScope.newBuilder().setTable(ORDERS).setKeys(List.of("42", "43"))
                .setRanges(List.of(new KeyBounds("1000", "2000"))).setDeletes(true).setDroppedKeys(1L).build()));
        return Map.ofEntries(
                Map.entry(TaskRequested.class, TaskRequested.newBuilder().setHeader(header(requestId, "upstream-billing"))
                        .setKind(TaskKind.TIME_WINDOW_RELOAD)
                        .setTables(List.of(new RequestedTable("orders", "updated_at", List.of("order_id")),
                                RequestedTable.newBuilder().setName("order_lines").build()))
                        .setWindow(JANUARY).setRequestedBy("ops@example.com").setReason("INC-4711 reload January").build()),
                Map.entry(TaskProgress.class, TaskProgress.newBuilder().setHeader(header(requestId, "dms-controller-service"))
                        .setEngine(EngineType.AWS_DMS).setDmsTaskId("dmsflow-req-1").setStatus("running").setPercentComplete(57)
                        .setTables(List.of(ordersLoaded)).build()),
                Map.entry(FullLoadCompleted.class, FullLoadCompleted.newBuilder().setHeader(header(requestId, "dms-controller-service"))
                        .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(JANUARY).setEngine(EngineType.AWS_DMS)
                        .setDmsTaskId("dmsflow-req-1").setDmsTaskArn("arn:aws:dms:eu-west-1:123456789012:task:ABCDEF")
                        .setTables(List.of(ordersLoaded, linesLoaded)).setStartedAt(AT).setFinishedAt(AT.plusSeconds(100)).build()),
                Map.entry(WindowStaged.class, WindowStaged.newBuilder().setHeader(header(requestId, "schema-service"))
                        .setKind(TaskKind.MULTI_STAGE).setMultiStage("orders_enriched")
                        .setTables(List.of(new StagedTable(ORDERS, 10L, 10L, 0L, 0L, 0L))).build()),
                Map.entry(MergeCompleted.class, MergeCompleted.newBuilder().setHeader(header(requestId, "merge-service"))
                        .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(JANUARY)
                        .setTables(List.of(new TableMergeResult(ORDERS, 10L, 20L, 3L, 1L, 1234L, 36L, 36L, 2L, 0L, 0L))).setDurationMillis(1500L)
                        .setLoadStartedAt(AT).build()),
                Map.entry(ValidationRequested.class, ValidationRequested.newBuilder().setHeader(header(requestId, "dms-controller-service"))
                        .setKind(TaskKind.VALIDATE_ONLY).setWindow(JANUARY).setTables(List.of(ORDERS, ORDER_LINES)).setStartedAt(AT).build()),
                Map.entry(ValidationPassed.class, ValidationPassed.newBuilder().setHeader(header(requestId, "validation-service"))
                        .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(JANUARY).setChecks(List.of(passed)).setDurationMillis(321L).build()),
                Map.entry(ValidationFailed.class, ValidationFailed.newBuilder().setHeader(header(requestId, "validation-service"))
                        .setKind(TaskKind.TIME_WINDOW_RELOAD).setWindow(JANUARY).setFailures(List.of(failed, differing))
                        .setPassedChecks(List.of(passed)).setDurationMillis(654L).build()),
                Map.entry(TaskFailed.class, TaskFailed.newBuilder().setHeader(header(requestId, "dms-controller-service"))
                        .setStage(FailureStage.REQUEST).setReason("table 'invoices' is not in the migration catalog")
                        .setRetryable(false).setTables(List.of("invoices")).setErrorType("UnknownTable").build()),
                Map.entry(RepairRequested.class, RepairRequested.newBuilder().setHeader(header(requestId, "dms-controller-service"))
                        .setKind(TaskKind.VALIDATE_ONLY).setWindow(JANUARY).setRound(1).setTables(List.of(ORDERS))
                        .setDeletes(List.of("orders")).setRequestedBy("repair-policy auto").build()),
                Map.entry(RepairPlanned.class, RepairPlanned.newBuilder().setHeader(header(requestId, "validation-service"))
                        .setKind(TaskKind.VALIDATE_ONLY).setWindow(JANUARY).setScope(scope).setDurationMillis(2_345L).build()),
                Map.entry(RepairCompleted.class, RepairCompleted.newBuilder().setHeader(header(requestId, "validation-service"))
                        .setKind(TaskKind.VALIDATE_ONLY).setWindow(JANUARY).setRound(1)
                        .setTables(List.of(new TableRepairResult("orders", 2L, 1L, 1L, 0L, 0L, 0L, 0L))).setHealed(true)
                        .setDurationMillis(4_567L).build()));
    }
}
