package dev.dmsflow.contracts.serde;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.dmsflow.contracts.SampleEvents;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.TaskFailed;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The registry path against a WireMock stub that answers like the Confluent Schema Registry REST API. */
class SchemaRegistrySerdeTest {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    @RegisterExtension
    static WireMockExtension registry = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    /** Answers register and fetch for the schema under the subject, with the id. */
    static void stubSchema(WireMockExtension registry, String subject, SpecificRecord event, int id) throws Exception {
        ObjectMapper json = new ObjectMapper();
        registry.stubFor(post(urlEqualTo("/subjects/" + subject + "/versions"))
                .withHeader("Content-Type", equalTo(CONTENT_TYPE))
                .withRequestBody(matchingJsonPath("$.schema", equalTo(event.getSchema().toString())))
                .willReturn(okForContentType(CONTENT_TYPE, "{\"id\":" + id + "}")));
        registry.stubFor(get(urlEqualTo("/schemas/ids/" + id))
                .willReturn(okForContentType(CONTENT_TYPE,
                        json.writeValueAsString(Map.of("schema", event.getSchema().toString())))));
    }

    @Test
    void writesConfluentWireFormatAndCallsTheRegistryOncePerSchema() throws Exception {
        SpecificRecord event = SampleEvents.all("req-1").get(TaskFailed.class);
        String subject = Topics.ALERTS + "-" + TaskFailed.getClassSchema().getFullName();
        stubSchema(registry, subject, event, 7);
        AvroEventSerializer serializer = configuredSerializer();
        AvroEventDeserializer deserializer = configuredDeserializer();

        for (int i = 0; i < 5; i++) {
            byte[] bytes = serializer.serialize(Topics.ALERTS, event);
            assertThat(bytes[0]).isZero();
            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(7);
            assertThat(deserializer.deserialize(Topics.ALERTS, bytes)).isEqualTo(event);
        }

        registry.verify(1, postRequestedFor(urlEqualTo("/subjects/" + subject + "/versions")));
        registry.verify(1, getRequestedFor(urlEqualTo("/schemas/ids/7")));
    }

    @Test
    void everyEventTypeGetsItsOwnSubjectAndId() throws Exception {
        AvroEventSerializer serializer = configuredSerializer();
        AvroEventDeserializer deserializer = configuredDeserializer();
        Map<Class<? extends SpecificRecord>, SpecificRecord> events = SampleEvents.all("req-2");
        int id = 100;
        for (var topic : Topics.VALUE_TYPES.entrySet()) {
            for (Class<? extends SpecificRecord> type : topic.getValue()) {
                SpecificRecord event = events.get(type);
                stubSchema(registry, topic.getKey() + "-" + event.getSchema().getFullName(), event, ++id);

                byte[] bytes = serializer.serialize(topic.getKey(), event);

                assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
                assertThat(deserializer.deserialize(topic.getKey(), bytes)).isEqualTo(event);
            }
        }
    }

    @Test
    void deserializerReadsBothFramings() throws Exception {
        SpecificRecord event = SampleEvents.all("req-3").get(TaskFailed.class);
        stubSchema(registry, Topics.ALERTS + "-" + TaskFailed.getClassSchema().getFullName(), event, 9);
        AvroEventSerializer singleObject = new AvroEventSerializer();
        singleObject.configure(Map.of(), false);
        AvroEventDeserializer deserializer = configuredDeserializer();

        assertThat(deserializer.deserialize(Topics.ALERTS, singleObject.serialize(Topics.ALERTS, event))).isEqualTo(event);
        assertThat(deserializer.deserialize(Topics.ALERTS, configuredSerializer().serialize(Topics.ALERTS, event))).isEqualTo(event);
    }

    @Test
    void registryErrorsBecomeSerializationExceptionsNamingTheRegistry() {
        registry.stubFor(post(urlPathMatching("/subjects/.*")).willReturn(aResponse().withStatus(500).withBody("{\"error_code\":50001}")));
        registry.stubFor(get(urlEqualTo("/schemas/ids/404")).willReturn(aResponse().withStatus(404)
                .withBody("{\"error_code\":40403,\"message\":\"Schema not found\"}")));

        assertThatThrownBy(() -> configuredSerializer().serialize(Topics.ALERTS, SampleEvents.all("r").get(TaskFailed.class)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(registry.baseUrl())
                .hasMessageContaining("HTTP 500");
        assertThatThrownBy(() -> configuredDeserializer().deserialize(Topics.ALERTS, new byte[] {0, 0, 0, 0x01, (byte) 0x94, 0}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("fetch schema id 404")
                .hasMessageContaining("Schema not found");
    }

    private static AvroEventSerializer configuredSerializer() {
        AvroEventSerializer serializer = new AvroEventSerializer();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.baseUrl()), false);
        return serializer;
    }

    private static AvroEventDeserializer configuredDeserializer() {
        AvroEventDeserializer deserializer = new AvroEventDeserializer();
        deserializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.baseUrl()), false);
        return deserializer;
    }
}
