package dev.dmsflow.merge.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.merge.run.MergeEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes outcomes and waits for the broker's acknowledgement, so a failed publish fails the record and it is
 * redelivered (the run record then republishes the same MergeCompleted). Counts rows merged per table for Prometheus.
 */
public class KafkaMergeEvents implements MergeEvents {

    private final KafkaTemplate<String, SpecificRecord> template;
    private final MeterRegistry meters;
    private final Duration timeout;

    public KafkaMergeEvents(KafkaTemplate<String, SpecificRecord> template, MeterRegistry meters, Duration timeout) {
        this.template = template;
        this.meters = meters;
        this.timeout = timeout;
    }

    @Override
    public void completed(MergeCompleted event) {
        send(Topics.MERGE_COMPLETED, event.getHeader().getRequestId(), event);
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
        send(Topics.ALERTS, event.getHeader().getRequestId(), event);
        meters.counter("dmsflow.merge.failures", "retryable", String.valueOf(event.getRetryable())).increment();
    }

    private void send(String topic, String key, SpecificRecord event) {
        try {
            template.send(topic, key, event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not publish " + event.getSchema().getName() + " for run " + key + " to " + topic, e);
        }
    }
}
