package dev.dmsflow.controller.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** What GET /api/runs/{requestId} answers. */
public record RunView(String requestId, String kind, String status, String engine, String taskId, String taskArn,
                      String taskStatus, int progress, List<String> tables, Instant windowFrom, Instant windowTo,
                      JsonNode statistics, String failure, Instant createdAt, Instant startedAt, Instant loadedAt,
                      Instant finishedAt) {
}
