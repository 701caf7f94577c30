package dev.dmsflow.validation.check;

/** Check names as {@code CheckResult.check} carries them. */
public final class CheckNames {

    public static final String STAGED_COUNT = "STAGED_COUNT";
    /** Staged rows whose window column is outside the run's window or NULL: rows that leaked into the load. */
    public static final String OUTSIDE_WINDOW = "OUTSIDE_WINDOW";
    public static final String MISSING = "MISSING";
    /** Production keys in the window (the whole table without one) that are not staged: the reverse of MISSING. */
    public static final String EXTRA = "EXTRA";
    public static final String STALE = "STALE";
    public static final String CONTENTS = "CONTENTS";
    public static final String SOURCE = "SOURCE";
    /** A validate-only run's rows of the window in the source (expected) and in production (actual). */
    public static final String SOURCE_COUNT = "SOURCE_COUNT";
    public static final String FINAL_COUNT = "FINAL_COUNT";
    public static final String FINAL_MISSING = "FINAL_MISSING";
    /** Keys a multi-stage view yields more than once in the window (a 1:N join); the merge kept one row of each. */
    public static final String FINAL_DUPLICATES = "FINAL_DUPLICATES";

    private CheckNames() {
    }
}
