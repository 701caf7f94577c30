package dev.dmsflow.console.runs;

import java.time.Instant;
import java.util.List;

/**
 * A run as its events tell it: what was asked, where it is, how long each stage took, per-table counts, the validation
 * checks and why it failed. Worked out by {@link RunProjection} from all its events, whatever order they came in.
 *
 * @param repairRound the repair round the run is in (planned by the attempt whose validation failed, then loaded,
 *                   merged and validated again as the next attempt); null when the attempt is no repair's
 * @param stage      the stage the run is in (REQUEST, REPAIR: confirming what a repair round reloads, LOAD, STAGING,
 *                   MERGE, VALIDATION), the one it failed in, or DONE
 * @param status     RUNNING (repairing too), PASSED or FAILED
 * @param holdsLeases whether the run holds its tables' leases: loading began and no outcome gave them back (a
 *                   replicating FULL_LOAD_AND_CDC run keeps them after it validated)
 */
record RunView(String requestId, String kind, List<String> tables, Instant windowFrom, Instant windowTo, String requestedBy,
               int attempt, Integer repairRound, String stage, String status, Instant requestedAt, Instant finishedAt,
               Long durationMillis, Instant lastEventAt, Integer progress, String engine, boolean holdsLeases,
               List<StageSpan> stages, List<TableCounts> tableCounts, List<Check> checks, Failure failure,
               List<TimelineEntry> timeline) {

    /**
     * One segment of the stage bar: request → loaded (LOAD), → staged (STAGING), → merged (MERGE), → validated (VALIDATION).
     * A repair round's begins with its request → its plan (REPAIR) and loads from the plan.
     *
     * @param state DONE, RUNNING (no end yet), FAILED (ended by the failure) or PENDING (not reached)
     */
    record StageSpan(String stage, Instant startedAt, Instant endedAt, Long millis, String state) {
    }

    /**
     * Per table, from FullLoadCompleted (loaded), WindowStaged (staged), MergeCompleted and the validation checks. In a
     * repair round, those of the attempt it repairs: the round's own counts are in its events.
     */
    record TableCounts(String table, Long loaded, Long staged, Long inserted, Long updated, Long stale, Long duplicates,
                       Long deleted, Instant mergedAt, String validation) {
    }

    record Check(String table, String check, boolean passed, String expected, String actual, List<String> sampleKeys,
                 long inFlight, String detail) {
    }

    /** @param errorType TaskFailed's errorType; "ValidationFailed" for a failed validation */
    record Failure(String stage, String reason, String errorType, boolean retryable, Instant at) {
    }

    record TimelineEntry(String type, Instant occurredAt, int attempt, String producer, String summary) {
    }
}
