package dev.dmsflow.merge.window;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.QualifiedName;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The SQL of a newer-wins merge of one table, built from its {@link TableShape}. Every identifier is quoted (and was
 * checked against the database catalog); window bounds and key bounds are bind parameters.
 *
 * <p>Rows are compared with {@link NewerWins}; target rows the rule keeps count as skipped-stale. With a change log
 * (see {@link ChangeLog}), staged keys that CDC changed or deleted since the watermark (the load's start) are left as
 * CDC made them, whatever the rule would say: CDC's copy is newer by definition.
 *
 * <p>When the source holds several rows for one key, {@link #deduplicateInto} keeps the newest (the same NULL rule),
 * ties going to the row stored last.
 */
final class MergeStatements {

    /** Alias of the source in every statement. */
    private static final String S = "s";
    private static final String P = "p";

    private final TableShape shape;
    private final boolean windowed;
    private final QualifiedName changeLog;

    /**
     * @param windowed  the run has a time window: only source rows with {@code from <= window column < to} take part
     * @param changeLog the target's change log, or {@code null} when the target has none
     */
    MergeStatements(TableShape shape, boolean windowed, QualifiedName changeLog) {
        if (windowed && shape.windowColumn().isEmpty()) {
            throw new MergeRejectedException(shape.target() + " has no window column to filter the run's time window on");
        }
        this.shape = shape;
        this.windowed = windowed;
        this.changeLog = changeLog;
    }

    /**
     * Rows of the run in the source, and the least and greatest value of the first key column: {@code count, min,
     * max}. With {@code minMax} one scan with min and max, binding the window once; without (uuid, a customers table's
     * usual key, has no min or max) ORDER BY ... LIMIT 1 for each bound, binding it three times.
     */
    String stagedCountAndKeyBounds(boolean minMax) {
        String first = S + "." + quote(shape.keyColumns().get(0));
        String from = " FROM " + shape.source().quoted() + " " + S + windowFilter();
        return minMax ? "SELECT count(*), min(" + first + "), max(" + first + ")" + from
                : "SELECT count(*), (SELECT " + first + from + " ORDER BY " + first + " LIMIT 1),"
                + " (SELECT " + first + from + " ORDER BY " + first + " DESC NULLS LAST LIMIT 1)" + from;
    }

    /**
     * Whether the source's first key column has a min aggregate of its own type: binds the source's quoted name and
     * the key column's.
     */
    String keyHasMinMax() {
        return "SELECT to_regprocedure('pg_catalog.min(' || format_type(a.atttypid, NULL) || ')') IS NOT NULL FROM pg_attribute a"
                + " WHERE a.attrelid = ?::regclass AND a.attname = ?";
    }

    /**
     * Copies the newest row per key into a transaction-scoped temporary table: a DMS reload can stage one key twice,
     * and a merge must neither fail with "cannot affect row a second time" nor let an older copy win. Ties on the
     * window column go to the row stored last. Its row count is the number of distinct keys.
     */
    String deduplicateInto(String tempTable) {
        String keys = Identifiers.list(shape.keyColumns(), c -> S + "." + c);
        String newestFirst = shape.windowColumn().map(w -> S + "." + quote(w) + " DESC NULLS LAST, ").orElse("");
        return "CREATE TEMP TABLE " + quote(tempTable) + " ON COMMIT DROP AS SELECT DISTINCT ON (" + keys + ") "
                + Identifiers.list(shape.columns(), c -> S + "." + c) + " FROM " + shape.source().quoted() + " " + S + windowFilter()
                + " ORDER BY " + keys + ", " + newestFirst + S + ".ctid DESC";
    }

    /**
     * The merge, one statement returning one row {@code inserted, updated}: an UPDATE of the target rows the source
     * has a newer copy of, and an INSERT of the keys the target lacks, as two data-modifying CTEs that read one
     * snapshot (so each key goes to exactly one of them, whichever runs first). The insert runs first (the order the
     * final SELECT reads them in): its anti-join then reads only the target's key index while the visibility map
     * still says its pages are all visible, where after the update it fetched every heap row the update's pages hold
     * (1,000,000 staged keys spread over a 2,000,000-row target: 4.0–4.5 s against 5.1–5.2 s). Keys CDC changed or
     * deleted since the watermark are left as CDC made them. A row CDC deletes while the statement runs: the update
     * waits for its lock and finds it gone, the insert saw it in its snapshot and leaves the key alone.
     *
     * <p>With {@code cdcSafeInsert} the insert is {@code ON CONFLICT (key) DO NOTHING}: a key CDC inserts while the
     * statement runs is CDC's newer row and stays, where a plain insert (or MERGE's {@code WHEN NOT MATCHED THEN
     * INSERT}) fails with a unique violation. It costs about a third of the statement (speculative insertion), so the
     * merge runs the plain form when the change log shows no CDC insert in the batch's key range, in a savepoint, and
     * this one when it does or when the plain form meets a unique violation.
     *
     * <p>How the target rows of the staged keys are found is {@code access}: see {@link KeyAccess}. Both forms read
     * the same snapshot and write the same rows; {@link #mergeParameters} says what to bind.
     *
     * @param from {@code null} to read the source table with the run's window, or a deduplicated temporary table
     *             holding exactly the run's rows
     */
    String merge(String from, boolean cdcSafeInsert, KeyAccess access) {
        boolean list = access == KeyAccess.KEY_LIST;
        String key = quote(shape.keyColumns().get(0));
        // the target's keys among the staged ones, looked up in its key index as one list
        String existing = "existing AS MATERIALIZED (SELECT " + P + "." + key + " FROM " + shape.target().quoted() + " " + P
                + " WHERE " + P + "." + key + " = ANY(ARRAY(SELECT " + S + "." + key + " FROM " + source(from) + " " + S + "))), ";
        String targetRows = list ? P + "." + key + " = ANY(ARRAY(SELECT e." + key + " FROM existing e))" : keyBound();
        String absent = list ? "NOT EXISTS (SELECT 1 FROM existing e WHERE e." + key + " = " + S + "." + key + ")"
                : "NOT EXISTS (SELECT 1 FROM " + shape.target().quoted() + " " + P + " WHERE " + keyMatch(P, S) + " AND " + keyBound() + ")";
        List<String> updatable = shape.updatableColumns();
        String update = updatable.isEmpty() ? "SELECT WHERE false"
                : "UPDATE " + shape.target().quoted() + " " + P + " SET "
                + Identifiers.list(updatable, c -> c + " = " + S + "." + c)
                + " FROM " + source(from) + " " + S
                + " WHERE " + keyMatch(P, S) + " AND " + targetRows
                + " AND " + newer() + unchangedSince()
                + " RETURNING 1";
        String insert = "INSERT INTO " + shape.target().quoted() + " (" + Identifiers.list(shape.columns(), Function.identity()) + ")"
                + (shape.overridingSystemValue() ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT " + Identifiers.list(shape.columns(), c -> S + "." + c) + " FROM " + source(from) + " " + S
                + " WHERE " + absent + unchangedSince()
                + (cdcSafeInsert ? " ON CONFLICT (" + Identifiers.list(shape.keyColumns(), Function.identity()) + ") DO NOTHING" : "")
                + " RETURNING 1";
        return "WITH " + (list ? existing : "") + "updated AS (" + update + "), inserted AS (" + insert + ")"
                + " SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM updated)";
    }

    /** The parameters of {@link #merge}, in order. */
    List<Parameter> mergeParameters(String from, KeyAccess access) {
        List<Parameter> parameters = new ArrayList<>();
        if (access == KeyAccess.KEY_LIST && from == null) {
            parameters.add(Parameter.WINDOW);
        }
        for (int half = updates() ? 0 : 1; half < 2; half++) {
            if (from == null) {
                parameters.add(Parameter.WINDOW);
            }
            if (access == KeyAccess.RANGE) {
                parameters.add(Parameter.KEY_BOUNDS);
            }
            if (tracked()) {
                parameters.add(Parameter.WATERMARK);
            }
        }
        return parameters;
    }

    /** What a merge statement binds: the window's from and to, the batch's min and max key, the watermark. */
    enum Parameter { WINDOW, KEY_BOUNDS, WATERMARK }

    /**
     * The planner's estimate of the target rows in the batch's key range (the first key column between min and max),
     * as EXPLAIN's JSON; binds min and max key. What {@link KeyAccess#choose} weighs the staged rows against.
     */
    String targetRowsInKeyRange() {
        return "EXPLAIN (FORMAT JSON) SELECT 1 FROM " + shape.target().quoted() + " " + P + " WHERE " + keyBound();
    }

    /** Whether CDC inserted keys in the batch's key range since the watermark. Binds the watermark, min key, max key. */
    String cdcInserted() {
        return "SELECT EXISTS (SELECT 1 FROM " + changeLog.quoted() + " c WHERE c." + quote(ChangeLog.CHANGED_AT) + " >= ?"
                + " AND c." + quote(ChangeLog.OPERATION) + " = 'I' AND c." + quote(shape.keyColumns().get(0)) + " BETWEEN ? AND ?)";
    }

    /** Whether the update half runs: a key-only table has nothing to update. */
    private boolean updates() {
        return !shape.updatableColumns().isEmpty();
    }

    private String keyBound() {
        return P + "." + quote(shape.keyColumns().get(0)) + " BETWEEN ? AND ?";
    }

    /**
     * Staged keys CDC deleted since the watermark (in the change log, absent from the target): rows the merge left
     * deleted. Driven by the log, a short list, rather than by the staged window. Binds the watermark, then the
     * window when read from staging.
     */
    String skippedDeleted(String from) {
        String keys = Identifiers.list(shape.keyColumns(), c -> "c." + c);
        return "SELECT count(*) FROM (SELECT DISTINCT " + keys + " FROM " + changeLog.quoted() + " c WHERE c."
                + quote(ChangeLog.CHANGED_AT) + " >= ?) c"
                + " WHERE NOT EXISTS (SELECT 1 FROM " + shape.target().quoted() + " " + P + " WHERE " + keyMatch(P, "c") + ")"
                + " AND EXISTS (SELECT 1 FROM " + source(from) + " " + S + " WHERE " + keyMatch(S, "c") + ")";
    }

    /**
     * Rows this transaction wrote whose key CDC changed since the watermark: a change that committed after the merge
     * statements took their snapshot but before they locked the row, which the statements could not see. Zero means
     * no CDC change was overwritten: every later CDC change to a written row waits for this transaction's row lock.
     * Binds the watermark.
     */
    String overwrittenChanges() {
        return "SELECT count(*) FROM " + changeLog.quoted() + " c JOIN " + shape.target().quoted() + " " + P + " ON "
                + keyMatch(P, "c") + " WHERE c." + quote(ChangeLog.CHANGED_AT) + " >= ?"
                // xmin of a row version this transaction wrote is its own transaction id
                + " AND " + P + ".xmin::text = (pg_current_xact_id()::text::bigint % 4294967296)::text";
    }

    private String source(String from) {
        return from == null
                ? "(SELECT " + Identifiers.list(shape.columns(), c -> S + "." + c) + " FROM " + shape.source().quoted() + " " + S + windowFilter() + ")"
                : quote(from);
    }

    private String unchangedSince() {
        return tracked() ? " AND NOT " + changedSince() : "";
    }

    private String changedSince() {
        return "EXISTS (SELECT 1 FROM " + changeLog.quoted() + " c WHERE " + keyMatch("c", S) + " AND c."
                + quote(ChangeLog.CHANGED_AT) + " >= ?)";
    }

    private String keyMatch(String left, String right) {
        return String.join(" AND ", shape.keyColumns().stream().map(c -> left + "." + quote(c) + " = " + right + "." + quote(c)).toList());
    }

    boolean tracked() {
        return changeLog != null;
    }

    private String newer() {
        return NewerWins.condition(shape, P, S);
    }

    private String windowFilter() {
        if (!windowed) {
            return "";
        }
        String window = S + "." + quote(shape.windowColumn().orElseThrow());
        return " WHERE " + window + " >= ? AND " + window + " < ?";
    }

    boolean windowed() {
        return windowed;
    }
}
