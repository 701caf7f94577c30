package dev.dmsflow.embedded.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The monitoring files of docker-compose.yml: Prometheus scrapes every dmsflow service at its management port,
 * Grafana's provisioned data source is the one every panel queries, and its dashboard directory is the one mounted.
 * That every metric the dashboard queries is one a service exports is checked against the running services by
 * {@code DashboardMetricsIT}.
 */
class MonitoringFilesTest {

    static final Path DEPLOY = ComposeFileTest.REPO.resolve("deploy");
    static final Path DASHBOARD = DEPLOY.resolve("grafana/dashboards/dmsflow.json");
    /** A metric in a PromQL expression: the dashboard writes each one with its label braces, {@code name{...}}. */
    static final Pattern METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");

    @Test
    void prometheusScrapesEveryServiceAtItsManagementPort() throws IOException {
        Map<String, Object> config = ComposeFileTest.yaml(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml")));
        List<String> targets = new ArrayList<>();
        for (Object job : (List<?>) config.get("scrape_configs")) {
            Map<String, Object> scrape = ComposeFileTest.map(job, "scrape_configs[]");
            assertThat(scrape.get("metrics_path")).isEqualTo("/actuator/prometheus");
            for (Object staticConfig : (List<?>) scrape.get("static_configs")) {
                ((List<?>) ComposeFileTest.map(staticConfig, "static_configs[]").get("targets")).forEach(target -> targets.add((String) target));
            }
        }
        List<String> expected = ComposeFileTest.SERVICES.stream().map(service -> service + ":"
                + (Integer.parseInt(ComposeFileTest.configuredPort(service)) + ComposeFileTest.MANAGEMENT_PORT_OFFSET)).toList();
        assertThat(targets).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(services()).containsKeys("prometheus", "grafana");
    }

    @Test
    void everyPanelQueriesTheProvisionedDataSource() throws IOException {
        Map<String, Object> provisioned = ComposeFileTest.yaml(Files.readString(DEPLOY.resolve("grafana/provisioning/datasources/prometheus.yaml")));
        Object uid = ComposeFileTest.map(((List<?>) provisioned.get("datasources")).get(0), "datasources[0]").get("uid");
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.path("panels").size()).isGreaterThan(0);
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText()).isEqualTo(uid);
            assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isGreaterThan(0);
            panel.path("targets").forEach(target -> assertThat(target.path("datasource").path("uid").asText()).isEqualTo(uid));
        }
        Map<String, Object> providers = ComposeFileTest.yaml(Files.readString(DEPLOY.resolve("grafana/provisioning/dashboards/dmsflow.yaml")));
        String path = (String) ComposeFileTest.map(ComposeFileTest.map(((List<?>) providers.get("providers")).get(0), "providers[0]")
                .get("options"), "options").get("path");
        assertThat(String.valueOf(ComposeFileTest.map(services().get("grafana"), "grafana").get("volumes"))).contains("target=" + path);
    }

    @Test
    void theDashboardQueriesRunsStagesMergedRowsValidationFailuresAndConsumerLag() throws IOException {
        assertThat(dashboardMetrics()).contains("dmsflow_console_runs_total", "dmsflow_console_stage_duration_seconds_bucket",
                "dmsflow_merge_rows_total", "dmsflow_console_validation_failures_total", "kafka_consumer_fetch_manager_records_lag_max");
    }

    private static Map<String, Object> services() throws IOException {
        return ComposeFileTest.map(ComposeFileTest.yaml(Files.readString(ComposeFileTest.COMPOSE_FILE)).get("services"), "services");
    }

    /** Every metric name the dashboard's expressions query. */
    static Set<String> dashboardMetrics() throws IOException {
        Set<String> metrics = new LinkedHashSet<>();
        for (JsonNode panel : new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher metric = METRIC.matcher(target.path("expr").asText());
                while (metric.find()) {
                    metrics.add(metric.group(1));
                }
            }
        }
        return metrics;
    }
}
