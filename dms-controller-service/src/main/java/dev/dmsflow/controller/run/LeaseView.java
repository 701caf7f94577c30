package dev.dmsflow.controller.run;

import java.time.Instant;

/** What GET /api/leases lists: a staging table, the run holding it since when, and how far that run is. */
public record LeaseView(String stagingTable, String requestId, Instant since, String runStatus, String stage, Instant lastProgressAt) {
}
