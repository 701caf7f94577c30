package dev.dmsflow.schema.kafka;

import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.support.run.OutcomeSink;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a load check's outcome (a failed publish fails the record, which is redelivered and the recorded outcome
 * republished) and counts staged runs and failures for Prometheus.
 */
class KafkaStagedEvents implements OutcomeSink {

    private static final Logger log = LoggerFactory.getLogger(KafkaStagedEvents.class);

    private final OutcomeSink publisher;
    private final MeterRegistry meters;

    KafkaStagedEvents(OutcomeSink publisher, MeterRegistry meters) {
        this.publisher = publisher;
        this.meters = meters;
    }

    @Override
    public void publish(SpecificRecord outcome) {
        if (outcome instanceof TaskFailed failed) {
            log.warn("Run {} is not staged: {}", failed.getHeader().getRequestId(), failed.getReason());
        }
        publisher.publish(outcome);
        if (outcome instanceof TaskFailed failed) {
            meters.counter("dmsflow.schema.staging.failures", "type", String.valueOf(failed.getErrorType())).increment();
        } else {
            meters.counter("dmsflow.schema.staged").increment();
        }
    }
}
