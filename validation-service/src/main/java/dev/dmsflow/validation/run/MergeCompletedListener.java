package dev.dmsflow.validation.run;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.MergeCompleted;
import java.sql.SQLException;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Thin: failures go to the shared error handler (bounded retries, then {@code dmsflow.merge-completed.dlt}). */
@Component
class MergeCompletedListener {

    private final ValidationRunner runner;

    MergeCompletedListener(ValidationRunner runner) {
        this.runner = runner;
    }

    @KafkaListener(topics = Topics.MERGE_COMPLETED)
    void onMergeCompleted(MergeCompleted event) throws SQLException {
        runner.handle(event);
    }
}
