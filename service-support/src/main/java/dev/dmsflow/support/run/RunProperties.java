package dev.dmsflow.support.run;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The retry policy of every stage's runs (see {@link RunSkeleton}).
 *
 * @param maxAttempts  tries of a run that meets transient database faults (deadlock, serialization failure, a key CDC
 *                     inserted meanwhile, a lock not available) before it ends in a retryable TaskFailed; an outage is
 *                     not counted: the consumer waits for the database ({@code dmsflow.kafka.retry.outage-max-interval})
 * @param retryBackoff wait before the second try, doubling after each further one
 */
@ConfigurationProperties("dmsflow.run")
public record RunProperties(@DefaultValue("3") int maxAttempts, @DefaultValue("1s") Duration retryBackoff) {
}
