package dev.dmsflow.schema.ddl;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.ddl.ProvisionReport.Outcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Schemas and grants, shared by every provisioned object; both checked against the catalog before any DDL. */
public final class SchemaObjects {

    /** What DMS needs on a table it loads; the seed's ALL PRIVILEGES would add REFERENCES, TRIGGER and MAINTAIN. */
    public static final List<String> LOAD_PRIVILEGES = List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE");

    private SchemaObjects() {
    }

    public static void ensureSchema(Connection connection, String schema, Steps steps) throws SQLException {
        if (PgCatalog.schemaExists(connection, schema)) {
            steps.add("schema " + schema, Outcome.UNCHANGED, "exists");
            return;
        }
        Steps.execute(connection, "CREATE SCHEMA IF NOT EXISTS " + quote(schema));
        steps.add("schema " + schema, Outcome.CREATED, "created");
    }

    /** USAGE on the schema and the privileges on the relation, granted only where the role lacks them. */
    public static void grants(Connection connection, String role, QualifiedName relation, List<String> privileges, Steps steps) throws SQLException {
        if (!PgCatalog.roleExists(connection, role)) {
            throw new ProvisionException("DMS user " + role + " (dmsflow.schema.dms-user) does not exist in this database; create the role first");
        }
        String object = "grants to " + role + " on " + relation;
        List<String> missing = new ArrayList<>();
        if (!PgCatalog.hasSchemaUsage(connection, role, relation.schema())) {
            Steps.execute(connection, "GRANT USAGE ON SCHEMA " + quote(relation.schema()) + " TO " + quote(role));
            missing.add("USAGE on schema " + relation.schema());
        }
        List<String> tablePrivileges = new ArrayList<>();
        for (String privilege : privileges) {
            if (!PgCatalog.hasTablePrivilege(connection, role, relation, privilege)) {
                tablePrivileges.add(privilege);
            }
        }
        if (!tablePrivileges.isEmpty()) {
            Steps.execute(connection, "GRANT " + String.join(", ", tablePrivileges) + " ON " + relation.quoted() + " TO " + quote(role));
            missing.add(String.join(", ", tablePrivileges));
        }
        if (missing.isEmpty()) {
            steps.add(object, Outcome.UNCHANGED, "held " + String.join(", ", privileges));
        } else {
            steps.add(object, Outcome.UPDATED, "granted " + String.join("; ", missing));
        }
    }
}
