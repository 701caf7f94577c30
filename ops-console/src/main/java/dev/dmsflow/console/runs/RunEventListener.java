package dev.dmsflow.console.runs;

import dev.dmsflow.contracts.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Thin: every dmsflow topic into the read model, one transaction per event. A database outage goes to the shared
 * error handler, which waits for it; an undecodable record goes to its DLT (and the console's alerts page).
 */
@Component
class RunEventListener {

    private final ReadModel readModel;
    private final TransactionTemplate transactions;

    RunEventListener(ReadModel readModel, TransactionTemplate transactions) {
        this.readModel = readModel;
        this.transactions = transactions;
    }

    // three partitions per topic: a consumer per partition
    @KafkaListener(id = "ops-console-events", concurrency = "3", topics = {Topics.TASK_REQUESTED, Topics.TASK_PROGRESS,
            Topics.FULL_LOAD_COMPLETED, Topics.WINDOW_STAGED, Topics.MERGE_COMPLETED, Topics.VALIDATION_REQUESTED,
            Topics.VALIDATION_PASSED, Topics.ALERTS, Topics.REPAIRS})
    void onEvent(ConsumerRecord<String, SpecificRecord> record) {
        transactions.executeWithoutResult(status -> readModel.accept(record.topic(), record.value()));
    }
}
