package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.event.CheckResult;
import java.util.List;

/** Builds {@link CheckResult}s: figures as text, as the event carries them. */
final class CheckResults {

    private CheckResults() {
    }

    static CheckResult count(String table, String check, long expected, long actual) {
        return new CheckResult(table, check, expected == actual, Long.toString(expected), Long.toString(actual), List.of(), 0L, null, List.of());
    }

    /** A check that expects no offending rows and found {@code found}. */
    static CheckResult offenders(String table, String check, long found, List<String> sampleKeys) {
        return offenders(table, check, found, sampleKeys, 0);
    }

    /** Like {@link #offenders(String, String, long, List)}, with {@code inFlight} rows CDC changed after the load started, which are not failures. */
    static CheckResult offenders(String table, String check, long found, List<String> sampleKeys, long inFlight) {
        return new CheckResult(table, check, found == 0, "0", Long.toString(found), List.copyOf(sampleKeys), inFlight, null, List.of());
    }
}
