package dev.dmsflow.support.defaults;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * Adds {@value #DEFAULTS} as the lowest-precedence property source of every dmsflow service: the Avro serde,
 * idempotent producers, ErrorHandlingDeserializer and Actuator exposure are the same everywhere, and a service's own
 * configuration or the environment can still override any of them. Below it, the management port's default
 * ({@link ManagementPortDefault}).
 */
class ServiceDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String DEFAULTS = "dmsflow-service-defaults.properties";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        try {
            environment.getPropertySources().addLast(new ResourcePropertySource("dmsflow-service-defaults", new ClassPathResource(DEFAULTS)));
            environment.getPropertySources().addLast(new ManagementPortDefault(environment));
        } catch (IOException e) {
            throw new UncheckedIOException("service-support jar lacks " + DEFAULTS, e);
        }
    }
}
