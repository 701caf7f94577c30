package dev.dmsflow.controller;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class DmsControllerApplication {

    public static final String NAME = "dms-controller-service";

    /**
     * The service reads {@code dms-controller-service.yml}, not {@code application.yml}: the embedded runner hosts all four services
     * in one JVM, where a shared file name would let one service's settings shadow another's.
     */
    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(DmsControllerApplication.class).properties("spring.config.name=" + NAME);
    }

    public static void main(String[] args) {
        application().run(args);
    }
}
