package dev.dmsflow.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docs/asyncapi.yaml against the code: its channels are exactly {@link Topics}' topics and their dead-letter topics,
 * each topic's messages are the event types {@link Topics#VALUE_TYPES} gives it, each message's Avro schema file is
 * that event's schema (name and fields), and every operation names a channel and messages of that channel.
 */
class AsyncApiDocumentTest {

    static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml");
    static Map<String, Object> document;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        document = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(DOCUMENT));
    }

    @Test
    void isAnAsyncApi3Document() {
        assertThat(String.valueOf(document.get("asyncapi"))).startsWith("3.");
    }

    @Test
    void itsChannelsAreEveryTopicAndItsDeadLetterTopic() {
        Set<String> topics = new HashSet<>();
        for (String topic : Topics.VALUE_TYPES.keySet()) {
            topics.add(topic);
            topics.add(Topics.deadLetterTopic(topic));
        }
        assertThat(channels().values().stream().map(channel -> (String) channel.get("address")).toList())
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(topics);
    }

    @Test
    void eachTopicCarriesTheEventTypesOfTopics() {
        for (Map<String, Object> channel : channels().values()) {
            String address = (String) channel.get("address");
            List<String> messages = map(channel.get("messages")).values().stream().map(ref -> ref(ref, "#/components/messages/")).toList();
            if (address.endsWith(Topics.DLT_SUFFIX)) {
                assertThat(messages).as(address).containsExactly("DeadLetter");
            } else {
                assertThat(messages).as(address).containsExactlyInAnyOrderElementsOf(
                        Topics.VALUE_TYPES.get(address).stream().map(Class::getSimpleName).toList());
            }
        }
    }

    @Test
    void eachEventMessageReferencesItsAvroSchema() throws Exception {
        Map<String, Object> messages = map(map(document.get("components")).get("messages"));
        List<Class<? extends SpecificRecord>> types = Topics.VALUE_TYPES.values().stream().flatMap(List::stream).toList();
        assertThat(messages.keySet()).containsExactlyInAnyOrderElementsOf(
                concat(types.stream().map(Class::getSimpleName).toList(), "DeadLetter"));
        ObjectMapper json = new ObjectMapper();
        for (Class<? extends SpecificRecord> type : types) {
            Map<String, Object> payload = map(map(messages.get(type.getSimpleName())).get("payload"));
            assertThat((String) payload.get("schemaFormat")).as(type.getSimpleName()).startsWith("application/vnd.apache.avro+json");
            Path file = DOCUMENT.getParent().resolve((String) map(payload.get("schema")).get("$ref")).normalize();
            assertThat(file).as(type.getSimpleName() + "'s schema").isRegularFile();
            JsonNode avsc = json.readTree(file.toFile());
            Schema schema = SpecificData.get().getSchema(type);
            assertThat(avsc.path("namespace").asText() + "." + avsc.path("name").asText()).isEqualTo(schema.getFullName());
            List<String> fields = new ArrayList<>();
            avsc.path("fields").forEach(field -> fields.add(field.path("name").asText()));
            assertThat(fields).as(file.toString()).isEqualTo(schema.getFields().stream().map(Schema.Field::name).toList());
        }
    }

    @Test
    void everyOperationNamesAChannelAndItsMessagesAndEveryTopicIsSentAndReceived() {
        Map<String, Map<String, Object>> channels = channels();
        Set<String> sent = new HashSet<>();
        Set<String> received = new HashSet<>();
        map(document.get("operations")).forEach((name, body) -> {
            Map<String, Object> operation = map(body);
            String channel = ref(operation.get("channel"), "#/channels/");
            assertThat(channels).as(name).containsKey(channel);
            for (Object message : (List<?>) operation.get("messages")) {
                String path = ref(message, "#/channels/");
                assertThat(path).as(name).startsWith(channel + "/messages/");
                assertThat(map(channels.get(channel).get("messages"))).as(name).containsKey(path.substring((channel + "/messages/").length()));
            }
            (operation.get("action").equals("send") ? sent : received).add(channel);
        });
        assertThat(sent).as("channels someone sends to").containsExactlyInAnyOrderElementsOf(channels.keySet());
        assertThat(received).as("channels someone receives from").containsExactlyInAnyOrderElementsOf(channels.keySet());
    }

    private static Map<String, Map<String, Object>> channels() {
        Map<String, Map<String, Object>> channels = new LinkedHashMap<>();
        map(document.get("channels")).forEach((name, channel) -> channels.put(name, map(channel)));
        return channels;
    }

    private static String ref(Object holder, String prefix) {
        String ref = (String) map(holder).get("$ref");
        assertThat(ref).startsWith(prefix);
        return ref.substring(prefix.length());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<String> concat(List<String> names, String name) {
        List<String> all = new ArrayList<>(names);
        all.add(name);
        return all;
    }
}
