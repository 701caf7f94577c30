package dev.dmsflow.infra;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Points a Spring application at the shared embedded infrastructure:
 * {@code @ContextConfiguration(initializers = EmbeddedInfrastructureInitializer.class)} on a {@code @SpringBootTest}.
 */
public class EmbeddedInfrastructureInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources()
                .addFirst(new MapPropertySource("dmsflow-embedded-infrastructure", DmsflowInfrastructure.shared().serviceProperties()));
    }
}
