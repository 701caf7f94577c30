package dev.dmsflow.support.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.TaskFailed;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.ConsumerAwareRecordRecoverer;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * What the error handler does with a record it gives up on: the record goes to {@code <topic>.dlt} and, when the
 * topic is a stage's input ({@code dmsflow.kafka.failure-stages}), a {@link TaskFailed} of that stage goes to the
 * alerts topic, so the run ends with an outcome its controller hears of (and releases its leases on) instead of a
 * DLT record only. The TaskFailed is keyed by the event's requestId, or by the record key when the value cannot be
 * decoded; a record with neither gets the DLT record only. Its reason names the attempts and the exception class,
 * never a message (which may hold row data).
 */
final class GiveUpRecoverer implements ConsumerAwareRecordRecoverer, RetryListener {

    private static final Logger log = LoggerFactory.getLogger(GiveUpRecoverer.class);

    /** Offset of the record last failing on a partition and its delivery attempts so far. */
    private record Attempts(long offset, int attempts) {
    }

    private final ConsumerAwareRecordRecoverer deadLetters;
    private final KafkaOperations<Object, Object> alerts;
    private final Map<String, FailureStage> stages;
    private final String producer;
    private final Duration publishTimeout;
    private final Clock clock;
    private final Map<TopicPartition, Attempts> attempts = new ConcurrentHashMap<>();

    GiveUpRecoverer(ConsumerAwareRecordRecoverer deadLetters, KafkaOperations<Object, Object> alerts, Map<String, FailureStage> stages,
                    String producer, Duration publishTimeout, Clock clock) {
        this.deadLetters = deadLetters;
        this.alerts = alerts;
        this.stages = Map.copyOf(stages);
        this.producer = producer;
        this.publishTimeout = publishTimeout;
        this.clock = clock;
    }

    @Override
    public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
        attempts.put(new TopicPartition(record.topic(), record.partition()), new Attempts(record.offset(), deliveryAttempt));
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, @Nullable Consumer<?, ?> consumer, Exception exception) {
        deadLetters.accept(record, consumer, exception);
        FailureStage stage = stages.get(record.topic());
        if (stage == null) {
            return;
        }
        IndexedRecord event = record.value() instanceof IndexedRecord decoded ? decoded : null;
        EventHeader header = event == null ? null : EventEnvelope.header(event);
        String requestId = header != null ? header.getRequestId() : record.key() instanceof String key && !key.isBlank() ? key : null;
        if (requestId == null) {
            log.warn("Gave up on record {}-{}@{}: no requestId to report it as TaskFailed; it is on the DLT only",
                    record.topic(), record.partition(), record.offset());
            return;
        }
        Throwable cause = cause(exception);
        boolean undecodable = isUndecodable(exception);
        TaskFailed failed = TaskFailed.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, clock.instant().truncatedTo(ChronoUnit.MILLIS), producer,
                        header == null ? 1 : header.getAttempt()))
                .setStage(stage)
                .setReason("gave up after " + attemptsOf(record) + " attempt(s): " + cause.getClass().getName())
                // the same bytes will never decode; anything else (an outage, a bug fixed since) may pass when the run is sent again
                .setRetryable(!undecodable)
                .setTables(event == null ? List.of() : EventEnvelope.tables(event))
                .setErrorType(cause.getClass().getSimpleName())
                .build();
        try {
            alerts.send(Topics.ALERTS, requestId, failed).get(publishTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while publishing TaskFailed of run " + requestId, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("Could not publish TaskFailed of run " + requestId + " after giving up on its " + record.topic() + " record", e);
        }
        log.error("Gave up on {} of run {} ({}): TaskFailed ({}) published, record on {}", record.topic(), requestId, failed.getReason(),
                stage, Topics.deadLetterTopic(record.topic()));
    }

    private int attemptsOf(ConsumerRecord<?, ?> record) {
        Attempts recorded = attempts.remove(new TopicPartition(record.topic(), record.partition()));
        // records the handler does not retry (undecodable ones) are given up on at their first delivery
        return recorded != null && recorded.offset() == record.offset() ? recorded.attempts() : 1;
    }

    /** The exception the listener threw (or the serde's), not Spring Kafka's wrappers around it. */
    private static Throwable cause(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (!t.getClass().getName().startsWith("org.springframework.kafka.")) {
                return t;
            }
        }
        return exception;
    }

    private static boolean isUndecodable(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof DeserializationException) {
                return true;
            }
        }
        return false;
    }
}
