package dev.dmsflow.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.HealthProbe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
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

    @Test
    void startsAgainstKafkaAndPostgresAndReportsHealthUp() {
        HealthProbe probe = HealthProbe.localPort(port);

        HealthProbe.Health health = probe.health();
        assertThat(health.status()).isEqualTo("UP");
        assertThat(health.components()).containsEntry("db", "UP").containsEntry("kafka", "UP");
        assertThat(probe.prometheus()).contains("application=\"dms-controller-service\"").contains("jvm_memory_used_bytes");
    }
}
