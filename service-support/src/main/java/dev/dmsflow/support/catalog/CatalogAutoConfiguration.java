package dev.dmsflow.support.catalog;

import dev.dmsflow.contracts.catalog.CatalogException;
import dev.dmsflow.contracts.catalog.CatalogLoader;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/** Loads the migration catalog once at startup, so a bad catalog stops the service before it consumes anything. */
@AutoConfiguration
@ConditionalOnProperty(prefix = "dmsflow.catalog", name = "location")
@EnableConfigurationProperties(CatalogProperties.class)
public class CatalogAutoConfiguration {

    @Bean
    MigrationCatalog migrationCatalog(CatalogProperties properties, ResourceLoader resourceLoader) {
        Resource resource = resourceLoader.getResource(properties.location());
        try (InputStream in = resource.getInputStream()) {
            return CatalogLoader.load(properties.location(), in);
        } catch (IOException e) {
            throw new CatalogException(properties.location(), "cannot be read (" + e.getMessage() + ")", e);
        }
    }
}
