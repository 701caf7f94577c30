package dev.dmsflow.support.kafka;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Topic layout and listener retry policy shared by every dmsflow service.
 *
 * @param partitions        partitions of each dmsflow topic the service creates (key = requestId keeps a run ordered)
 * @param replicationFactor replicas of each topic; 1 only for a single embedded broker
 * @param retry             backoff for a failing record before it goes to the dead-letter topic
 */
@ConfigurationProperties("dmsflow.kafka")
public record DmsflowKafkaProperties(@DefaultValue("3") int partitions,
                                     @DefaultValue("1") short replicationFactor,
                                     @DefaultValue Retry retry) {

    /** Bounded exponential backoff: {@code maxRetries} retries, starting at {@code initialInterval}, doubling up to {@code maxInterval}. */
    public record Retry(@DefaultValue("4") int maxRetries,
                        @DefaultValue("500ms") Duration initialInterval,
                        @DefaultValue("10s") Duration maxInterval) {
    }
}
