package dev.dmsflow.schema.kafka;

import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.schema.staged.StagedEvents;
import dev.dmsflow.support.kafka.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * Publishes outcomes (a failed publish fails the record, which is redelivered and the recorded outcome republished)
 * and counts staged runs and failures for Prometheus.
 */
class KafkaStagedEvents implements StagedEvents {

    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final Duration timeout;

    KafkaStagedEvents(EventPublisher publisher, MeterRegistry meters, Duration timeout) {
        this.publisher = publisher;
        this.meters = meters;
        this.timeout = timeout;
    }

    @Override
    public void staged(WindowStaged event) {
        publisher.publish(event, timeout);
        meters.counter("dmsflow.schema.staged").increment();
    }

    @Override
    public void failed(TaskFailed event) {
        publisher.publish(event, timeout);
        meters.counter("dmsflow.schema.staging.failures", "type", String.valueOf(event.getErrorType())).increment();
    }
}
