package dev.dmsflow.schema.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.schema.staged.LoadVerifier;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** FullLoadCompleted → staging check. An exception (e.g. the outcome could not be published) leaves the record to be redelivered. */
@Component
class FullLoadCompletedListener {

    private final LoadVerifier verifier;

    FullLoadCompletedListener(LoadVerifier verifier) {
        this.verifier = verifier;
    }

    @KafkaListener(topics = Topics.FULL_LOAD_COMPLETED)
    void onFullLoadCompleted(FullLoadCompleted event) {
        verifier.onFullLoadCompleted(event);
    }
}
