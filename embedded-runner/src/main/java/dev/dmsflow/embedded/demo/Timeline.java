package dev.dmsflow.embedded.demo;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairRequested;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Follows every dmsflow topic and prints each event as it happens: time, event, run, key figures. */
public final class Timeline implements AutoCloseable {

    /** An event as it was seen. */
    public record Seen(Instant at, String requestId, SpecificRecord event) {
    }

    private final List<Seen> events = new CopyOnWriteArrayList<>();
    private final Instant started = Instant.now();
    private final PrintStream out;
    private final Thread thread;
    private volatile boolean running = true;

    public Timeline(String bootstrapServers, PrintStream out) {
        this.out = out;
        KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "demo-timeline-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), new StringDeserializer(), new AvroEventDeserializer());
        CountDownLatch assigned = new CountDownLatch(1);
        consumer.subscribe(new ArrayList<>(Topics.VALUE_TYPES.keySet()), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                assigned.countDown();
            }
        });
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(100))) {
                        Seen seen = new Seen(Instant.now(), record.key(), record.value());
                        events.add(seen);
                        print(seen);
                    }
                }
            }
        }, "demo-timeline");
        thread.setDaemon(true);
        thread.start();
        // the consumer joins its group before any run starts, so no event is missed
        try {
            if (!assigned.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the timeline could not join the broker's consumer group in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public List<Seen> of(String requestId) {
        return events.stream().filter(e -> requestId.equals(e.requestId())).toList();
    }

    private void print(Seen seen) {
        out.printf("  %6.1fs  %-18s %-22s %s%n", Duration.between(started, seen.at()).toMillis() / 1000.0,
                seen.event().getSchema().getName(), seen.requestId(), figures(seen.event()));
    }

    public static String figures(SpecificRecord event) {
        if (event instanceof TaskRequested e) {
            return e.getKind() + " " + e.getTables().stream().map(t -> t.getName()).toList() + (e.getWindow() == null ? ""
                    : " [" + e.getWindow().getFrom() + ", " + e.getWindow().getTo() + ")");
        } else if (event instanceof TaskProgress e) {
            return e.getStatus() + " " + e.getPercentComplete() + "%";
        } else if (event instanceof FullLoadCompleted e) {
            return (e.getRepair() == null ? "" : "repair round " + e.getRepair().getRound() + ": ") + e.getEngine() + " " + e.getTables().stream().map(t -> t.getTable().getName() + "=" + String.format("%,d", t.getFullLoadRows()))
                    .collect(Collectors.joining(" "));
        } else if (event instanceof WindowStaged e) {
            return e.getTables().stream().map(t -> t.getTable().getName() + " staged " + String.format("%,d", t.getStagedRows())).collect(Collectors.joining(", "));
        } else if (event instanceof MergeCompleted e) {
            return (e.getRepair() == null ? "" : "repair round " + e.getRepair().getRound() + ": ")
                    + e.getTables().stream().map(t -> String.format("%s +%,d ~%,d stale %,d deleted %,d dup %,d", t.getTable().getName(), t.getInserted(),
                    t.getUpdated(), t.getSkippedStale(), t.getSkippedDeleted(), t.getDuplicates())
                    + (t.getDeleted() + t.getKeptAbsent() == 0 ? "" : String.format(" removed %,d kept %,d", t.getDeleted(), t.getKeptAbsent())))
                    .collect(Collectors.joining(", ")) + " in " + e.getDurationMillis() + " ms";
        } else if (event instanceof ValidationPassed e) {
            return e.getChecks().size() + " checks passed, " + e.getChecks().stream().mapToLong(c -> c.getInFlight()).sum() + " rows in flight";
        } else if (event instanceof ValidationFailed e) {
            return e.getFailures().stream().map(f -> f.getTable() + " " + f.getCheck() + " expected " + f.getExpected() + " actual " + f.getActual()
                    + (f.getSampleKeys().isEmpty() ? "" : " keys " + f.getSampleKeys()) + (f.getDifferences().isEmpty() ? "" : " columns " + f.getDifferences().stream()
                            .map(d -> d.getKey() + "=" + d.getColumns()).collect(Collectors.joining(", "))))
                    .collect(Collectors.joining("; "));
        } else if (event instanceof ValidationRequested e) {
            return "read leases on " + e.getTables().stream().map(t -> t.getName()).toList() + ": source compared with production";
        } else if (event instanceof TaskFailed e) {
            return e.getStage() + ": " + e.getReason();
        } else if (event instanceof RepairRequested e) {
            return "round " + e.getRound() + " of " + e.getTables().stream().map(t -> t.getName()).toList() + " by " + e.getRequestedBy()
                    + (e.getDeletes().isEmpty() ? "" : ", deletes allowed for " + e.getDeletes());
        } else if (event instanceof RepairPlanned e) {
            return "round " + e.getScope().getRound() + ": " + e.getScope().getTables().stream().map(t -> t.getTable().getName() + " "
                    + t.getKeys().size() + " key(s) " + t.getKeys().stream().limit(5).toList() + (t.getRanges().isEmpty() ? ""
                    : " and " + t.getRanges().size() + " range(s)") + ", " + t.getDroppedKeys() + " dropped")
                    .collect(Collectors.joining("; ")) + " (confirmed in " + e.getDurationMillis() + " ms)";
        } else if (event instanceof RepairCompleted e) {
            return "round " + e.getRound() + (e.getHealed() ? " healed: " : " did not heal: ") + e.getTables().stream()
                    .map(t -> String.format("%s +%,d ~%,d -%,d kept %,d cdc %,d still different %,d", t.getTable(),
                            t.getInserted(), t.getUpdated(), t.getDeleted(), t.getKeptAbsent(), t.getSkippedCdc(), t.getStillDifferent()))
                    .collect(Collectors.joining(", ")) + " in " + e.getDurationMillis() + " ms";
        }
        return "";
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
