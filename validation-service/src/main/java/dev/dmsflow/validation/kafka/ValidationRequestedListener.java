package dev.dmsflow.validation.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.validation.run.ValidationRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Thin: a VALIDATE_ONLY run from the controller, ended by the run skeleton in one outcome event. */
@Component
class ValidationRequestedListener {

    private final ValidationRunner runner;

    ValidationRequestedListener(ValidationRunner runner) {
        this.runner = runner;
    }

    @KafkaListener(topics = Topics.VALIDATION_REQUESTED)
    void onValidationRequested(ValidationRequested event) {
        runner.handle(event);
    }
}
