package dev.dmsflow.controller.engine;

import dev.dmsflow.contracts.event.EngineType;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs DMS-style full-load tasks: AWS DMS, or the local JDBC engine honouring the same table-mapping and task-settings
 * JSON. The controller drives a task through these calls from its stored run state, so every call must be safe to
 * repeat after a restart.
 */
public interface ReplicationEngine {

    EngineType type();

    /** Creates the task, or finds the one its identifier already names (a restart between create and record). */
    TaskHandle create(LoadTask task);

    /** Starts a task that is {@link TaskPhase#READY}. */
    void start(TaskHandle task);

    TaskStatus describe(TaskHandle task);

    /** Per-table statistics, all pages; read before the task is deleted. */
    List<TableStatistics> tableStatistics(TaskHandle task);

    /**
     * The CDC latency of a task replicating after its full load; empty when the engine cannot tell (no CDC, no
     * metrics yet, or no permission to read them). Never fails a run: latency is information, not state.
     */
    Optional<CdcLatency> cdcLatency(TaskHandle task);

    /**
     * Stops a running task, so a failed run's task no longer writes into tables another run may lease; a task that is
     * not running is left as it is.
     */
    void stop(TaskHandle task);

    /** Deletes the task as configured (AWS DMS: {@code delete-task-when-done}, never a CDC task); one already gone is deleted. */
    void delete(TaskHandle task);

    /**
     * Ends every task that runs inside this process and forgets it, returning only once their loading has stopped, so
     * another controller instance may load the same tables at once (the local engine; AWS DMS tasks run on AWS and go
     * on). A forgotten task is {@link TaskPhase#LOST}.
     */
    default void abandonLocalTasks() {
    }

    /**
     * Calls {@code listener} with the task's id when a task of this process ends (loaded, failed or stopped), so the
     * controller need not wait for its next poll to notice. Engines whose tasks run elsewhere (AWS DMS) never call it.
     */
    default void onTaskEnd(Consumer<String> listener) {
    }
}
