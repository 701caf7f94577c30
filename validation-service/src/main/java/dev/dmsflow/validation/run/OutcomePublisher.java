package dev.dmsflow.validation.run;

import org.apache.avro.specific.SpecificRecord;

/** Publishes an outcome event keyed by requestId and returns once the broker has acknowledged it. */
public interface OutcomePublisher {

    void publish(String topic, String requestId, SpecificRecord event);
}
