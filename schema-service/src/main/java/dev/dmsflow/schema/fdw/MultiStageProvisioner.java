package dev.dmsflow.schema.fdw;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.ForeignServer;
import dev.dmsflow.contracts.catalog.MultiStageDefinition.Side;
import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.ddl.PgCatalog.PgColumn;
import dev.dmsflow.schema.ddl.PgCatalog;
import dev.dmsflow.schema.ddl.ProvisionException;
import dev.dmsflow.schema.ddl.ProvisionReport.Outcome;
import dev.dmsflow.schema.ddl.SchemaObjects;
import dev.dmsflow.schema.ddl.Steps;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A multi-stage definition's structures in database 1 (seed Steps 1.2, 2 and 3.1): postgres_fdw, the foreign server,
 * user mappings for the service's own user (merge-service reads the view as it) and the DMS user (DMS task 2 reads
 * the view), the foreign table imported from database 2 with the remote's exact column types, the cross-database
 * view and the final table. Statements that carry a password are built by the server's {@code format(%L)} from bound
 * parameters, and error messages pass through {@link Redaction} before they leave.
 */
public final class MultiStageProvisioner {

    /** Set by its default when a row reaches the final table, as in the seed's target table. */
    static final String MIGRATION_TIMESTAMP = "migration_timestamp";
    private static final String IMPORT_SCHEMA = "_dmsflow_fdw_import";

    private final FdwPasswords passwords;
    private final Optional<String> dmsUser;

    public MultiStageProvisioner(FdwPasswords passwords, Optional<String> dmsUser) {
        this.passwords = passwords;
        this.dmsUser = dmsUser;
    }

    public void provision(Connection connection, MultiStageDefinition definition, CatalogTable staging, Steps steps) throws SQLException {
        ForeignServer server = definition.foreignServer();
        Optional<String> password = passwords.password(server);
        Redaction redaction = new Redaction(password);
        try {
            extension(connection, steps);
            server(connection, server, steps);
            userMapping(connection, server, "CURRENT_USER", currentUser(connection), password, steps);
            if (dmsUser.isPresent()) {
                if (!PgCatalog.roleExists(connection, dmsUser.get())) {
                    throw new ProvisionException("DMS user " + dmsUser.get() + " (dmsflow.schema.dms-user) does not exist in this database; create the role first");
                }
                userMapping(connection, server, quote(dmsUser.get()), dmsUser.get(), password, steps);
            }
            foreignTable(connection, definition, steps);
            reachable(connection, definition);
            view(connection, definition, staging, steps);
            finalTable(connection, definition, steps);
            if (dmsUser.isPresent()) {
                SchemaObjects.grants(connection, dmsUser.get(), definition.foreignTable().local(), List.of("SELECT"), steps);
                SchemaObjects.grants(connection, dmsUser.get(), definition.view().name(), List.of("SELECT"), steps);
                SchemaObjects.grants(connection, dmsUser.get(), definition.finalTable().table(), SchemaObjects.LOAD_PRIVILEGES, steps);
            }
        } catch (SQLException e) {
            throw new ProvisionException("multi-stage " + definition.name() + ": " + redaction.apply(e.getMessage()));
        } catch (ProvisionException e) {
            throw new ProvisionException(redaction.apply(e.getMessage()));
        }
    }

