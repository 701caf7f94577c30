package dev.dmsflow.validation.check;

/**
 * One column of one key whose two copies differ, with both normalised values as text: kept with the run's results and
 * shown to the admin role only (business data never travels in events).
 */
public record ColumnValues(String key, String column, String source, String production) {
}
