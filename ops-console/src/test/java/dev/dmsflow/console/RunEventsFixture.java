package dev.dmsflow.console;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EngineType;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.KeyBounds;
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
import dev.dmsflow.contracts.event.WindowStaged;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * The events of one run of orders and customers for January, as the services publish them, at fixed offsets from
 * {@code start}: requested +0, progress +200 ms, loaded +1500, staged +1800, merged +2600, validated +3500. So the
 * stages take LOAD 1500, STAGING 300, MERGE 800 and VALIDATION 900 ms. Event ids are derived from the requestId.
 *
 * <p>A failed validation's repair: requested +3600, planned +8600 (REPAIR 5000 ms), then {@link #repairRound()}, the
 * next attempt starting at the plan, whose load, staging, merge and validation are of the planned orders keys only and
 * take as long as the run's, RepairCompleted in the same millisecond as the verdict.
 */
public final class RunEventsFixture {

    public static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    private final String requestId;
    private final Instant start;
    private final int attempt;
    /** Set on a repair round: what it loads, merges and validates. */
    private final RepairScope repair;

    public RunEventsFixture(String requestId, Instant start) {
        this(requestId, start, 1, null);
    }

    private RunEventsFixture(String requestId, Instant start, int attempt, RepairScope repair) {
        this.requestId = requestId;
        this.start = start;
        this.attempt = attempt;
        this.repair = repair;
    }

    /** The same run's next attempt, starting at {@code start}. */
    public RunEventsFixture retried(Instant start) {
        return new RunEventsFixture(requestId, start, attempt + 1, null);
    }

    /** The repair round {@link #repairPlanned()} plans: the next attempt, starting with the plan. */
    public RunEventsFixture repairRound() {
        return new RunEventsFixture(requestId, start.plusMillis(8600), attempt + 1, plan());
    }

    public EventHeader header(String type, long offsetMillis) {
        return new EventHeader(requestId + "-" + attempt + "-" + type, requestId, start.plusMillis(offsetMillis), "test", attempt);
    }

    public TaskRequested requested() {
        return new TaskRequested(header("requested", 0), TaskKind.TIME_WINDOW_RELOAD,
                List.of(new RequestedTable("orders", null, List.of()), new RequestedTable("customers", null, List.of())),
                JANUARY, "billing", null, null);
    }

    public TaskProgress progress() {
        return new TaskProgress(header("progress", 200), EngineType.LOCAL_JDBC, "task-" + requestId, "running", 40, List.of(), null, null);
    }

    /** A repair round loads key 3000 and a row of the range: 3001 is gone from the source. */
    public FullLoadCompleted loaded() {
        List<TableLoadStatistics> tables = repair == null ? List.of(load("orders", 34_434), load("customers", 3_444))
                : List.of(load("orders", 2));
        return new FullLoadCompleted(header("loaded", 1500), TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                EngineType.LOCAL_JDBC, "task-" + requestId, null, tables, null, start.plusMillis(300),
                start.plusMillis(1400), repair);
    }

    public WindowStaged staged() {
        List<StagedTable> tables = repair == null
                ? List.of(new StagedTable(table("orders"), 34_434L, 34_434L, 0L, 0L, 0L),
                        new StagedTable(table("customers"), 3_444L, 3_444L, 0L, 0L, 0L))
                : List.of(new StagedTable(table("orders"), 2L, 2L, 0L, 0L, 0L));
        return new WindowStaged(header("staged", 1800), TaskKind.TIME_WINDOW_RELOAD, JANUARY, tables, null,
                start.plusMillis(300), repair);
    }

    /** A repair round updates its two staged rows and deletes 3001, which the source lacks. */
    public MergeCompleted merged() {
        List<TableMergeResult> tables = repair == null
                ? List.of(new TableMergeResult(table("orders"), 8_606L, 17_212L, 8_612L, 0L, 500L, 34_434L, 34_434L, 4L,
                                0L, 0L),
                        new TableMergeResult(table("customers"), 0L, 3_444L, 0L, 0L, 150L, 3_444L, 3_444L, 0L, 0L, 0L))
                : List.of(new TableMergeResult(table("orders"), 0L, 2L, 0L, 0L, 20L, 2L, 2L, 0L, 1L, 0L));
        return new MergeCompleted(header("merged", 2600), TaskKind.TIME_WINDOW_RELOAD, JANUARY, tables, 653L, null,
                start.plusMillis(300), repair);
    }

