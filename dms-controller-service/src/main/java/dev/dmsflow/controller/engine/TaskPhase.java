package dev.dmsflow.controller.engine;

/** Where a task is, as far as the controller cares. */
public enum TaskPhase {
    CREATING,
    READY,
    RUNNING,
    /** Every table fully loaded: stopped with FULL_LOAD_ONLY_FINISHED, or a CDC task still running after its full load. */
    FULL_LOAD_COMPLETE,
    FAILED,
    /** The engine no longer has the task: it ran in a process that stopped (the local engine). It can be run again. */
    LOST
}
