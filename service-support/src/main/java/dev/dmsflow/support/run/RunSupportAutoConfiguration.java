package dev.dmsflow.support.run;

import dev.dmsflow.support.kafka.DmsflowKafkaProperties;
import dev.dmsflow.support.kafka.EventPublisher;
import dev.dmsflow.support.kafka.KafkaSupportAutoConfiguration;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** The run skeleton factory of a service with a database and Kafka. */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, KafkaSupportAutoConfiguration.class})
@ConditionalOnBean({DataSource.class, EventPublisher.class})
@EnableConfigurationProperties(RunProperties.class)
public class RunSupportAutoConfiguration {

    @Bean
    RunSkeletons runSkeletons(DataSource dataSource, EventPublisher publisher, RunProperties run, DmsflowKafkaProperties kafka) {
        return new RunSkeletons(dataSource, new RetryPolicy(run.maxAttempts(), run.retryBackoff()),
                outcome -> publisher.publish(outcome, kafka.publishTimeout()), Clock.systemUTC());
    }
}
