package dev.dmsflow.schema.provision;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.Identifiers;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.ddl.PgCatalog.PgColumn;
import dev.dmsflow.schema.ddl.PgCatalog;
import dev.dmsflow.schema.ddl.ProvisionException;
import dev.dmsflow.schema.ddl.ProvisionReport.Outcome;
import dev.dmsflow.schema.ddl.ProvisionReport;
import dev.dmsflow.schema.ddl.SchemaObjects;
import dev.dmsflow.schema.ddl.Steps;
import dev.dmsflow.schema.provision.OracleDictionary.SourceTable;
import dev.dmsflow.schema.provision.TableDdl.ColumnDefinition;
import dev.dmsflow.schema.typemap.MappedType;
import dev.dmsflow.schema.typemap.OracleColumn;
import dev.dmsflow.schema.typemap.OracleTypeMapping;
import dev.dmsflow.schema.typemap.UnmappableTypeException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One catalog table: its window column checked against the source, its production table (created from the Oracle
 * source's dictionary when it does not exist yet), its staging table mirroring production, the window index and the
 * DMS user's grants. Everything is checked against the database catalog first, so existing objects are left as they are.
 */
final class TableProvisioner {

    private final OracleTypeMapping mapping;
    private final Optional<SourceCatalog> source;
    private final Optional<String> dmsUser;

    TableProvisioner(OracleTypeMapping mapping, Optional<SourceCatalog> source, Optional<String> dmsUser) {
        this.mapping = mapping;
        this.source = source;
        this.dmsUser = dmsUser;
    }

    void provision(Connection connection, CatalogTable table, Steps steps) throws SQLException {
        if (source.isPresent() && table.windowColumn().isPresent()) {
            checkWindowPrecision(table, table.windowColumn().get(), source.get());
        }
        SchemaObjects.ensureSchema(connection, table.staging().schema(), steps);
        List<PgColumn> production = production(connection, table, steps);
        requireColumns(table, production);
        staging(connection, table, production, steps);
        if (table.windowColumn().isPresent()) {
            windowIndex(connection, table, table.windowColumn().get(), steps);
        }
        if (dmsUser.isPresent()) {
            SchemaObjects.grants(connection, dmsUser.get(), table.staging(), SchemaObjects.LOAD_PRIVILEGES, steps);
        }
    }

    private List<PgColumn> production(Connection connection, CatalogTable table, Steps steps) throws SQLException {
        String object = "production table " + table.production();
        if (PgCatalog.relationExists(connection, table.production())) {
            steps.add(object, Outcome.UNCHANGED, "exists");
            return PgCatalog.columns(connection, table.production());
        }
        SourceCatalog dictionary = source.orElseThrow(() -> new ProvisionException("production table " + table.production()
                + " does not exist and no Oracle source (dmsflow.schema.source.url) is configured to create it from"));
        SourceTable sourceTable = dictionary.describe(table.source()).orElseThrow(() -> new ProvisionException("production table "
                + table.production() + " does not exist and the source has no table " + table.source() + " in ALL_TAB_COLS"));
        List<ColumnDefinition> columns = new ArrayList<>();
        Map<String, String> notes = new LinkedHashMap<>();
        for (OracleColumn column : sourceTable.columns()) {
            String name = postgresName(column);
            MappedType type;
            try {
                type = mapping.map(column, table.binaryFloats());
            } catch (UnmappableTypeException e) {
                throw new ProvisionException("cannot create " + table.production() + ": " + e.getMessage());
            }
            columns.add(new ColumnDefinition(name, type.sql(), type.collation().orElse(null), !column.nullable()));
            type.note().ifPresent(note -> notes.put(name, note));
        }
        List<String> sourceKey = sourceTable.primaryKey().stream().map(k -> k.toLowerCase(Locale.ROOT)).toList();
        if (!sourceKey.isEmpty() && !sourceKey.equals(table.keyColumns())) {
            throw new ProvisionException("cannot create " + table.production() + ": the catalog's keyColumns " + table.keyColumns()
                    + " differ from the primary key " + sourceKey + " of " + table.source() + " in Oracle");
        }
        SchemaObjects.ensureSchema(connection, table.production().schema(), steps);
        Steps.execute(connection, TableDdl.createTable(table.production(), columns, table.keyColumns()));
        // what the mapping could not keep stays visible where users look at the column
        for (Map.Entry<String, String> note : notes.entrySet()) {
            comment(connection, table.production(), note.getKey(), "From Oracle " + table.source() + ": " + note.getValue());
        }
        steps.add(object, Outcome.CREATED, "created from " + table.source() + " in Oracle (" + columns.size() + " columns"
                + (notes.isEmpty() ? ")" : "; " + notes.entrySet().stream().map(n -> n.getKey() + ": " + n.getValue())
                .collect(Collectors.joining("; ")) + ")"));
        return PgCatalog.columns(connection, table.production());
    }

    /**
     * The window's upper bound is rendered at windowPrecision digits (DMS filters have no strict less-than): a value
     * that is not the source column's moves it, and with too few digits the rows just before {@code to} are never
     * loaded. So the catalog must say what the source column holds.
     */
    private static void checkWindowPrecision(CatalogTable table, String windowColumn, SourceCatalog source) throws SQLException {
        List<SourceCatalog.SourceColumn> columns = source.columns(table.source()).orElseThrow(() -> new ProvisionException("table "
                + table.name() + ": the source has no table " + table.source() + " to check window column " + windowColumn + " against"));
        SourceCatalog.SourceColumn column = SourceCatalog.named(columns, windowColumn).orElseThrow(() -> new ProvisionException("table "
                + table.name() + ": source table " + table.source() + " has no window column " + windowColumn + " (columns: "
                + columns.stream().map(SourceCatalog.SourceColumn::name).collect(Collectors.joining(", ")) + ")"));
        if (column.fractionalSecondDigits().isEmpty()) {
            throw new ProvisionException("table " + table.name() + ": window column " + windowColumn + " is " + column.type()
                    + " in source table " + table.source() + ", not a date or timestamp");
        }
        int digits = column.fractionalSecondDigits().getAsInt();
        if (digits != table.windowPrecision()) {
            throw new ProvisionException("table " + table.name() + ": window column " + windowColumn + " is " + column.type()
                    + " in source table " + table.source() + ", " + digits + " fractional-second digit(s), but the catalog's windowPrecision is "
                    + table.windowPrecision() + "; set tables." + table.name() + ".windowPrecision: " + digits
                    + " (with fewer digits than the column, the rows just before a window's end are never loaded)");
        }
    }

    private static String postgresName(OracleColumn column) {
        // DMS lowercases names for PostgreSQL targets (the catalog's key and window columns are lowercase too)
        String name = column.name().toLowerCase(Locale.ROOT);
        if (!Identifiers.isPlain(name)) {
            throw new ProvisionException("column " + column.qualifiedName() + " has no plain PostgreSQL name ('" + name
                    + "'); rename it in the DMS table mappings and create the production table by hand");
        }
        return name;
    }

    private static void comment(Connection connection, QualifiedName table, String column, String text) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT format('COMMENT ON COLUMN %s.%I IS %L', ?, ?, ?)")) {
            select.setString(1, table.quoted());
            select.setString(2, column);
            select.setString(3, text);
            try (var rs = select.executeQuery()) {
                rs.next();
                Steps.execute(connection, rs.getString(1));
            }
        }
    }

    private static void requireColumns(CatalogTable table, List<PgColumn> production) {
        List<String> names = production.stream().map(PgColumn::name).toList();
        List<String> required = new ArrayList<>(table.keyColumns());
        table.windowColumn().ifPresent(required::add);
        List<String> absent = required.stream().filter(c -> !names.contains(c)).toList();
        if (!absent.isEmpty()) {
            throw new ProvisionException("production table " + table.production() + " has no column " + String.join(", ", absent)
                    + " that the catalog names for tables." + table.name() + " (columns: " + String.join(", ", names) + ")");
        }
    }

    private static void staging(Connection connection, CatalogTable table, List<PgColumn> production, Steps steps) throws SQLException {
        String object = "staging table " + table.staging();
        if (!PgCatalog.relationExists(connection, table.staging())) {
            Steps.execute(connection, TableDdl.createStaging(table, production));
            steps.add(object, Outcome.CREATED, "mirrors " + table.production() + " (" + production.size() + " columns, primary key "
                    + table.keyColumns() + ") plus " + TableDdl.LOADED_AT);
            return;
        }
        boolean hasLoadedAt = PgCatalog.columns(connection, table.staging()).stream().anyMatch(c -> c.name().equals(TableDdl.LOADED_AT));
        if (hasLoadedAt) {
            steps.add(object, Outcome.UNCHANGED, "exists");
            return;
        }
        // now() is stable, so PostgreSQL adds the column without rewriting the table; existing rows get the time of this change
        Steps.execute(connection, "ALTER TABLE " + table.staging().quoted() + " ADD COLUMN IF NOT EXISTS " + TableDdl.LOADED_AT_DEFINITION);
        steps.add(object, Outcome.UPDATED, "added bookkeeping column " + TableDdl.LOADED_AT);
    }

    private static void windowIndex(Connection connection, CatalogTable table, String windowColumn, Steps steps) throws SQLException {
        String index = TableDdl.indexName(table.staging().table(), windowColumn);
        String object = "index " + table.staging().schema() + "." + index;
        if (PgCatalog.indexExists(connection, table.staging().schema(), index)) {
            steps.add(object, Outcome.UNCHANGED, "exists");
            return;
        }
        Steps.execute(connection, TableDdl.createWindowIndex(table, windowColumn));
        steps.add(object, Outcome.CREATED, "on " + table.staging() + " (" + windowColumn + ")");
    }
}
