package dev.dmsflow.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.infra.ApiCalls;
import dev.dmsflow.infra.HealthProbe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the README's run command does: everything starts in one JVM and every service and the console report healthy. */
class EmbeddedDmsflowIT {

    @Test
    void startsInfrastructureAllFourServicesAndTheConsoleHealthy() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        try (EmbeddedDmsflow dmsflow = EmbeddedDmsflow.start(0, 2000, out)) {
            assertThat(dmsflow.services()).containsExactly("dms-controller-service", "schema-service", "merge-service", "validation-service",
                    "ops-console");
            assertThat(dmsflow.reportHealth(out)).isEmpty();
            for (String service : dmsflow.services()) {
                // each service read its own configuration, not the first application.yml on the shared classpath
                assertThat(HealthProbe.localPort(dmsflow.managementPort(service), null).prometheus()).contains("application=\"" + service + "\"");
            }
            // the API takes the operator printed, with this run's password, and nobody else
            int controller = dmsflow.port("dms-controller-service");
            assertThat(ApiCalls.send(controller, "GET", "/api/leases", null).statusCode()).isEqualTo(401);
            assertThat(ApiCalls.send(controller, "GET", "/api/leases", dmsflow.operator()).statusCode()).isEqualTo(200);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains("curl -u ops:" + dmsflow.operator().password() + " http://localhost:" + controller);
            // the console's pages take the same operator
            int console = dmsflow.port("ops-console");
            assertThat(ApiCalls.send(console, "GET", "/console/runs.html", null).statusCode()).isEqualTo(401);
            assertThat(ApiCalls.send(console, "GET", "/console/runs.html", dmsflow.operator()).statusCode()).isEqualTo(200);
            assertThat(printed.toString(StandardCharsets.UTF_8)).contains(dmsflow.consoleUrl());
        }

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Kafka", "PostgreSQL", "dmsflow_source", "dms-controller-service", "validation-service", "UP");
    }
}
