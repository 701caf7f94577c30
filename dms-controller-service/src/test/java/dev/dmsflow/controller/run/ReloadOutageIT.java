package dev.dmsflow.controller.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.controller.DmsControllerApplication;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.TopicProbe;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The database is unreachable: a reload request is not accepted (503, saying why) and nothing is published. */
class ReloadOutageIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aReloadIsRefusedWith503WhileTheRunStoreIsUnreachable() throws Exception {
        String requestId = "req-" + UUID.randomUUID();
        try (ConfigurableApplicationContext controller = startWithoutDatabase();
             TopicProbe<SpecificRecord> topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.TASK_REQUESTED)) {
            String base = "http://localhost:" + controller.getEnvironment().getProperty("local.server.port");

            HttpResponse<String> reload = post(base + "/api/reloads", "{\"tables\":[\"orders\"],\"from\":\"2026-01-01T00:00:00Z\","
                    + "\"to\":\"2026-02-01T00:00:00Z\",\"requestId\":\"" + requestId + "\"}");
            assertThat(reload.statusCode()).isEqualTo(503);
            assertThat(reload.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(reload.body()).contains(requestId).contains("the run store is unreachable");

            HttpResponse<String> retry = post(base + "/api/runs/" + requestId + "/retry", "");
            assertThat(retry.statusCode()).isEqualTo(503);
            assertThat(retry.body()).contains("the run store is unreachable");

            assertThat(topics.settle(requestId, TaskRequested.class, Duration.ofSeconds(1))).isEmpty();
            assertThat(controller.isActive()).isTrue();
        }
    }

    private HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The broker is there; the database is a port nobody listens on. */
    private static ConfigurableApplicationContext startWithoutDatabase() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        return DmsControllerApplication.application()
                .properties(ControllerTestSupport.properties("http://unused"))
                .properties(Map.of(
                        "spring.kafka.bootstrap-servers", DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                        "spring.datasource.url", "jdbc:postgresql://localhost:" + closed + "/dmsflow_db1",
                        "spring.datasource.username", DmsflowInfrastructure.USER,
                        "spring.flyway.enabled", "false",
                        "dmsflow.controller.request-timeout", "5s"))
                .run("--server.port=0");
    }
}
