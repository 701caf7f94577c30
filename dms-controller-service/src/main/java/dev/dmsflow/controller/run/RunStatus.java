package dev.dmsflow.controller.run;

/**
 * A run's life: waits for its tables' leases, has its task created and started, loads, then waits for its outcome. A
 * FULL_LOAD_AND_CDC run is REPLICATING after its full load (instead of LOADED): its task keeps applying changes to
 * staging and the run holds its leases through its outcome until it is STOPPED (POST /api/runs/{id}/stop) or fails. A VALIDATE_ONLY run has no task: once it holds its read
 * leases it is VALIDATING until validation's outcome.
 */
public enum RunStatus {
    QUEUED, STARTING, RUNNING, LOADED, REPLICATING, VALIDATING, COMPLETED, STOPPED, FAILED
}
