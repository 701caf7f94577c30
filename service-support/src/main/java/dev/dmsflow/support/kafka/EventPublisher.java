package dev.dmsflow.support.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EventHeader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes a dmsflow event to the topic of its type, keyed by its run's requestId, and waits for the broker's
 * acknowledgement: a handler that returns has published, and one whose publish failed throws, so its record is
 * redelivered and the recorded outcome published again.
 */
public class EventPublisher {

    private final KafkaTemplate<String, SpecificRecord> template;

    public EventPublisher(KafkaTemplate<String, SpecificRecord> template) {
        this.template = template;
    }

    public void publish(SpecificRecord event, Duration timeout) {
        String topic = topicOf(event);
        String requestId = ((EventHeader) event.get(event.getSchema().getField("header").pos())).getRequestId();
        try {
            template.send(topic, requestId, event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not publish " + event.getSchema().getName() + " of run " + requestId + " to " + topic, e);
        }
    }

    private static String topicOf(SpecificRecord event) {
        for (Map.Entry<String, List<Class<? extends SpecificRecord>>> topic : Topics.VALUE_TYPES.entrySet()) {
            if (topic.getValue().contains(event.getClass())) {
                return topic.getKey();
            }
        }
        throw new IllegalArgumentException("no dmsflow topic carries " + event.getClass().getName());
    }
}
