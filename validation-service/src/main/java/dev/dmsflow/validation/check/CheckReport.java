package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.event.CheckResult;
import java.util.List;
import java.util.Objects;

/**
 * One check's result as the outcome events carry it, a sentence for what its figures cannot say (how many keys are in
 * flight, whether extra keys are in the source, which keys a view yields twice), the differing values of the keys
 * whose differing columns it names, and every offending key the check kept.
 *
 * @param detail null when the figures say it all
 * @param values the two copies' values of each differing column of the keys the result names (admin role only)
 * @param keys   the offending keys the check kept, in key order: up to sample-keys + repair-keys of them (the event's
 *               sample keys are the first), so a repair can target them; fewer than the check counted when capped
 */
public record CheckReport(CheckResult result, String detail, List<ColumnValues> values, List<String> keys) {

    /** The detail travels in the result too, so the outcome events carry it to ops and dashboards. */
    public CheckReport {
        if (!Objects.equals(detail, result.getDetail())) {
            result = CheckResult.newBuilder(result).setDetail(detail).build();
        }
        values = List.copyOf(values);
        keys = List.copyOf(keys);
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
