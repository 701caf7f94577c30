package dev.dmsflow.validation.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.validation.run.ValidationRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Thin: a merged run, or a VALIDATE_ONLY run from the controller; the run skeleton ends each in one outcome event, and
 * an outage goes to the shared error handler, which waits.
 */
@Component
class ValidationListeners {

    private final ValidationRunner runner;

    ValidationListeners(ValidationRunner runner) {
        this.runner = runner;
    }

    @KafkaListener(topics = Topics.MERGE_COMPLETED)
    void onMergeCompleted(MergeCompleted event) {
        runner.handle(event);
    }

    @KafkaListener(topics = Topics.VALIDATION_REQUESTED)
    void onValidationRequested(ValidationRequested event) {
        runner.handle(event);
    }
}
