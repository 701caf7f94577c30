package dev.dmsflow.validation.check;

import java.util.List;

/**
 * One recorded key looked at again by a repair's confirm pass: whether each database holds it now and, when both do,
 * which compared columns differ (the validate-only comparison: normalised values, columns paired by name).
 *
 * @param key          the key as recorded (its text form)
 * @param values       the columns that differ, with both normalised values (production's column names); empty unless
 *                     both hold the key. Business data: only the admin role's dry run shows them
 * @param changedByCdc production's change log has the key since the failed check: CDC is on it, a reload must not be
 */
public record KeyComparison(String key, boolean inSource, boolean inProduction, List<ColumnValues> values,
                            boolean changedByCdc) {

    public KeyComparison {
        values = List.copyOf(values);
    }

    /** Production's names of the columns that differ: all a plan records or publishes. */
    public List<String> differingColumns() {
        return values.stream().map(ColumnValues::column).toList();
    }

    /** Both databases lack the key, or hold equal rows. */
    public boolean agrees() {
        return inSource == inProduction && values.isEmpty();
    }
}
