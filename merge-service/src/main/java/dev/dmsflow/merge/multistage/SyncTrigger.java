package dev.dmsflow.merge.multistage;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.JoinColumns;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.Side;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ViewColumn;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.merge.window.MergeRejectedException;
import dev.dmsflow.merge.window.TableShape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The seed's "ongoing synchronization" (Step 4.1) done in correct PostgreSQL: statement-level triggers on the staging
 * table carry CDC's changes on to the final table. Installed by each multi-stage run, before it reads the view, when
 * the catalog sets {@code sync: true}; removed (triggers and function) when it does not.
 *
 * <ul>
 * <li>Per DML statement, not per row: the statement's rows (transition table) are joined with the foreign table as
 * the view joins staging with it, fetching only the foreign rows they match in one postgres_fdw query, and upserted
 * into the final table newer-wins like the bulk load. INSERT and UPDATE need a trigger each, as PostgreSQL allows
 * transition tables only on single-event triggers. A statement that changes no row does not reach database 2.</li>
 * <li>Deletes (a CDC delete, or an update that changes the key) remove the final row of a key the staging table no
 * longer holds, so the final table keeps matching the view. A staging row whose join partner disappears from
 * database 2 is left in the final table, as in the seed.</li>
 * <li>dmsflow's own loads of the staging table are skipped: a session that sets {@code dmsflow.writer = 'load'} (the
 * local engine; for AWS DMS the reload endpoint's {@code AfterConnectScript}) is a window or multi-stage reload, whose
 * rows reach the final table only through the validated merge. Such a reload neither queries database 2 nor depends
 * on it. TRUNCATE fires nothing.</li>
 * <li>ENABLE ALWAYS, so they also fire for a CDC session with {@code session_replication_role = replica}.</li>
 * </ul>
 */
final class SyncTrigger {

    private static final String PREFIX = "dmsflow_sync_";
    private static final String NEW_ROWS = "dmsflow_new";
    private static final String OLD_ROWS = "dmsflow_old";
    /** On each installed trigger; bump it when the trigger DDL changes so installed triggers are replaced. */
    private static final String VERSION = "dmsflow sync trigger v2: statement level, skips dmsflow.writer = load";

    private enum Event {
        INSERT("ins", "REFERENCING NEW TABLE AS " + NEW_ROWS),
        UPDATE("upd", "REFERENCING OLD TABLE AS " + OLD_ROWS + " NEW TABLE AS " + NEW_ROWS),
        DELETE("del", "REFERENCING OLD TABLE AS " + OLD_ROWS);

        private final String suffix;
        private final String referencing;

        Event(String suffix, String referencing) {
            this.suffix = suffix;
            this.referencing = referencing;
        }
    }

    private final MultiStageDefinition definition;
    private final TableShape shape;
    private final QualifiedName staging;

    SyncTrigger(MultiStageDefinition definition, TableShape shape, QualifiedName staging) {
        this.definition = definition;
        this.shape = shape;
        this.staging = staging;
    }

