package dev.dmsflow.support.run;

import java.time.Duration;

/**
 * How often a run that meets a transient fault other than an outage (deadlock, serialization failure, a lock not
 * available, insufficient resources) is tried in-process before it ends in a retryable TaskFailed.
 *
 * @param maxAttempts attempts in all, at least 1
 * @param backoff     wait before the second attempt, doubling after each further one
 */
public record RetryPolicy(int maxAttempts, Duration backoff) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
    }

    Duration backoffBefore(int attempt) {
        return backoff.multipliedBy(1L << Math.min(attempt - 2, 20));
    }
}
