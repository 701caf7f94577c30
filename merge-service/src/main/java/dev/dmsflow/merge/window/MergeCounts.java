package dev.dmsflow.merge.window;

/**
 * What merging one table did. {@code staged = inserted + updated + skippedStale + duplicates}.
 *
 * @param staged       source rows of the run (the window's rows in staging, or the view's rows)
 * @param skippedStale distinct keys the target kept because its row was as new or newer
 * @param duplicates   source rows dropped because a newer row of the same key was merged
 */
public record MergeCounts(long staged, long inserted, long updated, long skippedStale, long duplicates) {

    public static MergeCounts of(long staged, long distinct, long inserted, long updated) {
        return new MergeCounts(staged, inserted, updated, distinct - inserted - updated, staged - distinct);
    }
}
