package dev.dmsflow.infra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** Reads what was published to topics of the shared broker, from their beginning, for one key (requestId) at a time. */
public final class TopicProbe<V> implements AutoCloseable {

    private final KafkaConsumer<String, V> consumer;
    private final List<ConsumerRecord<String, V>> seen = new ArrayList<>();

    public TopicProbe(Deserializer<V> values, String... topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), values);
        consumer.subscribe(List.of(topics));
    }

    /** Waits until {@code count} values of the type were published with the key, and returns them in order. */
    public <T extends V> List<T> await(String key, Class<T> type, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            poll();
            return received(key, type).size() >= count;
        });
        return received(key, type);
    }

    /** Everything of the type received with the key after polling for {@code quiet} more. */
    public <T extends V> List<T> settle(String key, Class<T> type, Duration quiet) {
        long until = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < until) {
            poll();
        }
        return received(key, type);
    }

    private void poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }

    private <T extends V> List<T> received(String key, Class<T> type) {
        return seen.stream().filter(r -> key.equals(r.key()) && type.isInstance(r.value())).map(r -> type.cast(r.value())).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
