package dev.dmsflow.embedded.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.serde.AvroEventSerializer;
import dev.dmsflow.embedded.EmbeddedDmsflow;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The console in a real browser (headless Chromium, Debian's {@code chromium} and {@code chromium-driver}) against the
 * embedded default: a reload run through the four services shows up in the runs list and on its page with every stage
 * done and its validation checks; a failure arrives on the alerts page's live feed while the page stays open. Each
 * page's screenshot is saved under {@code target/console-screenshots/}.
 */
@ExtendWith(SharedEmbeddedDmsflow.class)
class ConsoleBrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

    private static EmbeddedDmsflow dmsflow;
    private static ChromeDriver browser;

    @BeforeAll
    static void start(EmbeddedDmsflow shared) throws IOException {
        dmsflow = shared;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Path.of("/usr/bin/chromium").toFile());
        options.addArguments("--headless=new", "--window-size=1400,1000", "--disable-dev-shm-usage", "--disable-gpu");
        if ("root".equals(System.getProperty("user.name"))) {
            // Chromium's sandbox refuses to run as root (CI runs as root)
            options.addArguments("--no-sandbox");
        }
        // the driver named, so Selenium does not try to fetch one
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).build();
        browser = new ChromeDriver(service, options);
        // every request of the pages (fetch, EventSource) carries the operator's HTTP Basic credentials, as a browser
        // does once its user has signed in at the prompt
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of("Authorization", dmsflow.operator().basicAuthorization())));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        // the embedded default stays up for the other tests of this JVM (SharedEmbeddedDmsflow)
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aReloadAppearsInTheRunsListAndItsPageShowsEveryStageDoneAndTheValidation() throws Exception {
        browser.get(dmsflow.consoleUrl());
        String requestId = "browser-" + UUID.randomUUID().toString().substring(0, 8);

        requestReload(requestId);

        // the runs page reads the list again every 2 s: the run appears without a reload of the page
        await().atMost(RUN_TIMEOUT).until(() -> !browser.findElements(By.cssSelector("#runs tr[data-request-id='" + requestId + "']")).isEmpty());
        await().atMost(RUN_TIMEOUT).until(() -> runRow(requestId).findElement(By.cssSelector(".outcome")).getText().equals("PASSED"));
        screenshot("runs.png");

        runRow(requestId).findElement(By.linkText(requestId)).click();
        await().atMost(RUN_TIMEOUT).until(() -> browser.findElement(By.id("run-status")).getText().equals("PASSED"));
        List<WebElement> segments = browser.findElements(By.cssSelector("#stage-bar .segment"));
        assertThat(segments).extracting(segment -> segment.getAttribute("data-stage")).containsExactly("LOAD", "STAGING", "MERGE", "VALIDATION");
        assertThat(segments).extracting(segment -> segment.getAttribute("data-state")).containsOnly("DONE");
        assertThat(segments).allSatisfy(segment -> assertThat(segment.getText()).matches("(?s).*\\d+\\.\\d s"));
        assertThat(browser.findElements(By.cssSelector("#table-counts tbody tr"))).extracting(row -> row.getAttribute("data-table"))
                .containsExactlyInAnyOrder("orders", "customers");
        List<WebElement> checks = browser.findElements(By.cssSelector("#checks tbody tr"));
        assertThat(checks).isNotEmpty();
        assertThat(checks).extracting(row -> row.getAttribute("data-check")).contains("orders STAGED_COUNT", "customers STAGED_COUNT");
        assertThat(checks).allSatisfy(row -> assertThat(row.getText()).contains("PASSED"));
        screenshot("run.png");

        browser.get(dmsflow.consoleUrl().replace("runs.html", "tables.html"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(By.cssSelector("#tables tr[data-table='orders']")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("#tables tr[data-table='orders']")).getText()).contains("2026-01-01 00:00:00", requestId);
        screenshot("tables.png");
    }

    @Test
    void aPlantedFailureArrivesOnTheLiveFeedWithoutReloadingThePage() throws Exception {
        browser.get(dmsflow.consoleUrl().replace("runs.html", "alerts.html"));
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(By.id("feed-status")).getText().equals("live"));
        // gone if the page were loaded again
        ((JavascriptExecutor) browser).executeScript("window.sameDocument = true;");
        String requestId = "planted-" + UUID.randomUUID().toString().substring(0, 8);

        // a request for a table the catalog does not have: the controller refuses it with TaskFailed (stage REQUEST)
        plantUnknownTableRequest(requestId);

        By alert = By.cssSelector("#live-feed li.alert[data-request-id='" + requestId + "']");
        await().atMost(RUN_TIMEOUT).until(() -> !browser.findElements(alert).isEmpty());
        assertThat(browser.findElement(alert).getText()).contains("TaskFailed", "REQUEST", "no_such_table");
        assertThat(((JavascriptExecutor) browser).executeScript("return window.sameDocument === true;")).isEqualTo(true);
        assertThat(browser.findElement(By.cssSelector("#alerts tbody")).getText()).contains(requestId);
        screenshot("alerts.png");
    }

    private static WebElement runRow(String requestId) {
        return browser.findElement(By.cssSelector("#runs tr[data-request-id='" + requestId + "']"));
    }

    private static void requestReload(String requestId) throws Exception {
        String body = """
                {"tables":["orders","customers"],"from":"2026-01-01T00:00:00Z","to":"2026-02-01T00:00:00Z",\
                "kind":"TIME_WINDOW_RELOAD","requestId":"%s"}""".formatted(requestId);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + dmsflow.port("dms-controller-service") + "/api/reloads"))
                .header("Authorization", dmsflow.operator().basicAuthorization())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static void plantUnknownTableRequest(String requestId) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, dmsflow.infrastructure().kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new AvroEventSerializer())) {
            producer.send(new ProducerRecord<>(Topics.TASK_REQUESTED, requestId, TaskRequested.newBuilder()
                    .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now().truncatedTo(ChronoUnit.MILLIS), "browser-test", 1))
                    .setKind(TaskKind.TIME_WINDOW_RELOAD)
                    .setTables(List.of(RequestedTable.newBuilder().setName("no_such_table").build()))
                    .setWindow(new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z")))
                    .setRequestedBy("browser-test")
                    .build())).get(30, TimeUnit.SECONDS);
        }
    }

    private static void screenshot(String name) throws IOException {
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
