package dev.dmsflow.schema.kafka;

import dev.dmsflow.schema.SchemaProperties;
import dev.dmsflow.schema.staged.LoadVerifier;
import dev.dmsflow.schema.staged.StagedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    StagedEvents stagedEvents(KafkaTemplate<String, SpecificRecord> template, MeterRegistry meters, SchemaProperties properties) {
        return new KafkaStagedEvents(template, meters, properties.publishTimeout());
    }

    @Bean
    LoadVerifier loadVerifier(DataSource dataSource, StagedEvents events, SchemaProperties properties) {
        return new LoadVerifier(dataSource, events, Clock.systemUTC(),
                new LoadVerifier.Retry(properties.maxAttempts(), properties.retryBackoff()));
    }
}
