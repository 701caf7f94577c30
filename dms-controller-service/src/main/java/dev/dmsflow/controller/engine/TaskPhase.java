package dev.dmsflow.controller.engine;

/** Where a task is, as far as the controller cares. */
public enum TaskPhase {
    CREATING,
    READY,
    RUNNING,
    /** Every table fully loaded: stopped with FULL_LOAD_ONLY_FINISHED, or a CDC task still running after its full load. */
    FULL_LOAD_COMPLETE,
    FAILED
}