    /**
     * Installs or removes the triggers. DDL runs only when something is missing or different: creating or dropping a
     * trigger locks the staging table against CDC's writes until the run commits. When it does install, the run
     * waits for CDC's open transactions on staging and holds later ones until commit, so no change falls between
     * the view the merge reads and the first firing of the triggers.
     */
    void apply(Connection connection) throws SQLException {
        Map<String, Installed> installed = installed(connection);
        Optional<String> body = functionBody(connection);
        try (Statement statement = connection.createStatement()) {
            if (definition.sync()) {
                String wanted = functionBody();
                if (!body.equals(Optional.of(wanted))) {
                    statement.execute("CREATE OR REPLACE FUNCTION " + function() + " RETURNS trigger LANGUAGE plpgsql AS $dmsflow$"
                            + wanted + "$dmsflow$");
                }
                boolean current = installed.keySet().equals(Set.copyOf(triggerNames().values()))
                        && installed.values().stream().allMatch(t -> t.enabled().equals("A") && VERSION.equals(t.comment()));
                if (!current) {
                    for (String name : installed.keySet()) {
                        statement.execute("DROP TRIGGER " + quote(name) + " ON " + staging.quoted());
                    }
                    for (Event event : Event.values()) {
                        statement.execute(createTrigger(event));
                        String name = quote(triggerNames().get(event));
                        statement.execute("ALTER TABLE " + staging.quoted() + " ENABLE ALWAYS TRIGGER " + name);
                        statement.execute("COMMENT ON TRIGGER " + name + " ON " + staging.quoted() + " IS '" + VERSION + "'");
                    }
                }
            } else {
                for (String name : installed.keySet()) {
                    statement.execute("DROP TRIGGER " + quote(name) + " ON " + staging.quoted());
                }
                if (body.isPresent()) {
                    statement.execute("DROP FUNCTION " + function());
                }
            }
        }
    }

    private String createTrigger(Event event) {
        return "CREATE TRIGGER " + quote(triggerNames().get(event)) + " AFTER " + event.name() + " ON " + staging.quoted()
                + " " + event.referencing + " FOR EACH STATEMENT"
                + " WHEN (current_setting('" + ChangeLog.WRITER_SETTING + "', true) IS DISTINCT FROM '" + ChangeLog.LOAD_WRITER + "')"
                + " EXECUTE FUNCTION " + function();
    }

    /** The trigger function's body: one upsert for the new rows, one delete for keys gone from staging. */
    String functionBody() {
        Map<String, String> keys = stagingKeys();
        String deleted = "DELETE FROM " + shape.target().quoted() + " p USING (SELECT DISTINCT "
                + keys.entrySet().stream().map(k -> "o." + quote(k.getValue()) + " AS " + quote(k.getKey())).collect(Collectors.joining(", ")) + " FROM " + OLD_ROWS + " o%s) o"
                + " WHERE " + keys.keySet().stream().map(k -> "p." + quote(k) + " = o." + quote(k)).collect(Collectors.joining(" AND "))
                + " AND NOT EXISTS (SELECT 1 FROM " + staging.quoted() + " s WHERE "
                + keys.keySet().stream().map(k -> "s." + quote(keys.get(k)) + " = o." + quote(k)).collect(Collectors.joining(" AND ")) + ")";
        String keyChanged = " WHERE NOT EXISTS (SELECT 1 FROM " + NEW_ROWS + " n WHERE "
                + keys.values().stream().map(c -> "n." + quote(c) + " = o." + quote(c)).collect(Collectors.joining(" AND ")) + ")";
        // transition tables exist only for the trigger that declares them; PL/pgSQL plans each statement when it
        // first runs, so each branch names only its own
        return "\nBEGIN\n"
                + "  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
                + "    IF EXISTS (SELECT 1 FROM " + NEW_ROWS + ") THEN\n"
                + "      " + upsertNewRows() + ";\n"
                + "    END IF;\n"
                + "  END IF;\n"
                + "  IF TG_OP = 'UPDATE' THEN\n"
                + "    " + String.format(deleted, keyChanged) + ";\n"
                + "  ELSIF TG_OP = 'DELETE' THEN\n"
                + "    " + String.format(deleted, "") + ";\n"
                + "  END IF;\n"
                + "  RETURN NULL;\n"
                + "END\n";
    }

