package dev.dmsflow.controller;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param engine           {@code aws-dms}: tasks run on AWS DMS
 * @param pollInterval     how often unfinished runs are advanced (task status polled, queued runs started)
 * @param progressInterval minimum time between two TaskProgress events of one run
 * @param maxEngineErrors  transient engine errors (throttling left after the client's retries, 5xx, network) a run
 *                         survives before it fails with a retryable TaskFailed
 */
@ConfigurationProperties("dmsflow.controller")
public record ControllerProperties(@DefaultValue("aws-dms") String engine,
                            @DefaultValue("5s") Duration pollInterval,
                            @DefaultValue("10s") Duration progressInterval,
                            @DefaultValue("10") int maxEngineErrors) {
}
