package dev.dmsflow.console.alerts;

import java.time.Instant;

/**
 * A record some consumer gave up on, as its {@code <topic>.dlt} copy tells it.
 *
 * @param reason    the {@code dmsflow_dlt-reason} header, in plain words
 * @param exception the exception class the consumer gave up with ({@code kafka_dlt-exception-fqcn})
 */
record DeadLetter(String originalTopic, int originalPartition, long originalOffset, String dltTopic, String key, String reason,
                  String exception, Instant deadLetteredAt) {
}
