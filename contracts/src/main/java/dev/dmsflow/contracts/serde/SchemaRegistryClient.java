package dev.dmsflow.contracts.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Minimal client of the Confluent Schema Registry REST API. Ids and schemas are cached for the life of the client,
 * so the registry is called once per (subject, schema) and once per id, not once per message.
 */
final class SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    SchemaRegistryClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Registers the schema under the subject (a no-op in the registry when already there) and returns its id. */
    int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(subject + '\0' + schema.toString(), key -> {
            String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create(baseUrl + "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", CONTENT_TYPE)
                    .header("Accept", CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            int id = send(request, "register schema " + schema.getFullName() + " under subject " + subject).path("id").asInt(-1);
            if (id < 0) {
                throw new SerializationException("Schema registry " + baseUrl + " answered without an id when registering subject " + subject);
            }
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    /** The writer schema registered under the id. */
    Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, key -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/schemas/ids/" + id))
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", CONTENT_TYPE)
                    .GET()
                    .build();
            String schema = send(request, "fetch schema id " + id).path("schema").asText(null);
            if (schema == null) {
                throw new SerializationException("Schema registry " + baseUrl + " answered without a schema for id " + id);
            }
            return new Schema.Parser().parse(schema);
        });
    }

    private JsonNode send(HttpRequest request, String what) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new SerializationException("Schema registry " + baseUrl + " refused to " + what + ": HTTP "
                        + response.statusCode() + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SerializationException("Schema registry " + baseUrl + " unreachable, could not " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SerializationException("Interrupted while trying to " + what, e);
        }
    }
}
