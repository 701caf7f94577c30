package dev.dmsflow.merge;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class MergeServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(MergeServiceApplication.class, args);
    }
}
