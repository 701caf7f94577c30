package dev.dmsflow.support.secrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The {@code _FILE} convention of Docker and Kubernetes secrets: an environment variable
 * {@code SPRING_DATASOURCE_PASSWORD_FILE=/run/secrets/db} sets {@code SPRING_DATASOURCE_PASSWORD} to the file's content,
 * trimmed, with the precedence of an environment variable. Only {@value #SPRING} and {@value #DMSFLOW} variables are
 * read, so a {@code SSL_CERT_FILE} of the platform is left alone; an unreadable file stops the service, naming the
 * variable, and naming both when the variable itself is set too.
 */
class SecretFilesEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SUFFIX = "_FILE";
    static final String SPRING = "SPRING_";
    static final String DMSFLOW = "DMSFLOW_";
    // "-systemEnvironment": Boot's relaxed binding maps names of such a source as it does the environment's
    static final String SOURCE_NAME = "dmsflow-secret-files-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        PropertySource<?> system = environment.getPropertySources().get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        if (!(system instanceof EnumerablePropertySource<?> variables) || environment.getPropertySources().contains(SOURCE_NAME)) {
            return;
        }
        Map<String, Object> secrets = new LinkedHashMap<>();
        for (String name : variables.getPropertyNames()) {
            if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length() || List.of(SPRING, DMSFLOW).stream().noneMatch(name::startsWith)) {
                continue;
            }
            String target = name.substring(0, name.length() - SUFFIX.length());
            if (variables.containsProperty(target)) {
                throw new IllegalStateException("Both " + target + " and " + name + " are set: set one of them");
            }
            Path file = Path.of(String.valueOf(variables.getProperty(name)));
            try {
                secrets.put(target, Files.readString(file, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new IllegalStateException(name + " names " + file + ", which cannot be read: " + e.getMessage(), e);
            }
        }
        if (!secrets.isEmpty()) {
            environment.getPropertySources().addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(SOURCE_NAME, secrets));
        }
    }
}
