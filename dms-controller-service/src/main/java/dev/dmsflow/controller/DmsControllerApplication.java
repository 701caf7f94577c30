package dev.dmsflow.controller;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class DmsControllerApplication {

    public static void main(String[] args) {
        SpringApplication.run(DmsControllerApplication.class, args);
    }
}
