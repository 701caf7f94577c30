package dev.dmsflow.validation.run;

import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.validation.check.Validator;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ValidationProperties.class)
class ValidationConfiguration {

    private static final long PUBLISH_TIMEOUT_SECONDS = 30;

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
                name -> migrationCatalog == null ? Optional.empty() : migrationCatalog.multiStage(name), properties.checkSettings());
    }

    @Bean
    RunStore runStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
        return new RunStore(jdbc, transactions);
    }

    @Bean
    ValidationRunner validationRunner(Validator validator, RunStore store, KafkaTemplate<Object, Object> kafka) {
        OutcomePublisher publisher = (topic, requestId, event) -> {
            try {
                kafka.send(topic, requestId, event).get(PUBLISH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("Interrupted while publishing the outcome of " + requestId, e);
            } catch (ExecutionException | TimeoutException e) {
                throw new KafkaException("Could not publish the outcome of " + requestId + " to " + topic, e);
            }
        };
        return new ValidationRunner(validator, store, publisher, Clock.systemUTC());
    }
}
