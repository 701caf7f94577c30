package dev.dmsflow.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One call to a service's API as a user, or anonymously: what the services' role tables send. */
public final class ApiCalls {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ApiCalls() {
    }

    /** @param user null for an anonymous call; a POST sends an empty JSON object */
    public static HttpResponse<String> send(int port, String method, String path, ApiUser user) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json");
        if (user != null) {
            request.header("Authorization", user.basicAuthorization());
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("No answer from " + method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling " + path, e);
        }
    }

    /** The test user of that name ({@link ApiUser#TEST_USERS}), or null for "anonymous". */
    public static ApiUser user(String name) {
        return "anonymous".equals(name) ? null
                : ApiUser.TEST_USERS.stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(name));
    }
}
