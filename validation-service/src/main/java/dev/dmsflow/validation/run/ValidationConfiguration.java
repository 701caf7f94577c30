package dev.dmsflow.validation.run;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.support.run.RunSkeletons;
import dev.dmsflow.validation.check.Validator;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ValidationProperties.class)
class ValidationConfiguration {

    @Bean
    @ConditionalOnProperty(prefix = "dmsflow.validation.source", name = "url")
    SourceDatabase sourceDatabase(ValidationProperties properties) {
        return new SourceDatabase(properties.source());
    }

    @Bean
    Validator validator(DataSource dataSource, ObjectProvider<SourceDatabase> source, ObjectProvider<MigrationCatalog> catalog,
                        ValidationProperties properties) {
        MigrationCatalog migrationCatalog = catalog.getIfAvailable();
        return new Validator(dataSource, Optional.ofNullable(source.getIfAvailable()).map(SourceDatabase::dataSource),
                name -> migrationCatalog == null ? Optional.empty() : migrationCatalog.multiStage(name), properties.checkSettings(),
                // a table the catalog does not know, or no catalog: taken as replicated, so differences are confirmed
                name -> migrationCatalog == null || migrationCatalog.table(name).map(CatalogTable::cdc).orElse(true));
    }

    @Bean
    RunStore runStore(JdbcTemplate jdbc) {
        return new RunStore(jdbc);
    }

    @Bean
    ValidationRunner validationRunner(RunSkeletons skeletons, Validator validator, RunStore store) {
        return new ValidationRunner(skeletons, validator, store, Clock.systemUTC());
    }
}
