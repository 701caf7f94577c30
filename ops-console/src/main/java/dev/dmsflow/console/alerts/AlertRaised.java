package dev.dmsflow.console.alerts;

import org.apache.avro.specific.SpecificRecord;

/** A TaskFailed or ValidationFailed the console has just stored for the first time. */
public record AlertRaised(SpecificRecord event) {
}
