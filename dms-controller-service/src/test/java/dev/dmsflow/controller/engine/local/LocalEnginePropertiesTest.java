package dev.dmsflow.controller.engine.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.support.jdbc.JdbcSource;
import org.junit.jupiter.api.Test;

class LocalEnginePropertiesTest {

    @Test
    void theSourcePrintsNoPassword() {
        LocalEngineProperties properties = new LocalEngineProperties(
                new JdbcSource("jdbc:oracle:thin:@//oracle:1521/FREEPDB1", "dms_user", "s3cret-Pw"), 5000);

        assertThat(properties.toString()).contains("dms_user", "password=****").doesNotContain("s3cret-Pw");
    }
}
