package dev.dmsflow.support.run;

/** A run's idempotency key: a retried run (attempt + 1) is a new run, a redelivery of the same attempt is not. */
public record RunKey(String requestId, int attempt) {
}
