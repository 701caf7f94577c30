package dev.dmsflow.validation.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.validation.run.ValidationRunner;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Thin: the run skeleton ends every run in one outcome event; an outage goes to the shared error handler, which waits. */
@Component
class MergeCompletedListener {

    private final ValidationRunner runner;

    MergeCompletedListener(ValidationRunner runner) {
        this.runner = runner;
    }

    @KafkaListener(topics = Topics.MERGE_COMPLETED)
    void onMergeCompleted(MergeCompleted event) {
        runner.handle(event);
    }
}
