package dev.dmsflow.contracts.catalog;

/** A schema-qualified table name as the catalog gives it. */
public record QualifiedName(String schema, String table) {

    public String quoted() {
        return Identifiers.qualified(schema, table);
    }

    @Override
    public String toString() {
        return schema + '.' + table;
    }
}
