package dev.dmsflow.controller.run;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EventHeader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/** Publishes each event to its topic, keyed by requestId, and waits for the broker's acknowledgement. */
@Component
class KafkaControllerEvents implements ControllerEvents {

    private final KafkaTemplate<String, SpecificRecord> template;

    KafkaControllerEvents(KafkaTemplate<String, SpecificRecord> template) {
        this.template = template;
    }

    @Override
    public void publish(SpecificRecord event) {
        String topic = topicOf(event);
        String requestId = ((EventHeader) event.get(event.getSchema().getField("header").pos())).getRequestId();
        try {
            template.send(topic, requestId, event).get(30, TimeUnit.SECONDS);
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
        throw new IllegalArgumentException("no topic carries " + event.getClass().getName());
    }
}
