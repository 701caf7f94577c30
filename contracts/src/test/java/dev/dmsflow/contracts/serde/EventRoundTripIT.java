package dev.dmsflow.contracts.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import dev.dmsflow.contracts.SampleEvents;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.awaitility.Awaitility.await;

/** Every event type through a real broker, in both framings, read back equal and in order per requestId. */
class EventRoundTripIT {

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private final DmsflowInfrastructure infra = DmsflowInfrastructure.shared();

    @Test
    void singleObjectEncoding() {
        roundTrip(Map.of());
    }

    @Test
    void confluentWireFormatWithRegistry() throws Exception {
        Map<Class<? extends SpecificRecord>, SpecificRecord> samples = SampleEvents.all("any");
        int id = 1;
        for (var topic : Topics.VALUE_TYPES.entrySet()) {
            for (Class<? extends SpecificRecord> type : topic.getValue()) {
                SchemaRegistrySerdeTest.stubSchema(registry, prefixFor("registry") + topic.getKey() + "-"
                        + samples.get(type).getSchema().getFullName(), samples.get(type), id++);
            }
        }
        roundTrip(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.baseUrl()));
    }

    private void roundTrip(Map<String, Object> serdeConfig) {
        String framing = serdeConfig.isEmpty() ? "single-object" : "registry";
        String requestId = "req-" + UUID.randomUUID();
        Map<Class<? extends SpecificRecord>, SpecificRecord> samples = SampleEvents.all(requestId);
        Map<String, List<SpecificRecord>> sent = new HashMap<>();

        Map<String, Object> producerConfig = new HashMap<>(serdeConfig);
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), serializer(serdeConfig))) {
            for (var topic : Topics.VALUE_TYPES.entrySet()) {
                String name = prefixFor(framing) + topic.getKey();
                for (Class<? extends SpecificRecord> type : topic.getValue()) {
                    producer.send(new ProducerRecord<>(name, requestId, samples.get(type)));
                    sent.computeIfAbsent(name, t -> new ArrayList<>()).add(samples.get(type));
                }
            }
            producer.flush();
        }

        Map<String, Object> consumerConfig = new HashMap<>(serdeConfig);
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafkaBootstrapServers());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "round-trip-" + UUID.randomUUID());
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, List<SpecificRecord>> received = new HashMap<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), deserializer(serdeConfig))) {
            consumer.subscribe(sent.keySet());
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (ConsumerRecord<String, SpecificRecord> record : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(record.key()).isEqualTo(requestId);
                    received.computeIfAbsent(record.topic(), t -> new ArrayList<>()).add(record.value());
                }
                assertThat(received).isEqualTo(sent);
            });
        }
    }

    private static String prefixFor(String framing) {
        return "roundtrip-" + framing + ".";
    }

    private static AvroEventSerializer serializer(Map<String, Object> config) {
        AvroEventSerializer serializer = new AvroEventSerializer();
        serializer.configure(config, false);
        return serializer;
    }

    private static AvroEventDeserializer deserializer(Map<String, Object> config) {
        AvroEventDeserializer deserializer = new AvroEventDeserializer();
        deserializer.configure(config, false);
        return deserializer;
    }
}
