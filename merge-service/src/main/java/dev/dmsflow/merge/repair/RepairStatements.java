package dev.dmsflow.merge.repair;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.KeyBounds;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.merge.window.TableShape;
import dev.dmsflow.support.jdbc.WindowBound;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The SQL of a repair merge of one table (single-column key), built from its {@link TableShape} and the round's
 * {@link TableRepairScope}. Identifiers are quoted and were checked against the database catalog; the key's type and
 * collation are the catalog's ({@code format_type}); keys, range bounds, window bounds and the watermark are bound.
 *
 * <p>The scope is the keys (one array parameter) or the half-open key ranges. Staged rows take part by key alone: a
 * repaired row's source copy may have left the window, and staging may hold rows beyond the scope (DMS's
 * {@code between} includes a range's {@code to}). Production rows the source lacks are looked for among the keys and,
 * in the ranges, only within the run's window, which is all the validation compared.
 */
final class RepairStatements {

    private static final String S = "s";
    private static final String P = "p";

    /** A statement and its parameters in order; a {@code List<String>} parameter is bound as a text array. */
    record Sql(String text, List<Object> parameters) {
    }

    private final TableShape shape;
    private final String key;
    private final String keyType;
    private final String keyCollation;
    private final TableRepairScope scope;
    private final TimeWindow window;
    private final String windowType;
    private final QualifiedName changeLog;
    private final OffsetDateTime since;

    /**
     * @param keyType      the production key column's type as {@code format_type} prints it
     * @param keyCollation its own collation as written after COLLATE, or null: ranges are ordered as production's key
     * @param window       the run's window, or null when production rows in a range are not limited to one
     * @param windowType   the production window column's type (how window bounds are bound), when {@code window} is set
     * @param changeLog    the target's change log, or null when it has none
     * @param since        the watermark, when it has one
     */
    RepairStatements(TableShape shape, String keyType, String keyCollation, TableRepairScope scope, TimeWindow window,
                     String windowType, QualifiedName changeLog, OffsetDateTime since) {
        this.shape = shape;
        this.key = quote(shape.keyColumns().get(0));
        this.keyType = keyType;
        this.keyCollation = keyCollation;
        this.scope = scope;
        this.window = window;
        this.windowType = windowType;
        this.changeLog = changeLog;
        this.since = since;
    }

