package dev.dmsflow.schema.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.schema.staged.StagedEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes outcomes and waits for the broker's acknowledgement, so a failed publish fails the record and it is
 * redelivered (the run record then republishes the same outcome). Counts staged runs and failures for Prometheus.
 */
class KafkaStagedEvents implements StagedEvents {

    private final KafkaTemplate<String, SpecificRecord> template;
    private final MeterRegistry meters;
    private final Duration timeout;

    KafkaStagedEvents(KafkaTemplate<String, SpecificRecord> template, MeterRegistry meters, Duration timeout) {
        this.template = template;
        this.meters = meters;
        this.timeout = timeout;
    }

    @Override
    public void staged(WindowStaged event) {
        send(Topics.WINDOW_STAGED, event.getHeader().getRequestId(), event);
        meters.counter("dmsflow.schema.staged").increment();
    }

    @Override
    public void failed(TaskFailed event) {
        send(Topics.ALERTS, event.getHeader().getRequestId(), event);
        meters.counter("dmsflow.schema.staging.failures", "type", String.valueOf(event.getErrorType())).increment();
    }

    private void send(String topic, String key, SpecificRecord event) {
        try {
            template.send(topic, key, event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not publish " + event.getSchema().getName() + " for run " + key + " to " + topic, e);
        }
    }
}
