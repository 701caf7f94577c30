package dev.dmsflow.embedded.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dmsflow.infra.ApiUser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The REST API of one controller instance: reload requests, a run's view, the leases; called as the test user
 * {@link ApiUser#RELOADER}, who is each request's requestedBy.
 */
public final class ControllerClient {

    /** What a request asks for: its kind, tables and a window, under a requestId the caller chose. */
    public record Reload(String requestId, String kind, List<String> tables, Instant from, Instant to) {

        /** A TIME_WINDOW_RELOAD of the tables' window. */
        public Reload(String requestId, List<String> tables, Instant from, Instant to) {
            this(requestId, "TIME_WINDOW_RELOAD", tables, from, to);
        }

        /** A VALIDATE_ONLY run: the source's window of the tables against production's, nothing loaded or merged. */
        public static Reload validateOnly(String requestId, List<String> tables, Instant from, Instant to) {
            return new Reload(requestId, "VALIDATE_ONLY", tables, from, to);
        }

        String json() {
            ObjectNode body = JSON.createObjectNode().put("requestId", requestId).put("kind", kind)
                    .put("from", from.toString()).put("to", to.toString());
            tables.forEach(body.putArray("tables")::add);
            return body.toString();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;

    public ControllerClient(int port) {
        this.base = URI.create("http://localhost:" + port);
    }

    /** Posts the request; the HTTP status (202 when it was published). */
    public int post(Reload reload) {
        return send(HttpRequest.newBuilder(base.resolve("/api/reloads")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(reload.json())).build()).statusCode();
    }

    /** {@code GET /api/runs/{requestId}}, empty when the controller knows no such run. */
    public Optional<JsonNode> run(String requestId) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/runs/" + requestId)).GET().build());
        return response.statusCode() == 404 ? Optional.empty() : Optional.of(read(response));
    }

    /** {@code GET /api/leases}: every leased staging table with the run holding it. */
    public List<JsonNode> leases() {
        List<JsonNode> leases = new ArrayList<>();
        read(send(HttpRequest.newBuilder(base.resolve("/api/leases")).GET().build())).forEach(leases::add);
        return leases;
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("Authorization", ApiUser.RELOADER.basicAuthorization()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("No answer from " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling " + request.uri(), e);
        }
    }

    private static JsonNode read(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("Not JSON: " + response.body(), e);
        }
    }
}
