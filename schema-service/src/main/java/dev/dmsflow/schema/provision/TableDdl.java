package dev.dmsflow.schema.provision;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.schema.ddl.PgCatalog.PgColumn;
import dev.dmsflow.schema.ddl.PgCatalog;
import dev.dmsflow.schema.ddl.Steps;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The DDL of the tables provisioned for a catalog table; every identifier is a checked plain name, always quoted. */
final class TableDdl {

    /** Set by the column default when DMS inserts a row: tells which rows a later merge of their window has seen. */
    static final String LOADED_AT = "_dms_loaded_at";
    static final String LOADED_AT_DEFINITION = quote(LOADED_AT) + " timestamptz NOT NULL DEFAULT now()";

    /** A column of a table to create; {@code collation} as written after COLLATE, null for the database default. */
    record ColumnDefinition(String name, String type, String collation, boolean notNull) {
    }

    private TableDdl() {
    }

    /**
     * The staging table: production's columns with production's exact types and the same primary key (merge-service's
     * fast path joins on it), plus the bookkeeping column. Only key columns are NOT NULL: DMS writes LOB columns in a
     * second step after inserting the row with NULL there, which a NOT NULL copied from production would reject.
     * Collations are copied too: staging's key is then unique and compared as production's is (two different
     * non-default collations in the merge's {@code p.key = s.key} are even an error, 42P22).
     */
    static String createStaging(CatalogTable table, List<PgColumn> productionColumns) {
        List<String> lines = new ArrayList<>();
        for (PgColumn column : productionColumns) {
            lines.add(quote(column.name()) + " " + column.definition() + (table.keyColumns().contains(column.name()) ? " NOT NULL" : ""));
        }
        lines.add(LOADED_AT_DEFINITION);
        lines.add("PRIMARY KEY (" + quoted(table.keyColumns()) + ")");
        return "CREATE TABLE IF NOT EXISTS " + table.staging().quoted() + " (\n    " + String.join(",\n    ", lines) + "\n)";
    }

    /** A production table from the source's mapped columns, keyed on the catalog's key columns. */
    static String createTable(QualifiedName name, List<ColumnDefinition> columns, List<String> keyColumns) {
        List<String> lines = new ArrayList<>();
        for (ColumnDefinition column : columns) {
            lines.add(quote(column.name()) + " " + column.type() + (column.collation() == null ? "" : " COLLATE " + column.collation())
                    + (column.notNull() ? " NOT NULL" : ""));
        }
        lines.add("PRIMARY KEY (" + quoted(keyColumns) + ")");
        return "CREATE TABLE IF NOT EXISTS " + name.quoted() + " (\n    " + String.join(",\n    ", lines) + "\n)";
    }

    static String createWindowIndex(CatalogTable table, String windowColumn) {
        return "CREATE INDEX IF NOT EXISTS " + quote(indexName(table.staging().table(), windowColumn)) + " ON "
                + table.staging().quoted() + " (" + quote(windowColumn) + ")";
    }

    /** {@code <table>_<column>_idx}, shortened with a hash when it would exceed PostgreSQL's 63 characters. */
    static String indexName(String table, String column) {
        String name = table + "_" + column + "_idx";
        if (name.length() <= 63) {
            return name;
        }
        return name.substring(0, 54) + "_" + Steps.sha256(name).substring(0, 8);
    }

    static String quoted(List<String> columns) {
        return columns.stream().map(c -> quote(c)).collect(Collectors.joining(", "));
    }
}
