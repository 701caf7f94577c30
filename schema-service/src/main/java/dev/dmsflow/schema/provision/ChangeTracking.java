package dev.dmsflow.schema.provision;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.ChangeLog.KeyColumn;
import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.ddl.PgCatalog.PgColumn;
import dev.dmsflow.schema.ddl.PgCatalog;
import dev.dmsflow.schema.ddl.ProvisionException;
import dev.dmsflow.schema.ddl.ProvisionReport.Outcome;
import dev.dmsflow.schema.ddl.ProvisionReport;
import dev.dmsflow.schema.ddl.SchemaObjects;
import dev.dmsflow.schema.ddl.Steps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Provisions the change log of a production table (see {@link ChangeLog}): a table of key, operation and time, written
 * by a row trigger on production for every insert, update and delete that is not the merge's own. It is what lets a
 * merge leave alone the rows CDC changed or deleted after a load started, for tables with and without a window column.
 */
final class ChangeTracking {

    private ChangeTracking() {
    }

    static void provision(Connection connection, CatalogTable table, Steps steps) throws SQLException {
        QualifiedName production = table.production();
        QualifiedName log = ChangeLog.of(production);
        List<String> ddl = ChangeLog.ddl(production, keyColumns(connection, production, table.keyColumns()));
        SchemaObjects.ensureSchema(connection, ChangeLog.SCHEMA, steps);
        if (PgCatalog.relationExists(connection, log)) {
            steps.add("change log " + log, Outcome.UNCHANGED, "exists");
        } else {
            Steps.execute(connection, ddl.get(0));
            Steps.execute(connection, ddl.get(1));
            steps.add("change log " + log, Outcome.CREATED, "created for the key " + table.keyColumns() + " of " + production);
        }
        String function = log.quoted() + "()";
        boolean functionExists = PgCatalog.functionExists(connection, log.schema(), log.table());
        steps.ensureDefinition(connection, "function " + log, "FUNCTION", function, functionExists,
                functionExists ? PgCatalog.comment(connection, function, "pg_proc") : Optional.empty(), ddl.get(2));
        String object = "trigger " + ChangeLog.triggerName() + " on " + production;
        switch (triggerState(connection, production)) {
            case "A" -> steps.add(object, Outcome.UNCHANGED, "exists, enabled always");
            case "" -> {
                Steps.execute(connection, ddl.get(3));
                Steps.execute(connection, ddl.get(4));
                steps.add(object, Outcome.CREATED, "logs every change to " + production + " but the merge's own");
            }
            default -> {
                Steps.execute(connection, ddl.get(4));
                steps.add(object, Outcome.UPDATED, "enabled always: it was disabled or fired only for some sessions");
            }
        }
    }

    private static String triggerState(Connection connection, QualifiedName production) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT tgenabled FROM pg_trigger WHERE tgrelid = to_regclass(?) AND tgname = ?")) {
            query.setString(1, production.quoted());
            query.setString(2, ChangeLog.triggerName());
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }

    /** The key columns' types and collations as production has them, in catalog order. */
    private static List<KeyColumn> keyColumns(Connection connection, QualifiedName production, List<String> keys) throws SQLException {
        Map<String, PgColumn> columns = new HashMap<>();
        PgCatalog.columns(connection, production).forEach(c -> columns.put(c.name(), c));
        List<KeyColumn> keyColumns = new ArrayList<>();
        for (String key : keys) {
            PgColumn column = columns.get(key);
            if (column == null) {
                throw new ProvisionException("change tracking: key column " + key + " is not a column of " + production);
            }
            keyColumns.add(new KeyColumn(key, column.type(), column.collation()));
        }
        return keyColumns;
    }
}
