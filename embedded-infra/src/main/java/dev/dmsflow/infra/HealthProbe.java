package dev.dmsflow.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a running service's Actuator endpoints on its management port: how the embedded runner and the smoke tests
 * know a service is up. Health shows its components only to a user with the read role.
 */
public final class HealthProbe {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final URI base;
    private final ApiUser user;

    private HealthProbe(URI base, ApiUser user) {
        this.base = base;
        this.user = user;
    }

    /** @param managementPort the service's {@code local.management.port}; @param user one with the read role, or null (status only) */
    public static HealthProbe localPort(int managementPort, ApiUser user) {
        return new HealthProbe(URI.create("http://localhost:" + managementPort), user);
    }

    /** Overall status and each component's status, from {@code /actuator/health}. */
    public record Health(String status, Map<String, String> components) {
    }

    public Health health() {
        JsonNode body = readJson(get("/actuator/health"));
        Map<String, String> components = new LinkedHashMap<>();
        body.path("components").properties().forEach(e -> components.put(e.getKey(), e.getValue().path("status").asText()));
        return new Health(body.path("status").asText(), components);
    }

    /** The Prometheus scrape, {@code /actuator/prometheus}. */
    public String prometheus() {
        return get("/actuator/prometheus");
    }

    private String get(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET();
        if (user != null) {
            builder.header("Authorization", user.basicAuthorization());
        }
        HttpRequest request = builder.build();
        try {
            // Actuator answers 503 with the same body when DOWN: the caller decides from the status inside
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("No answer from " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling " + request.uri(), e);
        }
    }

    private static JsonNode readJson(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("Not JSON: " + body, e);
        }
    }
}
