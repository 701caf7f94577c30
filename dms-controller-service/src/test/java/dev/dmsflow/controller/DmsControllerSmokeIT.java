package dev.dmsflow.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.infra.ApiCalls;
import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.HealthProbe;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
// closed after the class: its run scheduler must not advance the runs of other test classes
@DirtiesContext
class DmsControllerSmokeIT {

    @LocalServerPort
    int port;
    @LocalManagementPort
    int managementPort;

    @Test
    void startsAgainstKafkaAndPostgresAndReportsHealthUp() {
        HealthProbe probe = HealthProbe.localPort(managementPort, ApiUser.READER);

        HealthProbe.Health health = probe.health();
        assertThat(health.status()).isEqualTo("UP");
        assertThat(health.components()).containsEntry("db", "UP").containsEntry("kafka", "UP");
        // anyone sees the status, only a reader the components
        assertThat(HealthProbe.localPort(managementPort, null).health().components()).isEmpty();
        assertThat(probe.prometheus()).contains("application=\"dms-controller-service\"").contains("jvm_memory_used_bytes");
    }

    /** {@code allowed}: past security, whatever the endpoint then answers (404 for a run that does not exist, 400 for an empty request). */
    @ParameterizedTest(name = "{0} {1} as {2}: {3}")
    @CsvSource({
            "GET, /api/runs/no-such-run, anonymous, 401",
            "GET, /api/runs/no-such-run, reader, allowed",
            "GET, /api/leases, anonymous, 401",
            "GET, /api/leases, reader, allowed",
            "POST, /api/reloads, anonymous, 401",
            "POST, /api/reloads, reader, 403",
            "POST, /api/reloads, reloader, allowed",
            "POST, /api/reloads, ops, allowed",
            "POST, /api/runs/no-such-run/retry, reader, 403",
            "POST, /api/runs/no-such-run/retry, reloader, allowed",
            "POST, /api/runs/no-such-run/stop, anonymous, 401",
            "POST, /api/runs/no-such-run/stop, reader, 403",
            "POST, /api/runs/no-such-run/stop, reloader, allowed",
            "DELETE, /api/leases/staging.none?reason=test, anonymous, 401",
            "DELETE, /api/leases/staging.none?reason=test, reloader, 403",
            "DELETE, /api/leases/staging.none?reason=test, ops, allowed"})
    void everyEndpointAnswersEachRoleAsTheRoleTableSays(String method, String path, String user, String expected) {
        HttpResponse<String> response = ApiCalls.send(port, method, path, ApiCalls.user(user));

        if (expected.equals("allowed")) {
            assertThat(response.statusCode()).as(response.body()).isNotIn(401, 403);
        } else {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(Integer.parseInt(expected));
            assertThat(response.body()).contains("\"status\":" + expected);
        }
    }
}
