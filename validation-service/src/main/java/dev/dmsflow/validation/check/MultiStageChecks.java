package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.event.CheckResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Multi-stage runs (Step 5 of the multi-stage plan): the cross-database view's row count against the final table's,
 * and the view's keys missing from the final table (anti-join on the final table's key).
 */
final class MultiStageChecks {

    private MultiStageChecks() {
    }

    static List<CheckResult> run(Connection connection, MultiStageDefinition definition, int sampleKeys) throws SQLException {
        MultiStageDefinition.FinalTable finalTable = definition.finalTable();
        Relation view = DatabaseCatalog.require(connection, "view of " + definition.name(), definition.view().name().schema(), definition.view().name().table());
        Relation target = DatabaseCatalog.require(connection, "final table of " + definition.name(), finalTable.table().schema(), finalTable.table().table());
        List<String> keys = finalTable.keyColumns();
        if (keys.isEmpty()) {
            throw new InvalidRunException("final table " + target + " has no key columns");
        }
        keys.forEach(view::column);
        keys.forEach(target::column);
        String name = target.toString();
        long[] counts = new SqlQuery().sql("SELECT (SELECT count(*) FROM " + view.quoted() + "), (SELECT count(*) FROM " + target.quoted() + ")")
                .single(connection, row -> new long[] {row.getLong(1), row.getLong(2)});
        List<String> on = keys.stream().map(k -> "f." + Normalization.quote(k) + " = v." + Normalization.quote(k)).toList();
        String order = String.join(", ", keys.stream().map(k -> "v." + Normalization.quote(k)).toList());
        List<String[]> missing = new SqlQuery().sql("SELECT count(*) OVER (), " + Normalization.keyText("v", keys) + " FROM " + view.quoted()
                        + " v WHERE NOT EXISTS (SELECT 1 FROM " + target.quoted() + " f WHERE " + String.join(" AND ", on) + ") ORDER BY " + order)
                .param(" LIMIT ?", Math.max(1, sampleKeys))
                .list(connection, row -> new String[] {row.getString(1), row.getString(2)});
        long missingCount = missing.isEmpty() ? 0 : Long.parseLong(missing.get(0)[0]);
        return List.of(CheckResults.count(name, CheckNames.FINAL_COUNT, counts[0], counts[1]),
                CheckResults.offenders(name, CheckNames.FINAL_MISSING, missingCount, missing.stream().map(r -> r[1]).limit(sampleKeys).toList()));
    }
}
