package dev.dmsflow.console;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EngineType;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.StagedTable;
import dev.dmsflow.contracts.event.TableLoadStatistics;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRef;
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

/**
 * The events of one run of orders and customers for January, as the services publish them, at fixed offsets from
 * {@code start}: requested +0, progress +200 ms, loaded +1500, staged +1800, merged +2600, validated +3500. So the
 * stages take LOAD 1500, STAGING 300, MERGE 800 and VALIDATION 900 ms. Event ids are derived from the requestId.
 */
public final class RunEventsFixture {

    public static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    private final String requestId;
    private final Instant start;
    private final int attempt;

    public RunEventsFixture(String requestId, Instant start) {
        this(requestId, start, 1);
    }

    private RunEventsFixture(String requestId, Instant start, int attempt) {
        this.requestId = requestId;
        this.start = start;
        this.attempt = attempt;
    }

    /** The same run's next attempt, starting at {@code start}. */
    public RunEventsFixture retried(Instant start) {
        return new RunEventsFixture(requestId, start, attempt + 1);
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

    public FullLoadCompleted loaded() {
        return new FullLoadCompleted(header("loaded", 1500), TaskKind.TIME_WINDOW_RELOAD, JANUARY, EngineType.LOCAL_JDBC, "task-" + requestId,
                null, List.of(load("orders", 34_434), load("customers", 3_444)), null, start.plusMillis(300), start.plusMillis(1400),
                null);
    }

    public WindowStaged staged() {
        return new WindowStaged(header("staged", 1800), TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                List.of(new StagedTable(table("orders"), 34_434L, 34_434L, 0L, 0L, 0L), new StagedTable(table("customers"), 3_444L, 3_444L, 0L, 0L, 0L)),
                null, start.plusMillis(300), null);
    }

    public MergeCompleted merged() {
        return new MergeCompleted(header("merged", 2600), TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                List.of(new TableMergeResult(table("orders"), 8_606L, 17_212L, 8_612L, 0L, 500L, 34_434L, 34_434L, 4L, 0L, 0L),
                        new TableMergeResult(table("customers"), 0L, 3_444L, 0L, 0L, 150L, 3_444L, 3_444L, 0L, 0L, 0L)),
                653L, null, start.plusMillis(300), null);
    }

    public ValidationPassed passed() {
        return new ValidationPassed(header("passed", 3500), TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                List.of(check("orders", "STAGED_COUNT", true, "34434", "34434", List.of()), check("orders", "STALE", true, "0", "0", List.of()),
                        check("customers", "STAGED_COUNT", true, "3444", "3444", List.of())), 900L);
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

    /** The whole successful run, in the order it happened. */
    public List<org.apache.avro.specific.SpecificRecord> successfulRun() {
        return List.of(requested(), progress(), loaded(), staged(), merged(), passed());
    }

    public static TableRef table(String name) {
        return new TableRef(name, "SRC", name.toUpperCase(), "staging", name, "production", name, List.of("id"), "updated_at");
    }

    private TableLoadStatistics load(String name, long rows) {
        return new TableLoadStatistics(table(name), rows, "Table completed", start.plusMillis(300), start.plusMillis(1400), 100, null);
    }

    private static CheckResult check(String table, String check, boolean passed, String expected, String actual, List<String> keys) {
        return new CheckResult(table, check, passed, expected, actual, keys, 0L, null, List.of());
    }
}
