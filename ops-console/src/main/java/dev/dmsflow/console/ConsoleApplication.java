package dev.dmsflow.console;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * ops-console: reads every dmsflow topic into its own read model and shows runs, their stages, alerts and tables.
 * It publishes nothing and writes nothing but its own schema.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ConsoleApplication {

    public static final String NAME = "ops-console";

    /** Reads {@code ops-console.yml}, not {@code application.yml}: the embedded runner hosts it beside the four services. */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(ConsoleApplication.class).properties("spring.config.name=" + NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
