package dev.dmsflow.merge;

import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.merge.kafka.KafkaMergeEvents;
import dev.dmsflow.merge.run.MergeEvents;
import dev.dmsflow.merge.run.MergePlanner;
import dev.dmsflow.merge.run.RunMerger;
import dev.dmsflow.merge.window.TableShapes;
import dev.dmsflow.support.kafka.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MergeProperties.class)
class MergeConfiguration {

    @Bean
    MergeEvents mergeEvents(EventPublisher publisher, MeterRegistry meters, MergeProperties properties) {
        return new KafkaMergeEvents(publisher, meters, properties.publishTimeout());
    }

    @Bean
    RunMerger runMerger(DataSource dataSource, MergeEvents events, ObjectProvider<MigrationCatalog> catalog, MergeProperties properties) {
        MergePlanner planner = new MergePlanner(new TableShapes(), Optional.ofNullable(catalog.getIfAvailable()),
                properties.clockSkew(), properties.changeLogRetention(), Clock.systemUTC());
        return new RunMerger(dataSource, planner, events, Clock.systemUTC(),
                new RunMerger.Retry(properties.maxAttempts(), properties.retryBackoff()));
    }
}
