package dev.dmsflow.validation;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class ValidationServiceApplication {

    public static final String NAME = "validation-service";

    /**
     * The service reads {@code validation-service.yml}, not {@code application.yml}: the embedded runner hosts all four services
     * in one JVM, where a shared file name would let one service's settings shadow another's.
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(ValidationServiceApplication.class).properties("spring.config.name=" + NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
