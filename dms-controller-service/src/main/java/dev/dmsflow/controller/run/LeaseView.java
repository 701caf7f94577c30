package dev.dmsflow.controller.run;

import java.time.Instant;

/**
 * What GET /api/leases lists: a staging table, the run holding it since when, how far that run is, and how it holds
 * it: {@code write} (a load, alone) or {@code read} (a validate-only run, shared with other validate-only runs).
 */
public record LeaseView(String stagingTable, String requestId, Instant since, String runStatus, String stage, Instant lastProgressAt,
                        String mode) {
}
