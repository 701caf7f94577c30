package dev.dmsflow.merge.window;

/**
 * What merging one table did. {@code staged = inserted + updated + skippedStale + skippedDeleted + duplicates},
 * except in a repair, where staged rows already equal to production's are counted in none of them.
 *
 * @param staged         source rows of the run (the window's rows in staging, the view's rows, or a repair's rows in
 *                       its scope)
 * @param skippedStale   distinct keys the target kept because its row was as new or newer (a repair: newer), or CDC
 *                       changed or inserted the key after the load started
 * @param skippedDeleted distinct keys CDC deleted from the target after the load started, left deleted
 * @param duplicates     source rows dropped because a newer row of the same key was merged
 * @param deleted        repair: production rows in the scope whose key the source lacks, deleted
 * @param keptAbsent     repair: such rows kept (the catalog allows no repair deletes, or CDC changed them)
 */
public record MergeCounts(long staged, long inserted, long updated, long skippedStale, long skippedDeleted,
                          long duplicates, long deleted, long keptAbsent) {

    public MergeCounts(long staged, long inserted, long updated, long skippedStale, long skippedDeleted,
                       long duplicates) {
        this(staged, inserted, updated, skippedStale, skippedDeleted, duplicates, 0, 0);
    }

    public static MergeCounts of(long staged, long distinct, long inserted, long updated) {
        return of(staged, distinct, inserted, updated, 0);
    }

    public static MergeCounts of(long staged, long distinct, long inserted, long updated, long skippedDeleted) {
        return new MergeCounts(staged, inserted, updated, distinct - inserted - updated - skippedDeleted, skippedDeleted,
                staged - distinct);
    }
}