    /** A repair round's validation compares only the tables it repaired with the source. */
    public ValidationPassed passed() {
        List<CheckResult> checks = repair == null
                ? List.of(check("orders", "STAGED_COUNT", true, "34434", "34434", List.of()),
                        check("orders", "STALE", true, "0", "0", List.of()),
                        check("customers", "STAGED_COUNT", true, "3444", "3444", List.of()))
                : List.of(check("orders", "CONTENTS", true, "0", "0", List.of()));
        return new ValidationPassed(header("passed", 3500), TaskKind.TIME_WINDOW_RELOAD, JANUARY, checks, 900L);
    }

    public ValidationFailed validationFailed() {
        return new ValidationFailed(header("validation-failed", 3500), TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                List.of(check("orders", "STALE", false, "0", "1", List.of("3000"))),
                List.of(check("orders", "STAGED_COUNT", true, "34434", "34434", List.of())), 900L, 1L, 0, true);
    }

    /** The merge failing 800 ms after staging. */
    public TaskFailed mergeFailed() {
        return new TaskFailed(header("merge-failed", 2600), FailureStage.MERGE, "merge of orders failed: relation production.orders does not exist",
                false, List.of("orders", "customers"), "UndefinedTable");
    }

    /** The controller asking for a repair of orders, deletes allowed: round n at attempt n. */
    public RepairRequested repairRequested() {
        return new RepairRequested(header("repair-requested", 3600), TaskKind.TIME_WINDOW_RELOAD, JANUARY, attempt,
                List.of(table("orders")), List.of("orders"), "auto");
    }

    public RepairPlanned repairPlanned() {
        return new RepairPlanned(header("repair-planned", 8600), TaskKind.TIME_WINDOW_RELOAD, JANUARY, plan(),
                5_000L);
    }

    /** A repair round's: what it did and whether the validation after it passed (from the request, 8500 ms). */
    public RepairCompleted repairCompleted(boolean healed) {
        return new RepairCompleted(header("repair-completed", 3500), TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                repair.getRound(), List.of(new TableRepairResult("orders", 2L, 0L, 2L, 1L, 0L, 0L, healed ? 0L : 1L)),
                healed, 8_500L);
    }

    /** The whole successful run, in the order it happened. */
    public List<SpecificRecord> successfulRun() {
        return List.of(requested(), progress(), loaded(), staged(), merged(), passed());
    }

    /** A run whose validation fails and whose first repair round heals it, in the order it happened. */
    public List<SpecificRecord> repairedRun() {
        RunEventsFixture round = repairRound();
        return List.of(requested(), progress(), loaded(), staged(), merged(), validationFailed(), repairRequested(),
                repairPlanned(), round.loaded(), round.staged(), round.merged(), round.repairCompleted(true),
                round.passed());
    }

    public static TableRef table(String name) {
        return new TableRef(name, "SRC", name.toUpperCase(), "staging", name, "production", name, List.of("id"), "updated_at");
    }

    /** Orders keys 3000 (stale) and 3001 (gone from the source) and a key range; one recorded key in sync again. */
    private RepairScope plan() {
        return new RepairScope(attempt, List.of(new TableRepairScope(table("orders"), List.of("3000", "3001"),
                List.of(new KeyBounds("5000", "5100")), true, 1L)));
    }

    private TableLoadStatistics load(String name, long rows) {
        return new TableLoadStatistics(table(name), rows, "Table completed", start.plusMillis(300), start.plusMillis(1400), 100, null);
    }

    private static CheckResult check(String table, String check, boolean passed, String expected, String actual, List<String> keys) {
        return new CheckResult(table, check, passed, expected, actual, keys, 0L, null, List.of());
    }
}
