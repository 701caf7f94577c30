package dev.dmsflow.embedded.load;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Every record of every dmsflow topic and of their dead-letter topics, read from the beginning by a plain consumer of
 * its own group: the events decoded, dead letters kept as records without an event. The topics must exist (the
 * services create them when they start).
 */
public final class EventLog implements AutoCloseable {

    /** A record as read: where it is, its key, Kafka timestamp, and the event (null on a dead-letter topic). */
    public record Entry(String topic, int partition, long offset, String key, Instant timestamp, SpecificRecord event) {

        public boolean deadLetter() {
            return topic.endsWith(Topics.DLT_SUFFIX);
        }
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public EventLog(String bootstrapServers) {
        this(bootstrapServers, Map.of());
    }

    /** @param clientProperties further consumer settings, e.g. a SASL login */
    public EventLog(String bootstrapServers, Map<String, Object> clientProperties) {
        List<String> topics = new ArrayList<>();
        for (String topic : Topics.VALUE_TYPES.keySet()) {
            topics.add(topic);
            topics.add(Topics.deadLetterTopic(topic));
        }
        AvroEventDeserializer events = new AvroEventDeserializer();
        events.configure(Map.of(), false);
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "event-log-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        boolean deadLetter = record.topic().endsWith(Topics.DLT_SUFFIX);
                        entries.add(new Entry(record.topic(), record.partition(), record.offset(), record.key(), Instant.ofEpochMilli(record.timestamp()),
                                deadLetter ? null : (SpecificRecord) events.deserialize(record.topic(), record.value())));
                    }
                }
            }
        }, "event-log");
        thread.setDaemon(true);
        thread.start();
    }

    public List<Entry> all() {
        return List.copyOf(entries);
    }

    /** The run's events (keyed by its requestId), in the order read. */
    public List<Entry> of(String requestId) {
        return entries.stream().filter(e -> !e.deadLetter() && requestId.equals(e.key())).toList();
    }

    public <T extends SpecificRecord> List<T> events(String requestId, Class<T> type) {
        return of(requestId).stream().map(Entry::event).filter(type::isInstance).map(type::cast).toList();
    }

    public List<Entry> deadLetters() {
        return entries.stream().filter(Entry::deadLetter).toList();
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