    /**
     * The repair, one statement on one snapshot returning one row: staged rows in scope, distinct staged keys,
     * staged rows equal to production's, rows updated, inserted, production rows in scope the source lacks, and the
     * keys deleted (text array, for {@link #overwrittenChanges}). Data-modifying CTEs:
     * <ul>
     *   <li>update: production rows of staged keys that differ, unless production's version is newer (the source's
     *       copy wins on equal versions: the content damage a reload's newer-wins cannot fix);</li>
     *   <li>insert: staged keys production lacks; {@code ON CONFLICT DO NOTHING} leaves a key CDC inserts meanwhile to
     *       CDC (a repair is small, the conflict-safe form costs little);</li>
     *   <li>delete, when the scope allows it: production rows in scope whose key staging lacks.</li>
     * </ul>
     * Keys CDC changed or deleted since the watermark are left as CDC made them.
     */
    Sql merge() {
        String target = shape.target().quoted();
        Builder q = new Builder();
        q.add("WITH staged AS MATERIALIZED (SELECT ");
        if (!shape.sourceKeyUnique()) {
            q.add("DISTINCT ON (" + S + "." + key + ") ");
        }
        q.add(columns(S) + " FROM " + shape.source().quoted() + " " + S + " WHERE ");
        stagedScope(q, S);
        if (!shape.sourceKeyUnique()) {
            // the newest copy per key, ties to the row stored last, as the window merge deduplicates
            String newest = shape.windowColumn().map(w -> S + "." + quote(w) + " DESC NULLS LAST, ").orElse("");
            q.add(" ORDER BY " + S + "." + key + ", " + newest + S + ".ctid DESC");
        }
        q.add("), ");
        List<String> updatable = shape.updatableColumns();
        q.add("updated AS (");
        if (updatable.isEmpty()) {
            q.add("SELECT WHERE false");
        } else {
            q.add("UPDATE " + target + " " + P + " SET " + Identifiers.list(updatable, c -> c + " = " + S + "." + c)
                    + " FROM staged " + S + " WHERE " + match(P, S) + " AND " + differs() + notProductionNewer());
            unchangedSince(q, S);
            q.add(" RETURNING 1");
        }
        q.add("), inserted AS (INSERT INTO " + target + " ("
                + Identifiers.list(shape.columns(), Function.identity()) + ")"
                + (shape.overridingSystemValue() ? " OVERRIDING SYSTEM VALUE" : "")
                + " SELECT " + columns(S) + " FROM staged " + S
                + " WHERE NOT EXISTS (SELECT 1 FROM " + target + " " + P + " WHERE " + match(P, S) + ")");
        unchangedSince(q, S);
        q.add(" ON CONFLICT (" + key + ") DO NOTHING RETURNING 1), ");
        q.add("absent AS MATERIALIZED (SELECT " + P + "." + key + " FROM " + target + " " + P + " WHERE ");
        productionScope(q);
        q.add(" AND NOT EXISTS (SELECT 1 FROM staged " + S + " WHERE " + match(S, P) + "))");
        if (scope.getDeletes()) {
            q.add(", deleted AS (DELETE FROM " + target + " " + P + " USING absent a WHERE " + match(P, "a"));
            unchangedSince(q, "a");
            q.add(" RETURNING " + P + "." + key + ")");
        }
        q.add(" SELECT (SELECT count(*) FROM " + shape.source().quoted() + " " + S + " WHERE ");
        stagedScope(q, S);
        q.add("), (SELECT count(*) FROM staged), (SELECT count(*) FROM staged " + S + " JOIN " + target + " " + P
                + " ON " + match(P, S) + (updatable.isEmpty() ? "" : " WHERE NOT " + differs()) + "),"
                + " (SELECT count(*) FROM updated), (SELECT count(*) FROM inserted), (SELECT count(*) FROM absent), "
                + (scope.getDeletes() ? "ARRAY(SELECT d." + key + "::text FROM deleted d)" : "ARRAY[]::text[]"));
        return q.build();
    }

    /**
     * Staged keys in scope that CDC deleted since the watermark (in the change log, absent from production): left
     * deleted. Run after {@link #merge}, so a delete that committed while it ran is counted too.
     */
    Sql skippedDeleted() {
        Builder q = new Builder();
        q.add("SELECT count(*) FROM (SELECT DISTINCT c." + key + " FROM " + changeLog.quoted() + " c WHERE c."
                + quote(ChangeLog.CHANGED_AT) + " >= ?", since);
        q.add(") c WHERE NOT EXISTS (SELECT 1 FROM " + shape.target().quoted() + " " + P + " WHERE " + match(P, "c")
                + ") AND EXISTS (SELECT 1 FROM " + shape.source().quoted() + " " + S + " WHERE " + match(S, "c")
                + " AND ");
        stagedScope(q, S);
        q.add(")");
        return q.build();
    }

    /**
     * Rows the repair wrote or deleted whose key CDC changed since the watermark: a change that committed after the
     * merge's snapshot but before it locked the row. Zero means nothing CDC did was overwritten (a later change
     * waits for this transaction's row lock).
     *
     * @param deletedKeys the keys the merge deleted, as {@link #merge} returned them
     */
    Sql overwrittenChanges(List<String> deletedKeys) {
        Builder q = new Builder();
        String changedAt = "c." + quote(ChangeLog.CHANGED_AT) + " >= ?";
        q.add("SELECT (SELECT count(*) FROM " + changeLog.quoted() + " c JOIN " + shape.target().quoted() + " " + P
                + " ON " + P + "." + key + " = c." + key + " WHERE " + changedAt, since);
        // xmin of a row version this transaction wrote is its own transaction id
        q.add(" AND " + P + ".xmin::text = (pg_current_xact_id()::text::bigint % 4294967296)::text)");
        q.add(" + (SELECT count(*) FROM " + changeLog.quoted() + " c WHERE " + changedAt, since);
        q.add(" AND c." + key + " = ANY (?::" + keyType + "[]))", deletedKeys);
        return q.build();
    }

