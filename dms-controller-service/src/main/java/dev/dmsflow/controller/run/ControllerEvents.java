package dev.dmsflow.controller.run;

import org.apache.avro.specific.SpecificRecord;

/** Publishes an event to the topic of its type; the broker has acknowledged it when this returns. */
public interface ControllerEvents {

    void publish(SpecificRecord event);
}