    /**
     * The view's rows for the statement's new rows: the foreign rows first, in one postgres_fdw query filtered on the
     * statement's join values ({@code = ANY} of an array is sent to database 2), materialized so the planner cannot
     * turn it into a query per row; then the newest row per final key, upserted newer-wins.
     */
    private String upsertNewRows() {
        List<JoinColumns> join = definition.view().join();
        Set<String> foreignColumns = new LinkedHashSet<>();
        join.forEach(j -> foreignColumns.add(j.foreignColumn()));
        definition.view().columns().stream().filter(c -> c.from() == Side.FOREIGN).forEach(c -> foreignColumns.add(c.column()));
        String foreign = "SELECT " + Identifiers.list(foreignColumns, c -> "f." + c) + " FROM " + definition.foreignTable().local().quoted() + " f WHERE "
                + join.stream().map(j -> "f." + quote(j.foreignColumn()) + " = ANY (ARRAY(SELECT DISTINCT n." + quote(j.stagingColumn())
                        + " FROM " + NEW_ROWS + " n WHERE n." + quote(j.stagingColumn()) + " IS NOT NULL))").collect(Collectors.joining(" AND "));
        String viewRows = "SELECT " + definition.view().columns().stream()
                .map(c -> (c.from() == Side.STAGING ? "s." : "f.") + quote(c.column()) + " AS " + quote(c.outputName()))
                .collect(Collectors.joining(", "))
                + " FROM " + NEW_ROWS + " s JOIN dmsflow_foreign f ON "
                + join.stream().map(j -> "s." + quote(j.stagingColumn()) + " = f." + quote(j.foreignColumn())).collect(Collectors.joining(" AND "));
        String keys = Identifiers.list(shape.keyColumns(), Function.identity());
        String newestFirst = shape.windowColumn().map(w -> quote(w) + " DESC NULLS LAST").orElse(keys);
        return "WITH dmsflow_foreign AS MATERIALIZED (" + foreign + "),\n"
                + "      dmsflow_joined AS (SELECT DISTINCT ON (" + keys + ") * FROM (" + viewRows + ") v ORDER BY " + keys + ", " + newestFirst + ")\n"
                + "      " + ViewToFinalMerge.upsertFrom(shape, "dmsflow_joined");
    }

    /** The final table's key columns with the staging column each comes from; a staging row must tell its final row. */
    private Map<String, String> stagingKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String key : shape.keyColumns()) {
            ViewColumn column = definition.view().columns().stream()
                    .filter(c -> c.outputName().equals(key)).findFirst()
                    .orElseThrow(() -> new MergeRejectedException("final key " + key + " is not a column of view " + definition.view().name()));
            if (column.from() != Side.STAGING) {
                throw new MergeRejectedException("sync trigger of " + definition.name() + ": final key " + key
                        + " comes from the foreign table, so a staging row cannot tell which final row it feeds");
            }
            keys.put(key, column.column());
        }
        return keys;
    }

    private record Installed(String enabled, String comment) {
    }

    /** This definition's triggers on the staging table, including the row trigger of earlier versions. */
    private Map<String, Installed> installed(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>(triggerNames().values());
        names.add(name());
        Map<String, Installed> installed = new HashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT t.tgname, t.tgenabled::text, obj_description(t.oid, 'pg_trigger')"
                + " FROM pg_trigger t WHERE t.tgrelid = to_regclass(?) AND t.tgname = ANY (?)")) {
            query.setString(1, staging.quoted());
            query.setArray(2, connection.createArrayOf("text", names.toArray()));
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    installed.put(rs.getString(1), new Installed(rs.getString(2), rs.getString(3)));
                }
            }
        }
        return installed;
    }

    private Optional<String> functionBody(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT prosrc FROM pg_proc WHERE oid = to_regprocedure(?)")) {
            query.setString(1, function());
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private Map<Event, String> triggerNames() {
        Map<Event, String> names = new LinkedHashMap<>();
        for (Event event : Event.values()) {
            names.put(event, checked(name() + "_" + event.suffix));
        }
        return names;
    }

    private String name() {
        return checked(PREFIX + definition.name());
    }

    private String checked(String name) {
        if (!Identifiers.isPlain(name)) {
            throw new MergeRejectedException("multi-stage name " + definition.name() + " is too long for its sync trigger's name " + name);
        }
        return name;
    }

    private String function() {
        return Identifiers.qualified(staging.schema(), name()) + "()";
    }
}
