package dev.dmsflow.console.runs;

import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Where {@link ReadModel} keeps events and run views. */
interface RunStore {

    /** Holds the run's lock until the transaction ends. */
    void lockRun(String requestId);

    /** Stores the event unless one with its eventId is stored; true when it was new. */
    boolean append(String topic, SpecificRecord event);

    List<SpecificRecord> events(String requestId);

    /** The status saved for the run (RUNNING, PASSED, FAILED), null before its first event. */
    String status(String requestId);

    /** Replaces the run's row and its tables' rows. */
    void save(RunView view);
}
