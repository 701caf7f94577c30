package dev.dmsflow.merge;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Retries of a run and the publish timeout are shared by every stage: {@code dmsflow.run.*},
 * {@code dmsflow.kafka.publish-timeout}.
 *
 * @param clockSkew    CDC changes logged up to this long before a run's loadStartedAt still win over its staged copy:
 *                     allows for the clock difference between controller and database and for CDC transactions open
 *                     when the load started
 * @param changeLogRetention how long change-log entries are kept when no merge of their table prunes them; a run
 *                     whose load started before that is refused (the changes it must respect may be gone)
 * @param changeLogPruneInterval how often the change logs of the catalog's tracked tables are pruned to the retention
 */
@ConfigurationProperties("dmsflow.merge")
record MergeProperties(@DefaultValue("10s") Duration clockSkew,
                       @DefaultValue("7d") Duration changeLogRetention,
                       @DefaultValue("1h") Duration changeLogPruneInterval) {
}
