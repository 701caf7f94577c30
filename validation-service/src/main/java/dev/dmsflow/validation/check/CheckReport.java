package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.event.CheckResult;

/**
 * One check's result as the outcome events carry it, and a sentence for what its figures cannot say (how many keys
 * are in flight, whether extra keys are in the source, which keys a view yields twice).
 *
 * @param detail null when the figures say it all
 */
public record CheckReport(CheckResult result, String detail) {

    /** The detail travels in the result too, so the outcome events carry it to ops and dashboards. */
    public CheckReport {
        if (!java.util.Objects.equals(detail, result.getDetail())) {
            result = CheckResult.newBuilder(result).setDetail(detail).build();
        }
    }

    static CheckReport of(CheckResult result) {
        return new CheckReport(result, null);
    }
}
