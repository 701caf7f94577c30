package dev.dmsflow.controller.engine;

/** A created task: its identifier and the engine's reference to it (the ARN on AWS DMS). */
public record TaskHandle(String taskId, String taskArn, String migrationType) {
}
