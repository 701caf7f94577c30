package dev.dmsflow.console.runs;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.contracts.event.WindowStaged;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/** One line per event for the timeline, in the words of the embedded runner's timeline. */
final class Summaries {

    private Summaries() {
    }

    static String of(SpecificRecord event) {
        if (event instanceof TaskRequested r) {
            return r.getKind() + " " + r.getTables().stream().map(t -> t.getName()).toList()
                    + (r.getWindow() == null ? "" : " [" + r.getWindow().getFrom() + ", " + r.getWindow().getTo() + ")") + " by " + r.getRequestedBy();
        }
        if (event instanceof TaskProgress p) {
            return p.getStatus() + " " + p.getPercentComplete() + "%";
        }
        if (event instanceof FullLoadCompleted l) {
            return l.getEngine() + " " + l.getTables().stream().map(t -> t.getTable().getName() + "=" + t.getFullLoadRows())
                    .collect(Collectors.joining(" "));
        }
        if (event instanceof WindowStaged s) {
            return s.getTables().stream().map(t -> t.getTable().getName() + " staged " + t.getStagedRows()).collect(Collectors.joining(", "));
        }
        if (event instanceof MergeCompleted m) {
            return m.getTables().stream().map(t -> t.getTable().getName() + " +" + t.getInserted() + " ~" + t.getUpdated() + " stale "
                    + t.getSkippedStale() + " deleted " + t.getSkippedDeleted() + " dup " + t.getDuplicates())
                    .collect(Collectors.joining(", ")) + " in " + m.getDurationMillis() + " ms";
        }
        if (event instanceof ValidationRequested v) {
            return "read leases on " + v.getTables().stream().map(t -> t.getName()).toList() + ": source compared with production";
        }
        if (event instanceof ValidationPassed v) {
            return v.getChecks().size() + " checks passed";
        }
        if (event instanceof ValidationFailed v) {
            return failedChecks(v);
        }
        if (event instanceof TaskFailed f) {
            return f.getStage() + ": " + f.getReason();
        }
        return event.getSchema().getName();
    }

    /**
     * e.g. {@code 1 of 14 checks failed: orders STALE expected 0 actual 1 keys [3000]; 1 differing key recorded,
     * repairable}. What was recorded is left out when nothing was (a validation-service from before it recorded keys
     * sends neither figure).
     */
    static String failedChecks(ValidationFailed failed) {
        String checks = failed.getFailures().size() + " of " + (failed.getFailures().size() + failed.getPassedChecks().size()) + " checks failed: "
                + failed.getFailures().stream().map(Summaries::check).collect(Collectors.joining("; "));
        if (failed.getDifferingKeys() == 0 && failed.getDifferingRanges() == 0) {
            return checks;
        }
        return checks + "; " + failed.getDifferingKeys() + (failed.getDifferingKeys() == 1 ? " differing key" : " differing keys")
                + (failed.getDifferingRanges() == 0 ? "" : " and " + failed.getDifferingRanges() + (failed.getDifferingRanges() == 1 ? " key range" : " key ranges"))
                + " recorded, " + (failed.getRepairable() ? "repairable" : "not repairable (a count or structure check failed)");
    }

    private static String check(CheckResult check) {
        return check.getTable() + " " + check.getCheck() + " expected " + check.getExpected() + " actual " + check.getActual()
                + (check.getSampleKeys().isEmpty() ? "" : " keys " + check.getSampleKeys());
    }
}
