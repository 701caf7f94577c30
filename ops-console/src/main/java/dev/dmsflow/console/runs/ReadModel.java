package dev.dmsflow.console.runs;

import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.ValidationFailed;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;

/**
 * The console's read model: keeps each event once and works the run's view out again from all its events
 * ({@link RunProjection}). Plain Java: the store and the transaction around {@link #accept} are the caller's.
 */
final class ReadModel {

    private final RunStore store;
    private final Consumer<SpecificRecord> newAlerts;
    private final Consumer<RunView> endedRuns;

    /**
     * @param newAlerts told of each TaskFailed and ValidationFailed the first time it arrives
     * @param endedRuns told of a run when an event gives it an outcome (PASSED or FAILED): again when a retry or a
     *                  repair round ends it once more
     */
    ReadModel(RunStore store, Consumer<SpecificRecord> newAlerts, Consumer<RunView> endedRuns) {
        this.store = store;
        this.newAlerts = newAlerts;
        this.endedRuns = endedRuns;
    }

    /** Records an event of {@code topic}; false when it was there already (a duplicate or a redelivery). */
    boolean accept(String topic, SpecificRecord event) {
        String requestId = RunProjection.header(event).getRequestId();
        // a run's events come from several topics, so from several consumers at once: each works the view out from
        // every event committed before it, one after the other, so the last one to commit sees them all
        store.lockRun(requestId);
        if (!store.append(topic, event)) {
            return false;
        }
        String before = store.status(requestId);
        RunView view = RunProjection.project(requestId, store.events(requestId));
        store.save(view);
        if (!"RUNNING".equals(view.status()) && (before == null || "RUNNING".equals(before))) {
            endedRuns.accept(view);
        }
        if (event instanceof TaskFailed || event instanceof ValidationFailed) {
            newAlerts.accept(event);
        }
        return true;
    }

    /** The run's view from its stored events; null for a run the console has not heard of. */
    RunView run(String requestId) {
        var events = store.events(requestId);
        return events.isEmpty() ? null : RunProjection.project(requestId, events);
    }
}
