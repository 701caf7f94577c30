package dev.dmsflow.merge;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param maxAttempts  attempts of a run that meets transient database faults (lost connection, deadlock, a key CDC
 *                     inserted meanwhile) before TaskFailed goes out
 * @param retryBackoff wait before the second attempt, doubling after each further one
 * @param publishTimeout how long publishing an outcome may take before the record is retried
 * @param clockSkew    CDC changes logged up to this long before a run's loadStartedAt still win over its staged copy:
 *                     allows for the clock difference between controller and database and for CDC transactions open
 *                     when the load started
 * @param changeLogRetention how long change-log entries are kept when no merge of their table prunes them; a run
 *                     whose load started before that is refused (the changes it must respect may be gone)
 * @param changeLogPruneInterval how often the change logs of the catalog's tracked tables are pruned to the retention
 */
@ConfigurationProperties("dmsflow.merge")
record MergeProperties(@DefaultValue("3") int maxAttempts,
                       @DefaultValue("1s") Duration retryBackoff,
                       @DefaultValue("30s") Duration publishTimeout,
                       @DefaultValue("10s") Duration clockSkew,
                       @DefaultValue("7d") Duration changeLogRetention,
                       @DefaultValue("1h") Duration changeLogPruneInterval) {
}
