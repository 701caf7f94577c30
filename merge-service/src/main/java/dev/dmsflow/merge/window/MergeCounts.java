package dev.dmsflow.merge.window;

/**
 * What merging one table did. {@code staged = inserted + updated + skippedStale + skippedDeleted + duplicates}.
 *
 * @param staged         source rows of the run (the window's rows in staging, or the view's rows)
 * @param skippedStale   distinct keys the target kept because its row was as new or newer, or CDC changed or
 *                       inserted the key after the load started
 * @param skippedDeleted distinct keys CDC deleted from the target after the load started, left deleted
 * @param duplicates     source rows dropped because a newer row of the same key was merged
 */
public record MergeCounts(long staged, long inserted, long updated, long skippedStale, long skippedDeleted, long duplicates) {

    public static MergeCounts of(long staged, long distinct, long inserted, long updated) {
        return of(staged, distinct, inserted, updated, 0);
    }

    public static MergeCounts of(long staged, long distinct, long inserted, long updated, long skippedDeleted) {
        return new MergeCounts(staged, inserted, updated, distinct - inserted - updated - skippedDeleted, skippedDeleted,
                staged - distinct);
    }
}
