package dev.dmsflow.merge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.infra.ApiCalls;
import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.HealthProbe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, useMainMethod = SpringBootTest.UseMainMethod.ALWAYS)
@ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)
// closed after the class: its WindowStaged listener must not compete with MergeDeliveryIT's
@DirtiesContext
class MergeServiceSmokeIT {

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
        assertThat(probe.prometheus()).contains("application=\"merge-service\"").contains("jvm_memory_used_bytes");
    }

    @Test
    void itHasNoApiAndAnswersNoCallerWithoutCredentials() {
        assertThat(ApiCalls.send(port, "GET", "/api/runs/any", null).statusCode()).isEqualTo(401);
        assertThat(ApiCalls.send(port, "GET", "/api/runs/any", ApiUser.READER).statusCode()).isEqualTo(404);
        assertThat(ApiCalls.send(port, "GET", "/readyz", null).statusCode()).isEqualTo(200);
    }
}
