package dev.dmsflow.controller.run;

/**
 * A run's life: waits for its tables' leases, has its task created and started, loads, then waits for its outcome. A
 * FULL_LOAD_AND_CDC run is REPLICATING after its full load (instead of LOADED): its task keeps applying changes to
 * staging and the run holds its leases through its outcome until it is STOPPED (POST /api/runs/{id}/stop) or fails. A VALIDATE_ONLY run has no task: once it holds its read
 * leases it is VALIDATING until validation's outcome. A run whose validation failed with differences a targeted reload
 * can fix is REPAIRING, keeping its leases, until validation confirmed the keys; it then loads them as its next attempt
 * (STARTING, RUNNING, LOADED) and waits for that attempt's outcome, or, when no key is left to load, is VALIDATING.
 */
public enum RunStatus {
    QUEUED, STARTING, RUNNING, LOADED, REPLICATING, VALIDATING, REPAIRING, COMPLETED, STOPPED, FAILED
}
