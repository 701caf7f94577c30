package dev.dmsflow.controller.run;

import java.time.Instant;
import java.util.List;

/**
 * What GET /api/runs/{requestId} answers.
 *
 * @param repairRound the repair rounds asked for so far (0: none)
 */
public record RunView(String requestId, String kind, String status, String engine, String taskId, String taskArn,
                      String taskStatus, int progress, List<String> tables, Instant windowFrom, Instant windowTo,
                      List<TableStatisticsView> statistics, String failure, Instant createdAt, Instant startedAt, Instant loadedAt,
                      Instant finishedAt, String stage, Instant lastProgressAt, int attempt, int ignoredDuplicates,
                      Instant lastIgnoredAt, int repairRound) {

    /** One table's load statistics, as DMS DescribeTableStatistics reported them. */
    public record TableStatisticsView(String table, long fullLoadRows, String tableState, String fullLoadStartTime, String fullLoadEndTime) {
    }
}
