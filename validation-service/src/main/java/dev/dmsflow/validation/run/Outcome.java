package dev.dmsflow.validation.run;

/** How a run's validation ended. */
public enum Outcome {
    /** Every check passed: {@code ValidationPassed}. */
    PASSED,
    /** At least one check failed: {@code ValidationFailed} on the alerts topic. */
    FAILED,
    /** The run could not be validated as described (unknown table, bad identifier): {@code TaskFailed}, not retried. */
    REJECTED
}
