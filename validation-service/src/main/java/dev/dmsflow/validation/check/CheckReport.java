package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.event.CheckResult;
import java.util.List;
import java.util.Objects;

/**
 * One check's result as the outcome events carry it, a sentence for what its figures cannot say (how many keys are in
 * flight, whether extra keys are in the source, which keys a view yields twice), the differing values of the keys
 * whose differing columns it names, and the offending keys the check kept for a repair.
 *
 * @param detail null when the figures say it all
 * @param values the two copies' values of each differing column of the keys the result names (admin role only)
 * @param keys   the offending keys the check kept, in key order: up to sample-keys + repair-keys of them (the event's
 *               sample keys are the first), so a repair can target them
 * @param ranges when the check found more offenders than it kept: the key ranges that hold them all (its mismatching
 *               ranges, adjacent ones joined), in key order; empty otherwise
 */
public record CheckReport(CheckResult result, String detail, List<ColumnValues> values, List<String> keys, List<KeyRange> ranges) {

    /** The detail travels in the result too, so the outcome events carry it to ops and dashboards. */
    public CheckReport {
        if (!Objects.equals(detail, result.getDetail())) {
            result = CheckResult.newBuilder(result).setDetail(detail).build();
        }
        values = List.copyOf(values);
        keys = List.copyOf(keys);
        ranges = List.copyOf(ranges);
    }

    /** A check whose kept keys are all its offenders. */
    public CheckReport(CheckResult result, String detail, List<ColumnValues> values, List<String> keys) {
        this(result, detail, values, keys, List.of());
    }

    /** A check that kept no keys beyond its sample. */
    public CheckReport(CheckResult result, String detail, List<ColumnValues> values) {
        this(result, detail, values, result.getSampleKeys());
    }

    public CheckReport(CheckResult result, String detail) {
        this(result, detail, List.of());
    }

    static CheckReport of(CheckResult result) {
        return new CheckReport(result, null);
    }
}
