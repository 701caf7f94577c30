package dev.dmsflow.schema.kafka;

import dev.dmsflow.schema.staged.LoadVerifier;
import dev.dmsflow.support.run.RunSkeletons;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    LoadVerifier loadVerifier(RunSkeletons skeletons, MeterRegistry meters) {
        return new LoadVerifier(skeletons, new KafkaStagedEvents(skeletons.publisher(), meters), Clock.systemUTC());
    }
}
