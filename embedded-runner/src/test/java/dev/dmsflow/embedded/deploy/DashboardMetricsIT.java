package dev.dmsflow.embedded.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.serde.AvroEventSerializer;
import dev.dmsflow.embedded.EmbeddedDmsflow;
import dev.dmsflow.embedded.console.SharedEmbeddedDmsflow;
import dev.dmsflow.infra.ApiCalls;
import dev.dmsflow.infra.HealthProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric the Grafana dashboard (deploy/grafana/dashboards/dmsflow.json) queries is one the services export:
 * on the embedded default, after a reload that passes, a request that fails and a failed validation, the union of
 * what every service's {@code /actuator/prometheus} shows holds each of them. A metric with labels appears only once
 * something counted it, hence the runs first.
 */
@ExtendWith(SharedEmbeddedDmsflow.class)
class DashboardMetricsIT {

    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    @Test
    void everyMetricTheDashboardQueriesIsExported(EmbeddedDmsflow dmsflow) throws Exception {
        Set<String> queried = MonitoringFilesTest.dashboardMetrics();
        String suffix = UUID.randomUUID().toString().substring(0, 8);

        requestReload(dmsflow, "dashboard-" + suffix);
        publish(dmsflow, TaskRequested.newBuilder()
                .setHeader(header("dashboard-unknown-" + suffix))
                .setKind(TaskKind.TIME_WINDOW_RELOAD)
                .setTables(List.of(RequestedTable.newBuilder().setName("no_such_table").build()))
                .setWindow(JANUARY).setRequestedBy("dashboard-test").build());
        // a validation failure as validation-service reports one, for a run of no table's lease: what the console counts
        publish(dmsflow, new ValidationFailed(header("dashboard-mismatch-" + suffix), TaskKind.TIME_WINDOW_RELOAD, JANUARY,
                List.of(new CheckResult("orders", "STALE", false, "0", "1", List.of("3000"), 0L, null, List.of())), List.of(), 10L, 1L, 0, true));

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(exported(dmsflow)).as("metrics the services export").containsAll(queried));
    }

    private static Set<String> exported(EmbeddedDmsflow dmsflow) {
        Set<String> names = new TreeSet<>();
        for (String service : dmsflow.services()) {
            for (String line : HealthProbe.localPort(dmsflow.managementPort(service), null).prometheus().split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
        }
        return names;
    }

    private static EventHeader header(String requestId) {
        return new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now().truncatedTo(ChronoUnit.MILLIS), "dashboard-test", 1);
    }

    private static void requestReload(EmbeddedDmsflow dmsflow, String requestId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + dmsflow.port("dms-controller-service") + "/api/reloads"))
                .header("Authorization", dmsflow.operator().basicAuthorization())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"tables":["orders"],"from":"2026-01-01T00:00:00Z","to":"2026-02-01T00:00:00Z","requestId":"%s"}""".formatted(requestId)))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(120)).until(() ->
                ApiCalls.send(dmsflow.port("ops-console"), "GET", "/api/console/runs/" + requestId, dmsflow.operator()).body().contains("\"status\":\"PASSED\""));
    }

    private static void publish(EmbeddedDmsflow dmsflow, SpecificRecord event) throws Exception {
        String topic = Topics.VALUE_TYPES.entrySet().stream().filter(e -> e.getValue().contains(event.getClass())).findFirst().orElseThrow().getKey();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, dmsflow.infrastructure().kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new AvroEventSerializer())) {
            String key = ((EventHeader) event.get(event.getSchema().getField("header").pos())).getRequestId();
            producer.send(new ProducerRecord<>(topic, key, event)).get(30, TimeUnit.SECONDS);
        }
    }
}
