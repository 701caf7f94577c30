package dev.dmsflow.merge.window;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The SQL of a newer-wins merge of one table, built from its {@link TableShape}. Every identifier is quoted (and was
 * checked against the database catalog); window bounds and key bounds are bind parameters.
 *
 * <p>Rows are compared with {@link NewerWins}; target rows the rule keeps count as skipped-stale.
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

    /** @param windowed the run has a time window: only source rows with {@code from <= window column < to} take part */
    MergeStatements(TableShape shape, boolean windowed) {
        if (windowed && shape.windowColumn().isEmpty()) {
            throw new MergeRejectedException(shape.target() + " has no window column to filter the run's time window on");
        }
        this.shape = shape;
        this.windowed = windowed;
    }

    /** Rows of the run in the source, and the min and max of the first key column: {@code count, min, max}; binds the window. */
    String stagedCountAndKeyBounds() {
        String first = quote(shape.keyColumns().get(0));
        return "SELECT count(*), min(" + first + "), max(" + first + ") FROM " + shape.source().quoted() + " " + S + windowFilter();
    }

    /**
     * Copies the newest row per key into a transaction-scoped temporary table: a DMS reload can stage one key twice,
     * and a merge must neither fail with "cannot affect row a second time" nor let an older copy win. Ties on the
     * window column go to the row stored last. Its row count is the number of distinct keys.
     */
    String deduplicateInto(String tempTable) {
        String keys = list(shape.keyColumns(), c -> S + "." + quote(c));
        String newestFirst = shape.windowColumn().map(w -> S + "." + quote(w) + " DESC NULLS LAST, ").orElse("");
        return "CREATE TEMP TABLE " + quote(tempTable) + " ON COMMIT DROP AS SELECT DISTINCT ON (" + keys + ") "
                + list(shape.columns(), c -> S + "." + quote(c)) + " FROM " + shape.source().quoted() + " " + S + windowFilter()
                + " ORDER BY " + keys + ", " + newestFirst + S + ".ctid DESC";
    }

    /**
     * The merge: update target rows the source has a newer copy of, insert keys the target lacks, leave the rest.
     * Returns one row {@code inserted, updated}. The target's first key column is bounded by the batch's min and max
     * (bind parameters) so the planner can use the target's key index instead of scanning all of it; the bound is
     * the exact min/max of the rows merged, so no source row is wrongly taken for new.
     *
     * @param from {@code null} to read the source table with the run's window (binds the window first), or a
     *             deduplicated temporary table holding exactly the run's rows
     */
    String merge(String from) {
        String source = from == null
                ? "(SELECT " + list(shape.columns(), c -> S + "." + quote(c)) + " FROM " + shape.source().quoted() + " " + S + windowFilter() + ")"
                : quote(from);
        String first = quote(shape.keyColumns().get(0));
        StringBuilder sql = new StringBuilder()
                .append("WITH merged AS (MERGE INTO ").append(shape.target().quoted()).append(' ').append(P)
                .append(" USING ").append(source).append(' ').append(S)
                .append(" ON ").append(String.join(" AND ", shape.keyColumns().stream()
                        .map(c -> P + "." + quote(c) + " = " + S + "." + quote(c)).toList()))
                .append(" AND ").append(P).append('.').append(first).append(" BETWEEN ? AND ?");
        List<String> updatable = shape.updatableColumns();
        if (!updatable.isEmpty()) {
            sql.append(" WHEN MATCHED AND ").append(newer()).append(" THEN UPDATE SET ")
                    .append(list(updatable, c -> quote(c) + " = " + S + "." + quote(c)));
        }
        sql.append(" WHEN NOT MATCHED THEN INSERT (").append(list(shape.columns(), c -> quote(c))).append(')')
                .append(shape.overridingSystemValue() ? " OVERRIDING SYSTEM VALUE" : "")
                .append(" VALUES (").append(list(shape.columns(), c -> S + "." + quote(c))).append(')')
                .append(" RETURNING merge_action() AS action)")
                .append(" SELECT count(*) FILTER (WHERE action = 'INSERT'), count(*) FILTER (WHERE action = 'UPDATE') FROM merged");
        return sql.toString();
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

    private static String list(List<String> columns, Function<String, String> render) {
        return columns.stream().map(render).collect(Collectors.joining(", "));
    }
}
