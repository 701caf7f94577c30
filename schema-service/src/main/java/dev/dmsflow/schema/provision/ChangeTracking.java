package dev.dmsflow.schema.provision;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.ChangeLog.KeyColumn;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.provision.ProvisionReport.Outcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

    /** The key columns' types and non-default collations as production has them, in catalog order. */
    private static List<KeyColumn> keyColumns(Connection connection, QualifiedName production, List<String> keys) throws SQLException {
        List<KeyColumn> columns = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT format_type(a.atttypid, a.atttypmod),
                       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END
                FROM pg_attribute a
                JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_collation co ON co.oid = a.attcollation
                WHERE a.attrelid = to_regclass(?) AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped""")) {
            for (String key : keys) {
                query.setString(1, production.quoted());
                query.setString(2, key);
                try (ResultSet rs = query.executeQuery()) {
                    if (!rs.next()) {
                        throw new ProvisionException("change tracking: key column " + key + " is not a column of " + production);
                    }
                    columns.add(new KeyColumn(key, rs.getString(1), rs.getString(2)));
                }
            }
        }
        return columns;
    }
}
