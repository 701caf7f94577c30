package dev.dmsflow.merge.kafka;

import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.merge.run.MergeEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import dev.dmsflow.support.kafka.EventPublisher;

/**
 * Publishes outcomes (a failed publish fails the record, which is redelivered and the run record republished) and
 * counts rows merged per table for Prometheus.
 */
public class KafkaMergeEvents implements MergeEvents {

    private final EventPublisher publisher;
    private final MeterRegistry meters;
    private final Duration timeout;

    public KafkaMergeEvents(EventPublisher publisher, MeterRegistry meters, Duration timeout) {
        this.publisher = publisher;
        this.meters = meters;
        this.timeout = timeout;
    }

    @Override
    public void completed(MergeCompleted event) {
        publisher.publish(event, timeout);
        for (TableMergeResult table : event.getTables()) {
            String name = table.getTable().getTargetSchema() + "." + table.getTable().getTargetTable();
            meters.counter("dmsflow.merge.rows", "table", name, "action", "inserted").increment(table.getInserted());
            meters.counter("dmsflow.merge.rows", "table", name, "action", "updated").increment(table.getUpdated());
            meters.counter("dmsflow.merge.rows", "table", name, "action", "skipped_stale").increment(table.getSkippedStale());
            meters.counter("dmsflow.merge.rows", "table", name, "action", "duplicate").increment(table.getDuplicates());
        }
        meters.timer("dmsflow.merge.duration").record(Duration.ofMillis(event.getDurationMillis()));
    }

    @Override
    public void failed(TaskFailed event) {
        publisher.publish(event, timeout);
        meters.counter("dmsflow.merge.failures", "retryable", String.valueOf(event.getRetryable())).increment();
    }
}
