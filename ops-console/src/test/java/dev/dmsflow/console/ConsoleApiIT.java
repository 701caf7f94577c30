package dev.dmsflow.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.serde.AvroEventSerializer;
import dev.dmsflow.infra.ApiCalls;
import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The console against the embedded broker and PostgreSQL: real events published, the API read as the read role. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
// closed after the class, while the broker still runs: left to the JVM's exit, its consumers wait 30 s for a broker gone
@DirtiesContext
class ConsoleApiIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static KafkaProducer<String, SpecificRecord> events;
    private static KafkaProducer<String, byte[]> bytes;

    @LocalServerPort
    int port;

    @BeforeAll
    static void producers() {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, DmsflowInfrastructure.shared().kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        events = new KafkaProducer<>(config, new StringSerializer(), new AvroEventSerializer());
        bytes = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void closeProducers() {
        events.close();
        bytes.close();
    }

    @Test
    void aRunPublishedOutOfOrderIsListedFilteredAndShownWithItsStages() throws Exception {
        RunEventsFixture run = new RunEventsFixture("api-" + UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
        String id = run.requested().getHeader().getRequestId();
        publish(run.passed(), run.merged(), run.requested(), run.staged(), run.loaded(), run.progress(), run.merged());

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(get("/api/console/runs/" + id).path("status").asString()).isEqualTo("PASSED"));

        JsonNode view = get("/api/console/runs/" + id);
        assertThat(view.path("durationMillis").asLong()).isEqualTo(3500);
        assertThat(view.path("stages").valueStream().map(s -> s.path("stage").asString() + "=" + s.path("millis").asLong()).toList())
                .containsExactly("LOAD=1500", "STAGING=300", "MERGE=800", "VALIDATION=900");
        assertThat(view.path("tableCounts").get(0).path("inserted").asLong()).isEqualTo(8_606);
        assertThat(view.path("checks").size()).isEqualTo(3);

        JsonNode passedOrders = get("/api/console/runs?table=orders&status=passed&from=" + run.requested().getHeader().getOccurredAt());
        assertThat(passedOrders.path("runs").valueStream().map(r -> r.path("requestId").asString()).toList()).contains(id);
        assertThat(get("/api/console/runs?table=no_such_table").path("total").asLong()).isZero();
        assertThat(get("/api/console/runs?status=FAILED").path("runs").valueStream().map(r -> r.path("requestId").asString())).doesNotContain(id);
        JsonNode firstPage = get("/api/console/runs?size=1");
        assertThat(firstPage.path("runs").size()).isEqualTo(1);
        assertThat(firstPage.path("size").asInt()).isEqualTo(1);
        assertThat(ApiCalls.send(port, "GET", "/api/console/runs?status=LOST", ApiUser.READER).statusCode()).isEqualTo(400);
        assertThat(ApiCalls.send(port, "GET", "/api/console/runs/no-such-run", ApiUser.READER).statusCode()).isEqualTo(404);
    }

    @Test
    void alertsArriveOnTheLiveFeedAsTheyArePublished() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/console/alerts/stream"))
                .header("Authorization", ApiUser.READER.basicAuthorization()).header("Accept", "text/event-stream").build();
        HttpResponse<java.util.stream.Stream<String>> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        java.util.stream.Stream<String> body = response.body();
        Thread reader = new Thread(() -> body.forEach(lines::add), "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> lines.contains("event:connected"));
            RunEventsFixture run = new RunEventsFixture("alert-" + UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MILLIS));
            String id = run.requested().getHeader().getRequestId();
            publish(run.requested(), run.loaded(), run.staged(), run.mergeFailed());

            await().atMost(Duration.ofSeconds(60)).until(() -> lines.stream().anyMatch(line -> line.startsWith("data:") && line.contains(id)));
            String alert = lines.stream().filter(line -> line.contains(id)).findFirst().orElseThrow();
            assertThat(alert).contains("\"type\":\"TaskFailed\"", "\"stage\":\"MERGE\"", "relation production.orders does not exist");
            assertThat(get("/api/console/alerts").path("alerts").valueStream().map(a -> a.path("requestId").asString())).contains(id);
        } finally {
            // closing the stream closes the connection: the console's emitter is done
            body.close();
        }
    }

    @Test
    void aRecordNobodyCanDecodeIsListedWithItsReasonAndEndsNoRun() {
        String key = "undecodable-" + UUID.randomUUID();
        // window-staged: a topic whose given-up records the services turn into TaskFailed (stage MERGE); the console
        // must not. Repairs: the console reads that topic's dead letters too
        List<String> topics = List.of(Topics.WINDOW_STAGED, Topics.REPAIRS);
        for (String topic : topics) {
            bytes.send(new ProducerRecord<>(topic, key, "not avro".getBytes(StandardCharsets.UTF_8)));
        }
        bytes.flush();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(get("/api/console/alerts")
                .path("deadLetters").valueStream().filter(d -> d.path("key").asString().equals(key)).toList())
                .hasSize(2)
                .allSatisfy(deadLetter -> {
                    assertThat(deadLetter.path("dltTopic").asString())
                            .isEqualTo(deadLetter.path("originalTopic").asString() + ".dlt");
                    assertThat(deadLetter.path("reason").asString()).isNotBlank();
                })
                .extracting(deadLetter -> deadLetter.path("originalTopic").asString())
                .containsExactlyInAnyOrderElementsOf(topics));
        // the console only reads: giving up on a record publishes no TaskFailed of its own (which it would list as an alert)
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(get("/api/console/alerts").path("alerts").valueStream().map(a -> a.path("requestId").asString())).doesNotContain(key));
    }

    @Test
    void aRunWhoseValidationFailedIsShownRepairingThenPassedWithItsRepairRound() throws Exception {
        RunEventsFixture run = new RunEventsFixture("repair-" + UUID.randomUUID(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        String id = run.requested().getHeader().getRequestId();
        List<SpecificRecord> events = run.repairedRun();
        // through RepairRequested
        publish(events.subList(0, 7).toArray(SpecificRecord[]::new));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(get("/api/console/runs/" + id).path("timeline").size()).isEqualTo(7));
        // a failed validation followed by the request for its repair is no failed run
        JsonNode repairing = get("/api/console/runs/" + id);
        assertThat(repairing.path("status").asString()).isEqualTo("RUNNING");
        assertThat(repairing.path("stage").asString()).isEqualTo("REPAIR");
        assertThat(repairing.path("repairRound").asInt()).isEqualTo(1);
        assertThat(repairing.path("failure").isNull()).isTrue();
        assertThat(repairing.path("holdsLeases").asBoolean()).isTrue();
        assertThat(requestIds(get("/api/console/runs?status=FAILED"))).doesNotContain(id);

        publish(events.subList(7, events.size()).toArray(SpecificRecord[]::new));

        // every event there: the topics are read by consumers of their own
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(get("/api/console/runs/" + id).path("timeline").size()).isEqualTo(events.size()));
        JsonNode view = get("/api/console/runs/" + id);
        assertThat(view.path("status").asString()).isEqualTo("PASSED");
        assertThat(view.path("attempt").asInt()).isEqualTo(2);
        assertThat(view.path("repairRound").asInt()).isEqualTo(1);
        assertThat(view.path("durationMillis").asLong()).isEqualTo(12_100);
        assertThat(view.path("stages").valueStream()
                .map(stage -> stage.path("stage").asString() + "=" + stage.path("millis").asLong()).toList())
                .containsExactly("REPAIR=5000", "LOAD=1500", "STAGING=300", "MERGE=800", "VALIDATION=900");
        assertThat(view.path("tableCounts").get(0).path("inserted").asLong()).isEqualTo(8_606);
        assertThat(view.path("tableCounts").get(0).path("validation").asString()).isEqualTo("PASSED");
        assertThat(view.path("timeline").valueStream()
                .map(event -> event.path("type").asString() + " " + event.path("summary").asString()))
                .containsSubsequence("ValidationFailed 1 of 2 checks failed: orders STALE expected 0 actual 1 keys"
                                + " [3000]; 1 differing key recorded, repairable",
                        "RepairRequested repair round 1 requested by auto for [orders], deletes allowed for [orders]",
                        "RepairPlanned repair round 1 planned in 5000 ms: orders 2 keys [3000, 3001] and 1 key range"
                                + " [5000, 5100), 1 dropped (in sync again or changed by CDC)",
                        "MergeCompleted repair round 1: orders +0 ~2 stale 0 deleted 0 dup 0 removed 1 kept 0"
                                + " in 653 ms",
                        "RepairCompleted repair round 1 healed in 8500 ms: orders of 2 keys +0 ~2 removed 1"
                                + " kept absent 0 left to CDC 0 still different 0",
                        "ValidationPassed 1 checks passed");
        assertThat(requestIds(get("/api/console/runs?status=PASSED"))).contains(id);
        // the run page shows the round
        assertThat(ApiCalls.send(port, "GET", "/console/console.js", ApiUser.READER).body()).contains("Repair round");
    }

    @Test
    void tablesShowTheLastSuccessfulWindowLeasesAndRowsMergedToday() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        RunEventsFixture done = new RunEventsFixture("tables-" + UUID.randomUUID(), now.minusSeconds(60));
        RunEventsFixture loading = new RunEventsFixture("tables-" + UUID.randomUUID(), now);
        publish(done.requested(), done.loaded(), done.staged(), done.merged(), done.passed(), loading.requested(), loading.progress());

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode orders = get("/api/console/tables").valueStream().filter(t -> t.path("table").asString().equals("orders")).findFirst().orElseThrow();
            assertThat(orders.path("leases").valueStream().map(l -> l.path("requestId").asString()))
                    .contains(loading.requested().getHeader().getRequestId())
                    .doesNotContain(done.requested().getHeader().getRequestId());
            assertThat(orders.path("lastSuccessfulWindow").path("from").asString()).isEqualTo("2026-01-01T00:00:00Z");
            assertThat(orders.path("mergedPerDay").get(0).path("inserted").asLong()).isGreaterThanOrEqualTo(8_606);
        });
    }

    @Test
    void pagesAndApiNeedTheReadRole() {
        assertThat(ApiCalls.send(port, "GET", "/api/console/runs", null).statusCode()).isEqualTo(401);
        assertThat(ApiCalls.send(port, "GET", "/console/runs.html", null).statusCode()).isEqualTo(401);
        HttpResponse<String> page = ApiCalls.send(port, "GET", "/console/runs.html", ApiUser.READER);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<h1>Runs</h1>", "console.js");
        assertThat(ApiCalls.send(port, "GET", "/console/console.js", ApiUser.READER).body()).contains("/api/console/runs");
    }

    private static void publish(SpecificRecord... records) throws Exception {
        for (SpecificRecord record : records) {
            String topic = Topics.VALUE_TYPES.entrySet().stream().filter(e -> e.getValue().contains(record.getClass())).findFirst().orElseThrow().getKey();
            String key = dev.dmsflow.support.kafka.EventEnvelope.header(record).getRequestId();
            events.send(new ProducerRecord<>(topic, key, record)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> requestIds(JsonNode runsPage) {
        return runsPage.path("runs").valueStream().map(r -> r.path("requestId").asString()).toList();
    }

    private JsonNode get(String path) {
        HttpResponse<String> response = ApiCalls.send(port, "GET", path, ApiUser.READER);
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
