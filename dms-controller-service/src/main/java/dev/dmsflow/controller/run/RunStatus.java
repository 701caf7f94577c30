package dev.dmsflow.controller.run;

/** A run's life: waits for its tables' leases, has its task created and started, loads, then waits for its outcome. */
public enum RunStatus {
    QUEUED, STARTING, RUNNING, LOADED, COMPLETED, FAILED
}
