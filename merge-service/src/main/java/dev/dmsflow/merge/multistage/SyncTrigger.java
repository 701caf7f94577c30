package dev.dmsflow.merge.multistage;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.Side;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ViewColumn;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.merge.window.MergeRejectedException;
import dev.dmsflow.merge.window.TableShape;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's "ongoing synchronization" done in correct PostgreSQL: a row trigger on the staging table that upserts the
 * joined row of the view into the final table (newer-wins, like the bulk load). Installed after a multi-stage load
 * when the catalog sets {@code sync: true}, removed (trigger and function) when it does not. It runs once per staged
 * row with a round trip over postgres_fdw, so it suits CDC's trickle, not bulk reloads of the staging table.
 */
final class SyncTrigger {

    private static final String PREFIX = "dmsflow_sync_";

    private final MultiStageDefinition definition;
    private final TableShape shape;
    private final QualifiedName staging;

    SyncTrigger(MultiStageDefinition definition, TableShape shape, QualifiedName staging) {
        this.definition = definition;
        this.shape = shape;
        this.staging = staging;
    }

    void apply(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (definition.sync()) {
                statement.execute(createFunction());
                statement.execute("DROP TRIGGER IF EXISTS " + quote(name()) + " ON " + staging.quoted());
                statement.execute("CREATE TRIGGER " + quote(name()) + " AFTER INSERT OR UPDATE ON " + staging.quoted()
                        + " FOR EACH ROW EXECUTE FUNCTION " + function() + "()");
            } else {
                statement.execute("DROP TRIGGER IF EXISTS " + quote(name()) + " ON " + staging.quoted());
                statement.execute("DROP FUNCTION IF EXISTS " + function() + "()");
            }
        }
    }

    String createFunction() {
        String keys = String.join(", ", shape.keyColumns().stream().map(c -> quote(c)).toList());
        String newestFirst = shape.windowColumn().map(w -> quote(w) + " DESC NULLS LAST").orElse(keys);
        String columns = String.join(", ", shape.columns().stream().map(c -> quote(c)).toList());
        String joinedRow = "(SELECT DISTINCT ON (" + keys + ") " + columns + " FROM " + shape.source().quoted() + " v WHERE "
                + String.join(" AND ", keyMatch()) + " ORDER BY " + keys + ", " + newestFirst + ") newest";
        return "CREATE OR REPLACE FUNCTION " + function() + "() RETURNS trigger LANGUAGE plpgsql AS $dmsflow$\n"
                + "BEGIN\n  " + ViewToFinalMerge.upsertFrom(shape, joinedRow) + ";\n  RETURN NULL;\nEND\n$dmsflow$";
    }

    /** The final table's key columns, which must come from the staging side, matched against the new staging row. */
    private List<String> keyMatch() {
        List<String> match = new ArrayList<>();
        for (String key : shape.keyColumns()) {
            ViewColumn column = definition.view().columns().stream()
                    .filter(c -> c.outputName().equals(key)).findFirst()
                    .orElseThrow(() -> new MergeRejectedException("final key " + key + " is not a column of view " + definition.view().name()));
            if (column.from() != Side.STAGING) {
                throw new MergeRejectedException("sync trigger of " + definition.name() + ": final key " + key
                        + " comes from the foreign table, so a staging row cannot tell which final row it feeds");
            }
            match.add("v." + quote(key) + " = NEW." + quote(column.column()));
        }
        return match;
    }

    private String name() {
        String name = PREFIX + definition.name();
        if (!Identifiers.isPlain(name)) {
            throw new MergeRejectedException("multi-stage name " + definition.name() + " is too long for its sync trigger's name " + name);
        }
        return name;
    }

    private String function() {
        return Identifiers.qualified(staging.schema(), name());
    }
}
