package dev.dmsflow.merge;

import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.merge.kafka.KafkaMergeEvents;
import dev.dmsflow.merge.run.MergePlanner;
import dev.dmsflow.merge.run.RunMerger;
import dev.dmsflow.merge.window.TableShapes;
import dev.dmsflow.support.run.OutcomeSink;
import dev.dmsflow.support.run.RunSkeletons;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MergeProperties.class)
class MergeConfiguration {

    @Bean
    OutcomeSink mergeOutcomes(RunSkeletons skeletons, MeterRegistry meters) {
        return new KafkaMergeEvents(skeletons.publisher(), meters);
    }

    @Bean
    RunMerger runMerger(RunSkeletons skeletons, OutcomeSink outcomes, ObjectProvider<MigrationCatalog> catalog, MergeProperties properties) {
        MergePlanner planner = new MergePlanner(new TableShapes(), Optional.ofNullable(catalog.getIfAvailable()),
                properties.clockSkew(), properties.changeLogRetention(), Clock.systemUTC());
        return new RunMerger(skeletons, planner, outcomes, Clock.systemUTC());
    }
}
