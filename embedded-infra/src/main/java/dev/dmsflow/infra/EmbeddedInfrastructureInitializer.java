package dev.dmsflow.infra;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a Spring application at the shared embedded infrastructure and lets the test users ({@link ApiUser#TEST_USERS})
 * call its API: {@code @ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)} on a {@code @SpringBootTest}.
 */
public class EmbeddedInfrastructureInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Map<String, Object> properties = new LinkedHashMap<>(DmsflowInfrastructure.shared().serviceProperties());
        properties.putAll(ApiUser.serviceProperties(ApiUser.TEST_USERS));
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("dmsflow-embedded-infrastructure", properties));
    }
}