    private static void extension(Connection connection, Steps steps) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_extension WHERE extname = 'postgres_fdw'");
             ResultSet rs = query.executeQuery()) {
            if (rs.next()) {
                steps.add("extension postgres_fdw", Outcome.UNCHANGED, "installed");
                return;
            }
        }
        Steps.execute(connection, "CREATE EXTENSION IF NOT EXISTS postgres_fdw");
        steps.add("extension postgres_fdw", Outcome.CREATED, "installed");
    }

    private static void server(Connection connection, ForeignServer server, Steps steps) throws SQLException {
        String object = "foreign server " + server.name();
        List<String> wanted = List.of("host=" + server.host(), "port=" + server.port(), "dbname=" + server.dbname());
        Optional<List<String>> current = options(connection,
                "SELECT srvoptions FROM pg_foreign_server WHERE srvname = ?", server.name());
        if (current.isEmpty()) {
            Steps.execute(connection, format(connection, "CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L)",
                    server.name(), server.host(), String.valueOf(server.port()), server.dbname()));
            steps.add(object, Outcome.CREATED, describe(server));
        } else if (!new TreeSet<>(current.get()).containsAll(wanted)) {
            List<String> set = new ArrayList<>();
            for (String option : List.of("host", "port", "dbname")) {
                boolean present = current.get().stream().anyMatch(o -> o.startsWith(option + "="));
                set.add((present ? "SET " : "ADD ") + option + " %L");
            }
            Steps.execute(connection, format(connection, "ALTER SERVER %I OPTIONS (" + String.join(", ", set) + ")",
                    server.name(), server.host(), String.valueOf(server.port()), server.dbname()));
            steps.add(object, Outcome.UPDATED, "now " + describe(server));
        } else {
            steps.add(object, Outcome.UNCHANGED, describe(server));
        }
    }

    private static void userMapping(Connection connection, ForeignServer server, String roleSql, String role, Optional<String> password,
                                    Steps steps) throws SQLException {
        String object = "user mapping for " + role + " on server " + server.name();
        Set<String> wanted = new TreeSet<>();
        wanted.add("user=" + server.user());
        password.ifPresent(p -> wanted.add("password=" + p));
        Optional<List<String>> current = options(connection,
                "SELECT umoptions FROM pg_user_mappings WHERE srvname = ? AND usename = ?", server.name(), role);
        if (current.isPresent() && new TreeSet<>(current.get()).equals(wanted)) {
            steps.add(object, Outcome.UNCHANGED, "as remote user " + server.user());
            return;
        }
        if (current.isPresent()) {
            Steps.execute(connection, "DROP USER MAPPING FOR " + roleSql + " SERVER " + quote(server.name()));
        }
        String create = password.isPresent()
                ? format(connection, "CREATE USER MAPPING FOR " + roleSql + " SERVER %I OPTIONS (user %L, password %L)",
                        server.name(), server.user(), password.get())
                : format(connection, "CREATE USER MAPPING FOR " + roleSql + " SERVER %I OPTIONS (user %L)", server.name(), server.user());
        Steps.execute(connection, create);
        steps.add(object, current.isPresent() ? Outcome.UPDATED : Outcome.CREATED,
                "as remote user " + server.user() + (password.isPresent() ? " with a password" : " without a password"));
    }

    /**
     * IMPORT FOREIGN SCHEMA takes the remote's exact column types. It names the table as the remote does, so it
     * imports into a scratch schema, renames, and moves the table where the catalog wants it, all in this transaction.
     */
    private static void foreignTable(Connection connection, MultiStageDefinition definition, Steps steps) throws SQLException {
        QualifiedName local = definition.foreignTable().local();
        QualifiedName remote = definition.foreignTable().remote();
        String object = "foreign table " + local;
        Optional<String> kind = PgCatalog.relationKind(connection, local);
        if (kind.isPresent()) {
            if (!kind.get().equals("f")) {
                throw new ProvisionException(local + " exists but is not a foreign table");
            }
            steps.add(object, Outcome.UNCHANGED, "exists");
            return;
        }
        SchemaObjects.ensureSchema(connection, local.schema(), steps);
        Steps.execute(connection, "DROP SCHEMA IF EXISTS " + quote(IMPORT_SCHEMA) + " CASCADE");
        Steps.execute(connection, "CREATE SCHEMA " + quote(IMPORT_SCHEMA));
        ForeignServer server = definition.foreignServer();
        try {
            Steps.execute(connection, "IMPORT FOREIGN SCHEMA " + quote(remote.schema()) + " LIMIT TO (" + quote(remote.table()) + ") FROM SERVER "
                    + quote(server.name()) + " INTO " + quote(IMPORT_SCHEMA));
        } catch (SQLException e) {
            throw unreachable(definition, e);
        }
        if (!PgCatalog.relationExists(connection, new QualifiedName(IMPORT_SCHEMA, remote.table()))) {
            throw new ProvisionException("foreign server " + server.name() + " (" + describe(server) + ") has no table " + remote
                    + " to import as " + local);
        }
        if (!remote.table().equals(local.table())) {
            Steps.execute(connection, "ALTER FOREIGN TABLE " + quote(IMPORT_SCHEMA) + "." + quote(remote.table()) + " RENAME TO " + quote(local.table()));
        }
        Steps.execute(connection, "ALTER FOREIGN TABLE " + quote(IMPORT_SCHEMA) + "." + quote(local.table()) + " SET SCHEMA " + quote(local.schema()));
        Steps.execute(connection, "DROP SCHEMA " + quote(IMPORT_SCHEMA));
        List<PgColumn> columns = PgCatalog.columns(connection, local);
        steps.add(object, Outcome.CREATED, "imported from " + remote + " on server " + server.name() + " ("
                + columns.stream().map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", ")) + ")");
    }

    /** Reads one row through the foreign table, so a server that cannot be reached fails provisioning, not the first merge. */
    private static void reachable(Connection connection, MultiStageDefinition definition) throws SQLException {
        try (PreparedStatement probe = connection.prepareStatement("SELECT 1 FROM " + definition.foreignTable().local().quoted() + " LIMIT 1")) {
            probe.executeQuery().close();
        } catch (SQLException e) {
            throw unreachable(definition, e);
        }
    }

    private static ProvisionException unreachable(MultiStageDefinition definition, SQLException e) {
        ForeignServer server = definition.foreignServer();
        return new ProvisionException("multi-stage " + definition.name() + ": foreign server " + server.name() + " (" + describe(server)
                + ", remote user " + server.user() + ") cannot be used: " + e.getMessage());
    }

    private static void view(Connection connection, MultiStageDefinition definition, CatalogTable staging, Steps steps) throws SQLException {
        QualifiedName view = definition.view().name();
        if (!PgCatalog.relationExists(connection, staging.staging())) {
            throw new ProvisionException("multi-stage " + definition.name() + ": staging table " + staging.staging() + " does not exist");
        }
        SchemaObjects.ensureSchema(connection, view.schema(), steps);
        boolean exists = PgCatalog.relationExists(connection, view);
        steps.ensureDefinition(connection, "view " + view, "VIEW", view.quoted(), exists,
                exists ? PgCatalog.comment(connection, view.quoted(), "pg_class") : Optional.empty(), viewDefinition(definition, staging));
    }

    static String viewDefinition(MultiStageDefinition definition, CatalogTable staging) {
        String columns = definition.view().columns().stream()
                .map(c -> (c.from() == Side.STAGING ? "s." : "f.") + quote(c.column()) + " AS " + quote(c.outputName()))
                .collect(Collectors.joining(",\n       "));
        String join = definition.view().join().stream()
                .map(j -> "s." + quote(j.stagingColumn()) + " = f." + quote(j.foreignColumn()))
                .collect(Collectors.joining(" AND "));
        return "CREATE OR REPLACE VIEW " + definition.view().name().quoted() + " AS\nSELECT " + columns + "\nFROM "
                + staging.staging().quoted() + " s\nJOIN " + definition.foreignTable().local().quoted() + " f ON " + join;
    }

    private static void finalTable(Connection connection, MultiStageDefinition definition, Steps steps) throws SQLException {
        QualifiedName table = definition.finalTable().table();
        String object = "final table " + table;
        if (PgCatalog.relationExists(connection, table)) {
            steps.add(object, Outcome.UNCHANGED, "exists");
            return;
        }
        SchemaObjects.ensureSchema(connection, table.schema(), steps);
        List<PgColumn> columns = PgCatalog.columns(connection, definition.view().name());
        List<String> lines = new ArrayList<>();
        for (PgColumn column : columns) {
            // the view's collations too: the final table's key is compared with the view's
            lines.add(quote(column.name()) + " " + column.definition());
        }
        lines.add(quote(MIGRATION_TIMESTAMP) + " timestamptz NOT NULL DEFAULT now()");
        lines.add("PRIMARY KEY (" + definition.finalTable().keyColumns().stream().map(c -> quote(c)).collect(Collectors.joining(", ")) + ")");
        Steps.execute(connection, "CREATE TABLE IF NOT EXISTS " + table.quoted() + " (\n    " + String.join(",\n    ", lines) + "\n)");
        steps.add(object, Outcome.CREATED, "columns of view " + definition.view().name() + ", primary key "
                + definition.finalTable().keyColumns() + ", " + MIGRATION_TIMESTAMP + " DEFAULT now()");
    }

    private static String currentUser(Connection connection) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT current_user"); ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Optional<List<String>> options(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Array array = rs.getArray(1);
                return Optional.of(array == null ? List.of() : Arrays.asList((String[]) array.getArray()));
            }
        }
    }

    /** The statement built by the server from bound values: {@code %I} quotes identifiers, {@code %L} literals, exactly. */
    private static String format(Connection connection, String template, String... values) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT format(?");
        for (int i = 0; i < values.length; i++) {
            sql.append(", ?");
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.append(")").toString())) {
            statement.setString(1, template);
            for (int i = 0; i < values.length; i++) {
                statement.setString(i + 2, values[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static String describe(ForeignServer server) {
        return "host " + server.host() + ", port " + server.port() + ", dbname " + server.dbname();
    }
}
