package dev.dmsflow.merge.kafka;

import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.support.run.OutcomeSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;

/**
 * Publishes a merge's outcome (a failed publish fails the record, which is redelivered and the recorded outcome
 * republished) and counts rows merged per table, and failures, for Prometheus.
 */
public class KafkaMergeEvents implements OutcomeSink {

    private final OutcomeSink publisher;
    private final MeterRegistry meters;

    public KafkaMergeEvents(OutcomeSink publisher, MeterRegistry meters) {
        this.publisher = publisher;
        this.meters = meters;
    }

    @Override
    public void publish(SpecificRecord outcome) {
        publisher.publish(outcome);
        if (outcome instanceof MergeCompleted completed) {
            for (TableMergeResult table : completed.getTables()) {
                String name = table.getTable().getTargetSchema() + "." + table.getTable().getTargetTable();
                meters.counter("dmsflow.merge.rows", "table", name, "action", "inserted").increment(table.getInserted());
                meters.counter("dmsflow.merge.rows", "table", name, "action", "updated").increment(table.getUpdated());
                meters.counter("dmsflow.merge.rows", "table", name, "action", "skipped_stale").increment(table.getSkippedStale());
                meters.counter("dmsflow.merge.rows", "table", name, "action", "duplicate").increment(table.getDuplicates());
            }
            meters.timer("dmsflow.merge.duration").record(Duration.ofMillis(completed.getDurationMillis()));
        } else if (outcome instanceof TaskFailed failed) {
            meters.counter("dmsflow.merge.failures", "retryable", String.valueOf(failed.getRetryable())).increment();
        }
    }
}
