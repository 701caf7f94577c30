package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.support.sql.SqlQuery;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Multi-stage runs (Step 5 of the multi-stage plan), scoped to the run as the merge is: the view's keys in the run's
 * window (all of the view when the run has no window or the final table no timestamp column) against the final table's
 * rows with those keys, since the final table also holds earlier windows. A key the view yields more than once (a 1:N
 * join, which the merge resolves by keeping the newest row) is reported as such, not as a count mismatch.
 *
 * <p>One pass over the view (a join across databases, so expensive to read): keys with their number of view rows,
 * anti-joined with the final table, sample keys collected on the way.
 */
final class MultiStageChecks {

    private static final String V = "v";
    private static final String K = "k";
    private static final String F = "f";
    /** View rows per key; not a name a final table would have, so never ambiguous in the join. */
    private static final String COPIES = K + ".\"dmsflow$copies\"";

    private MultiStageChecks() {
    }

    static List<CheckReport> run(Connection connection, MultiStageDefinition definition, Optional<WindowFilter> window, int sampleKeys)
            throws SQLException {
        MultiStageDefinition.FinalTable finalTable = definition.finalTable();
        Relation view = DatabaseCatalog.require(connection, "view of " + definition.name(), definition.view().name().schema(), definition.view().name().table());
        Relation target = DatabaseCatalog.require(connection, "final table of " + definition.name(), finalTable.table().schema(), finalTable.table().table());
        List<String> keys = finalTable.keyColumns();
        if (keys.isEmpty()) {
            throw new InvalidRunException("final table " + target + " has no key columns");
        }
        keys.forEach(view::column);
        keys.forEach(target::column);
        Optional<Column> windowColumn = window.isPresent() ? finalTable.timestampColumn().map(view::column) : Optional.empty();
        String name = target.toString();
        String viewKeys = String.join(", ", keys.stream().map(k -> V + "." + Normalization.quote(k)).toList());
        String keyOrder = String.join(", ", keys.stream().map(k -> K + "." + Normalization.quote(k)).toList());
        List<String> on = keys.stream().map(k -> F + "." + Normalization.quote(k) + " = " + K + "." + Normalization.quote(k)).toList();
        String finalKey = F + "." + Normalization.quote(keys.get(0));
        String keyText = Normalization.keyText(K, keys);
        SqlQuery query = new SqlQuery().sql("WITH " + K + " AS (SELECT " + viewKeys + ", count(*) AS \"dmsflow$copies\" FROM " + view.quoted() + " " + V);
        if (windowColumn.isPresent()) {
            query.sql(" WHERE ");
            window.get().inside(query, V + "." + Normalization.quote(windowColumn.get().name()), windowColumn.get());
        }
        query.sql(" GROUP BY " + viewKeys + ")"
                + " SELECT count(*), count(" + finalKey + "), count(*) FILTER (WHERE " + finalKey + " IS NULL)"
                + ", count(*) FILTER (WHERE " + COPIES + " > 1), coalesce(sum(" + COPIES + ") FILTER (WHERE " + COPIES + " > 1), 0)"
                + ", (array_agg(" + keyText + " ORDER BY " + keyOrder + ") FILTER (WHERE " + finalKey + " IS NULL))");
        query.param("[1:?]", sampleKeys);
        query.sql(", (array_agg(" + keyText + " ORDER BY " + keyOrder + ") FILTER (WHERE " + COPIES + " > 1))");
        query.param("[1:?]", sampleKeys);
        query.sql(" FROM " + K + " LEFT JOIN " + target.quoted() + " " + F + " ON " + String.join(" AND ", on));
        return query.single(connection, row -> {
            long viewKeyCount = row.getLong(1);
            long finalRows = row.getLong(2);
            long missing = row.getLong(3);
            long duplicated = row.getLong(4);
            long duplicateRows = row.getLong(5);
            List<String> missingKeys = texts(row.getArray(6));
            List<String> duplicateKeys = texts(row.getArray(7));
            String scope = windowColumn.isPresent() ? "the view's keys in the window" : "the view's keys";
            return List.of(
                    new CheckReport(CheckResults.count(name, CheckNames.FINAL_COUNT, viewKeyCount, finalRows),
                            scope + " against the final table's rows with those keys"),
                    CheckReport.of(CheckResults.offenders(name, CheckNames.FINAL_MISSING, missing, missingKeys)),
                    new CheckReport(CheckResults.offenders(name, CheckNames.FINAL_DUPLICATES, duplicated, duplicateKeys),
                            duplicated == 0 ? null : "the view yields " + duplicated + (duplicated == 1 ? " key" : " keys") + " more than once ("
                                    + duplicateRows + " rows, a 1:N join); the merge kept the newest row of each and dropped "
                                    + (duplicateRows - duplicated)));
        });
    }

    private static List<String> texts(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
