package dev.dmsflow.console.runs;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.KeyBounds;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRepairResult;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.contracts.event.WindowStaged;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/** One line per event for the timeline, in the words of the embedded runner's timeline. */
final class Summaries {

    /** Keys or key ranges of a repair plan's table named in its line; the others are counted. */
    private static final int SHOWN = 5;

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
            return round(l.getRepair()) + l.getEngine() + " " + l.getTables().stream()
                    .map(t -> t.getTable().getName() + "=" + t.getFullLoadRows()).collect(Collectors.joining(" "));
        }
        if (event instanceof WindowStaged s) {
            return round(s.getRepair()) + s.getTables().stream().map(t -> t.getTable().getName() + " staged "
                    + t.getStagedRows()).collect(Collectors.joining(", "));
        }
        if (event instanceof MergeCompleted m) {
            return round(m.getRepair()) + m.getTables().stream().map(Summaries::merge).collect(Collectors.joining(", "))
                    + " in " + m.getDurationMillis() + " ms";
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
        if (event instanceof RepairRequested r) {
            return "repair round " + r.getRound() + " requested by " + r.getRequestedBy() + " for "
                    + r.getTables().stream().map(t -> t.getName()).toList()
                    + (r.getDeletes().isEmpty() ? "" : ", deletes allowed for " + r.getDeletes());
        }
        if (event instanceof RepairPlanned p) {
            return "repair round " + p.getScope().getRound() + " planned in " + p.getDurationMillis() + " ms: "
                    + p.getScope().getTables().stream().map(Summaries::plan).collect(Collectors.joining("; "));
        }
        if (event instanceof RepairCompleted c) {
            return "repair round " + c.getRound() + (c.getHealed() ? " healed" : " not healed") + " in "
                    + c.getDurationMillis() + " ms: "
                    + c.getTables().stream().map(Summaries::repaired).collect(Collectors.joining(", "));
        }
        return event.getSchema().getName();
    }

    /** A repair round's events say so: they load, merge and validate its keys only. */
    private static String round(RepairScope repair) {
        return repair == null ? "" : "repair round " + repair.getRound() + ": ";
    }

    /** Rows a repair round found the source lacks (removed or kept) are counted only when there are some. */
    private static String merge(TableMergeResult t) {
        return t.getTable().getName() + " +" + t.getInserted() + " ~" + t.getUpdated() + " stale " + t.getSkippedStale()
                + " deleted " + t.getSkippedDeleted() + " dup " + t.getDuplicates()
                + (t.getDeleted() + t.getKeptAbsent() == 0 ? ""
                        : " removed " + t.getDeleted() + " kept " + t.getKeptAbsent());
    }

    /** e.g. {@code orders 2 keys [3000, 3001] and 1 key range [5000, 5100), 1 dropped (...)}. */
    private static String plan(TableRepairScope table) {
        List<String> keys = table.getKeys();
        List<String> ranges = table.getRanges().stream().map(Summaries::range).toList();
        return table.getTable().getName() + " " + count(keys.size(), "key")
                + (keys.isEmpty() ? "" : " [" + firstFew(keys, ", ") + "]")
                + (ranges.isEmpty() ? "" : " and " + count(ranges.size(), "key range") + " " + firstFew(ranges, " "))
                + (table.getDroppedKeys() == 0 ? ""
                        : ", " + table.getDroppedKeys() + " dropped (in sync again or changed by CDC)");
    }

    /** A plan may hold thousands of keys: the line names the first few. */
    private static String firstFew(List<String> items, String separator) {
        return String.join(separator, items.subList(0, Math.min(items.size(), SHOWN)))
                + (items.size() > SHOWN ? separator + "…" : "");
    }

    private static String range(KeyBounds bounds) {
        return "[" + (bounds.getFrom() == null ? "…" : bounds.getFrom()) + ", "
                + (bounds.getTo() == null ? "…" : bounds.getTo()) + ")";
    }

    private static String repaired(TableRepairResult t) {
        return t.getTable() + " of " + count(t.getPlannedKeys(), "key") + " +" + t.getInserted() + " ~" + t.getUpdated()
                + " removed " + t.getDeleted() + " kept absent " + t.getKeptAbsent()
                + " left to CDC " + t.getSkippedCdc() + " still different " + t.getStillDifferent();
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
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
