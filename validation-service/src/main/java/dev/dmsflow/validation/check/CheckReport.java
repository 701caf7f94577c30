package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.event.CheckResult;

/**
 * One check's result as the outcome events carry it, and a sentence for what its figures cannot say (how many keys
 * are in flight, whether extra keys are in the source, which keys a view yields twice).
 *
 * @param detail null when the figures say it all
 */
public record CheckReport(CheckResult result, String detail) {

    static CheckReport of(CheckResult result) {
        return new CheckReport(result, null);
    }
}
