package dev.dmsflow.validation.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.validation.repair.RepairConfirm;
import dev.dmsflow.validation.repair.RepairRevalidation;
import dev.dmsflow.validation.run.ValidationRunner;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Thin: a merged run (a repair round's merge is re-validated against the source), a VALIDATE_ONLY run from the
 * controller, or a repair round to confirm; the run skeleton ends each in its outcome events, and an outage goes to the
 * shared error handler, which waits.
 */
@Component
class ValidationListeners {

    private final ValidationRunner runner;
    private final RepairConfirm confirm;
    private final RepairRevalidation revalidation;

    ValidationListeners(ValidationRunner runner, RepairConfirm confirm, RepairRevalidation revalidation) {
        this.runner = runner;
        this.confirm = confirm;
        this.revalidation = revalidation;
    }

    @KafkaListener(topics = Topics.MERGE_COMPLETED)
    void onMergeCompleted(MergeCompleted event) {
        if (event.getRepair() != null) {
            revalidation.handle(event);
        } else {
            runner.handle(event);
        }
    }

    @KafkaListener(topics = Topics.VALIDATION_REQUESTED)
    void onValidationRequested(ValidationRequested event) {
        runner.handle(event);
    }

    /** RepairPlanned and RepairCompleted on the same topic are this service's own: nothing to do. */
    @KafkaListener(topics = Topics.REPAIRS)
    void onRepair(SpecificRecord event) {
        if (event instanceof RepairRequested requested) {
            confirm.handle(requested);
        }
    }
}
