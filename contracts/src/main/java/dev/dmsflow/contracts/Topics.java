package dev.dmsflow.contracts;

import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.contracts.event.WindowStaged;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Every dmsflow topic and the event types its values may hold. Keys are always the run's requestId. */
public final class Topics {

    public static final String TASK_REQUESTED = "dmsflow.task-requested";
    public static final String TASK_PROGRESS = "dmsflow.task-progress";
    public static final String FULL_LOAD_COMPLETED = "dmsflow.full-load-completed";
    public static final String WINDOW_STAGED = "dmsflow.window-staged";
    public static final String MERGE_COMPLETED = "dmsflow.merge-completed";
    public static final String VALIDATION_REQUESTED = "dmsflow.validation-requested";
    public static final String VALIDATION_PASSED = "dmsflow.validation-passed";
    public static final String ALERTS = "dmsflow.alerts";
    /** A repair round of a failed run: its request, the confirmed plan, and what the round did. */
    public static final String REPAIRS = "dmsflow.repairs";

    /** Suffix of the dead-letter topic that error handlers publish undeliverable records of a topic to. */
    public static final String DLT_SUFFIX = ".dlt";

    /** Topic → the value types it carries; the alerts topic carries two. */
    public static final Map<String, List<Class<? extends SpecificRecord>>> VALUE_TYPES = valueTypes();

    private Topics() {
    }

    public static String deadLetterTopic(String topic) {
        return topic + DLT_SUFFIX;
    }

    private static Map<String, List<Class<? extends SpecificRecord>>> valueTypes() {
        Map<String, List<Class<? extends SpecificRecord>>> types = new LinkedHashMap<>();
        types.put(TASK_REQUESTED, List.of(TaskRequested.class));
        types.put(TASK_PROGRESS, List.of(TaskProgress.class));
        types.put(FULL_LOAD_COMPLETED, List.of(FullLoadCompleted.class));
        types.put(WINDOW_STAGED, List.of(WindowStaged.class));
        types.put(MERGE_COMPLETED, List.of(MergeCompleted.class));
        types.put(VALIDATION_REQUESTED, List.of(ValidationRequested.class));
        types.put(VALIDATION_PASSED, List.of(ValidationPassed.class));
        types.put(ALERTS, List.of(ValidationFailed.class, TaskFailed.class));
        types.put(REPAIRS, List.of(RepairRequested.class, RepairPlanned.class, RepairCompleted.class));
        return Collections.unmodifiableMap(types);
    }
}
