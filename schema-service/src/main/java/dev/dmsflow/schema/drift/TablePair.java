package dev.dmsflow.schema.drift;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.TableRef;

/** A staging table and the production table it must mirror, under the table's catalog name. */
public record TablePair(String name, QualifiedName staging, QualifiedName target) {

    public static TablePair of(CatalogTable table) {
        return new TablePair(table.name(), table.staging(), table.production());
    }

    public static TablePair of(TableRef table) {
        return new TablePair(table.getName(), new QualifiedName(table.getStagingSchema(), table.getStagingTable()),
                new QualifiedName(table.getTargetSchema(), table.getTargetTable()));
    }
}
