package dev.dmsflow.controller.engine;

/**
 * @param status         the engine's own status word, e.g. {@code running}
 * @param percent        full-load progress, 0-100
 * @param failureMessage why it failed (DMS LastFailureMessage or StopReason), when it did
 */
public record TaskStatus(TaskPhase phase, String status, int percent, String failureMessage) {
}
