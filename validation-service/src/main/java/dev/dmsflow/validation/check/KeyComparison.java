package dev.dmsflow.validation.check;

import java.util.List;

/**
 * One recorded key looked at again by a repair's confirm pass: whether each database holds it now and, when both do,
 * which compared columns differ (the validate-only comparison: normalised values, columns paired by name).
 *
 * @param key              the key as recorded (its text form)
 * @param differingColumns production's names of the columns that differ; empty unless both hold the key
 * @param changedByCdc     production's change log has the key since the failed check: CDC is on it, a reload must
 *                         not be
 */
public record KeyComparison(String key, boolean inSource, boolean inProduction, List<String> differingColumns,
                            boolean changedByCdc) {

    public KeyComparison {
        differingColumns = List.copyOf(differingColumns);
    }

    /** Both databases lack the key, or hold equal rows. */
    public boolean agrees() {
        return inSource == inProduction && differingColumns.isEmpty();
    }
}
