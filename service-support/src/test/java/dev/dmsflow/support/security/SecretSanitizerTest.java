package dev.dmsflow.support.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/** Where someone shows /actuator/env values (show-values), passwords stay masked all the same. */
class SecretSanitizerTest {

    final SanitizingFunction sanitizer = new ApiSecurityAutoConfiguration().dmsflowSecretSanitizer();

    @Test
    void passwordsAndSecretsAreMasked() {
        for (String key : new String[] {"spring.datasource.password", "dmsflow.controller.local.source.password",
                "dmsflow.security.users[0].password", "dmsflow.schema.fdw-passwords.db2", "spring.kafka.properties.sasl.jaas.config"}) {
            assertThat(sanitizer.applyUnlessFiltered(new SanitizableData(null, key, "s3cret")).getValue()).as(key).isEqualTo(SanitizableData.SANITIZED_VALUE);
        }
        assertThat(sanitizer.applyUnlessFiltered(new SanitizableData(null, "server.port", "8081")).getValue()).isEqualTo("8081");
    }
}
