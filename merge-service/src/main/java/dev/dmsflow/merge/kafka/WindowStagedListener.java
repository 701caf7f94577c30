package dev.dmsflow.merge.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.merge.run.RunMerger;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** WindowStaged → merge. An exception (e.g. the outcome could not be published) leaves the record to be redelivered. */
@Component
class WindowStagedListener {

    private final RunMerger merger;

    WindowStagedListener(RunMerger merger) {
        this.merger = merger;
    }

    @KafkaListener(topics = Topics.WINDOW_STAGED)
    void onWindowStaged(WindowStaged event) {
        merger.onWindowStaged(event);
    }
}
