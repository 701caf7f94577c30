package dev.dmsflow.merge;

import org.awaitility.Awaitility;

import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads what the service published to a topic for one requestId, from the real broker. */
public final class TopicProbe implements AutoCloseable {

    private final KafkaConsumer<String, SpecificRecord> consumer;
    private final List<ConsumerRecord<String, SpecificRecord>> seen = new ArrayList<>();

    public TopicProbe(String... topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "probe-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new AvroEventDeserializer());
        consumer.subscribe(List.of(topics));
    }

    /** Waits until {@code count} events of the type were published for the request, and returns them. */
    public <T extends SpecificRecord> List<T> await(String requestId, Class<T> type, int count) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            return received(requestId, type).size() >= count;
        });
        return received(requestId, type);
    }

    /** Everything of the type received so far for the request, after polling for {@code quiet} more. */
    public <T extends SpecificRecord> List<T> settle(String requestId, Class<T> type, Duration quiet) {
        long until = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < until) {
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
        return received(requestId, type);
    }

    private <T extends SpecificRecord> List<T> received(String requestId, Class<T> type) {
        return seen.stream().filter(r -> requestId.equals(r.key()) && type.isInstance(r.value())).map(r -> type.cast(r.value())).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
