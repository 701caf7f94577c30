package dev.dmsflow.schema;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class SchemaServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(SchemaServiceApplication.class, args);
    }
}
