package dev.dmsflow.contracts.catalog;

import java.util.Map;
import java.util.Optional;

/** The tables a deployment migrates and its multi-stage loads, by name, in the order the catalog file lists them. */
public record MigrationCatalog(String location, Map<String, CatalogTable> tables,
                               Map<String, MultiStageDefinition> multiStages) {

    public Optional<CatalogTable> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    public Optional<MultiStageDefinition> multiStage(String name) {
        return Optional.ofNullable(multiStages.get(name));
    }
}
