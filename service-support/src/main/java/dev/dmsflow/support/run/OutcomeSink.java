package dev.dmsflow.support.run;

import org.apache.avro.specific.SpecificRecord;

/** Where a recorded outcome goes; returns once the broker has it, throws otherwise (the record is then redelivered). */
@FunctionalInterface
public interface OutcomeSink {

    void publish(SpecificRecord outcome);
}
