package dev.dmsflow.schema;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class SchemaServiceApplication {

    public static final String NAME = "schema-service";

    /**
     * The service reads {@code schema-service.yml}, not {@code application.yml}: the embedded runner hosts all four services
     * in one JVM, where a shared file name would let one service's settings shadow another's.
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(SchemaServiceApplication.class).properties("spring.config.name=" + NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
