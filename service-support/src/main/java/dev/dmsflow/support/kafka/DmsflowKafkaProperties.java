package dev.dmsflow.support.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.FailureStage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Topic layout and listener retry policy shared by every dmsflow service.
 *
 * @param partitions        partitions of each dmsflow topic the service creates (key = requestId keeps a run ordered)
 * @param replicationFactor replicas of each topic; 1 only for a single embedded broker
 * @param retry             backoff for a failing record before it goes to the dead-letter topic, and for one that fails
 *                          because the database is unreachable (which never goes there)
 * @param failureStages     topic → the stage whose TaskFailed goes to the alerts topic when a record of it is given up
 *                          on (besides its DLT record); added to and overriding {@link #DEFAULT_FAILURE_STAGES}. Keys
 *                          hold dots, so in properties they are bracketed: {@code dmsflow.kafka.failure-stages[dmsflow.task-requested]=REQUEST}
 * @param maxProcessingTime the longest handling one record may take, the handler's own retries included; the
 *                          consumers' {@code max.poll.interval.ms}: a consumer busy longer is evicted from its group
 *                          and its record handed to another consumer while the first still works on it
 * @param publishTimeout    how long publishing an event may take before the handler fails (and its record is redelivered)
 * @param giveUpAlerts      whether a record given up on also ends its run with a TaskFailed ({@code failureStages});
 *                          false for a service that only reads the topics (ops-console): its giving up says nothing
 *                          about the run, and the run's own stage already reports it
 */
@ConfigurationProperties("dmsflow.kafka")
public record DmsflowKafkaProperties(@DefaultValue("3") int partitions,
                                     @DefaultValue("1") short replicationFactor,
                                     @DefaultValue Retry retry,
                                     Map<String, FailureStage> failureStages,
                                     @DefaultValue("1h") Duration maxProcessingTime,
                                     @DefaultValue("30s") Duration publishTimeout,
                                     @DefaultValue("true") boolean giveUpAlerts) {

    /** The stage each service's input topic belongs to: schema-service, merge-service, validation-service. */
    public static final Map<String, FailureStage> DEFAULT_FAILURE_STAGES = Map.of(
            Topics.FULL_LOAD_COMPLETED, FailureStage.STAGING,
            Topics.WINDOW_STAGED, FailureStage.MERGE,
            Topics.MERGE_COMPLETED, FailureStage.VALIDATION,
            Topics.VALIDATION_REQUESTED, FailureStage.VALIDATION);

    /**
     * Bounded exponential backoff: {@code maxRetries} retries, starting at {@code initialInterval}, doubling up to
     * {@code maxInterval}. A record failing because the database is unreachable is retried without limit instead,
     * starting at {@code initialInterval}, doubling up to {@code outageMaxInterval}, with the consumer paused meanwhile.
     *
     * @param maxRetries        retries of a failing record before it goes to its dead-letter topic
     * @param initialInterval   the first wait before a retry; each later one doubles it
     * @param maxInterval       the longest wait between two retries of a failing record
     * @param outageMaxInterval the longest wait between two tries while the database is unreachable (retried without limit)
     */
    public record Retry(@DefaultValue("4") int maxRetries,
                        @DefaultValue("500ms") Duration initialInterval,
                        @DefaultValue("10s") Duration maxInterval,
                        @DefaultValue("30s") Duration outageMaxInterval) {
    }

    /** {@link #DEFAULT_FAILURE_STAGES} with the configured entries added or replacing them; none without {@code giveUpAlerts}. */
    public Map<String, FailureStage> stageByTopic() {
        if (!giveUpAlerts) {
            return Map.of();
        }
        Map<String, FailureStage> stages = new LinkedHashMap<>(DEFAULT_FAILURE_STAGES);
        if (failureStages != null) {
            stages.putAll(failureStages);
        }
        return stages;
    }
}