    private void stagedScope(Builder q, String alias) {
        q.add("(" + alias + "." + key + " = ANY (?::" + keyType + "[])", scope.getKeys());
        for (KeyBounds range : scope.getRanges()) {
            q.add(" OR ");
            range(q, alias, range);
        }
        q.add(")");
    }

    /** Production rows in scope: the keys, and the ranges' rows within the run's window. */
    private void productionScope(Builder q) {
        q.add("(" + P + "." + key + " = ANY (?::" + keyType + "[])", scope.getKeys());
        if (!scope.getRanges().isEmpty()) {
            q.add(" OR ((");
            for (int i = 0; i < scope.getRanges().size(); i++) {
                q.add(i == 0 ? "" : " OR ");
                range(q, P, scope.getRanges().get(i));
            }
            q.add(")");
            if (window != null && shape.windowColumn().isPresent()) {
                String column = P + "." + quote(shape.windowColumn().get());
                q.add(" AND " + column + " >= ?", WindowBound.value(window.getFrom(), windowType));
                q.add(" AND " + column + " < ?", WindowBound.value(window.getTo(), windowType));
            }
            q.add(")");
        }
        q.add(")");
    }

    /** A half-open range; a null bound leaves that side open. */
    private void range(Builder q, String alias, KeyBounds range) {
        String bound = "(?::" + keyType + (keyCollation == null ? "" : " COLLATE " + keyCollation) + ")";
        if (range.getFrom() == null && range.getTo() == null) {
            q.add("true");
            return;
        }
        q.add("(");
        if (range.getFrom() != null) {
            q.add(alias + "." + key + " >= " + bound, range.getFrom());
        }
        if (range.getTo() != null) {
            q.add((range.getFrom() != null ? " AND " : "") + alias + "." + key + " < " + bound, range.getTo());
        }
        q.add(")");
    }

    /** Whether production's row differs from the staged one in any column copied. */
    private String differs() {
        return "(" + Identifiers.list(shape.updatableColumns(), c -> P + "." + c) + ") IS DISTINCT FROM ("
                + Identifiers.list(shape.updatableColumns(), c -> S + "." + c) + ")";
    }

    /** Production's version is not newer than the staged one (NULL older than any value, as in newer-wins). */
    private String notProductionNewer() {
        return shape.windowColumn().map(w -> " AND (" + P + "." + quote(w) + " IS NULL OR " + S + "." + quote(w)
                + " >= " + P + "." + quote(w) + ")").orElse("");
    }

    private void unchangedSince(Builder q, String alias) {
        if (changeLog != null) {
            q.add(" AND NOT EXISTS (SELECT 1 FROM " + changeLog.quoted() + " c WHERE " + match("c", alias)
                    + " AND c." + quote(ChangeLog.CHANGED_AT) + " >= ?)", since);
        }
    }

    private String match(String left, String right) {
        return left + "." + key + " = " + right + "." + key;
    }

    private String columns(String alias) {
        return Identifiers.list(shape.columns(), c -> alias + "." + c);
    }

    /** Text and parameters appended side by side, so their order cannot drift apart. */
    private static final class Builder {
        private final StringBuilder text = new StringBuilder();
        private final List<Object> parameters = new ArrayList<>();

        void add(String sql) {
            text.append(sql);
        }

        void add(String sql, Object parameter) {
            text.append(sql);
            parameters.add(parameter);
        }

        Sql build() {
            return new Sql(text.toString(), List.copyOf(parameters));
        }
    }
}
