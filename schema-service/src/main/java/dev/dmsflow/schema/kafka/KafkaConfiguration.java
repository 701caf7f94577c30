package dev.dmsflow.schema.kafka;

import dev.dmsflow.schema.SchemaProperties;
import dev.dmsflow.schema.staged.LoadVerifier;
import dev.dmsflow.schema.staged.StagedEvents;
import dev.dmsflow.support.kafka.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    StagedEvents stagedEvents(EventPublisher publisher, MeterRegistry meters, SchemaProperties properties) {
        return new KafkaStagedEvents(publisher, meters, properties.publishTimeout());
    }

    @Bean
    LoadVerifier loadVerifier(DataSource dataSource, StagedEvents events, SchemaProperties properties) {
        return new LoadVerifier(dataSource, events, Clock.systemUTC(),
                new LoadVerifier.Retry(properties.maxAttempts(), properties.retryBackoff()));
    }
}
