package dev.dmsflow.support.catalog;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** @param location Spring resource location of the migration catalog YAML, e.g. {@code file:/etc/dmsflow/catalog.yaml} */
@ConfigurationProperties("dmsflow.catalog")
public record CatalogProperties(String location) {
}
