package dev.dmsflow.support.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class SecretFilesEnvironmentPostProcessorTest {

    @TempDir
    Path dir;

    @Test
    void aFileVariableSetsItsPropertyFromTheTrimmedFile() throws IOException {
        Path secret = Files.writeString(dir.resolve("db"), "  s3cret-from-file\n");
        StandardEnvironment environment = environment(Map.of("SPRING_DATASOURCE_PASSWORD_FILE", secret.toString(),
                "DMSFLOW_CONTROLLER_LOCAL_SOURCE_PASSWORD_FILE", secret.toString()));

        new SecretFilesEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("spring.datasource.password")).isEqualTo("s3cret-from-file");
        assertThat(Binder.get(environment).bind("dmsflow.controller.local.source.password", String.class).get()).isEqualTo("s3cret-from-file");
    }

    @Test
    void kafkasSaslLoginComesFromAFileIntoTheKafkaClientProperties() throws IOException {
        // the whole JAAS line is the secret: Kafka takes the password only inside it
        String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"dmsflow-merge\" password=\"s3cret\";";
        Path secret = Files.writeString(dir.resolve("kafka-jaas"), jaas + "\n");
        StandardEnvironment environment = environment(Map.of("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG_FILE", secret.toString(),
                "SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL", "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512"));

        new SecretFilesEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        // what Boot's KafkaProperties.properties (spring.kafka.properties.*) binds: the Kafka client's own keys
        assertThat(Binder.get(environment).bind("spring.kafka.properties", Bindable.mapOf(String.class, String.class)).get())
                .containsEntry("sasl.jaas.config", jaas)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void variablesOfThePlatformAreLeftAlone() {
        StandardEnvironment environment = environment(Map.of("SSL_CERT_FILE", dir.resolve("missing.pem").toString()));

        new SecretFilesEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getPropertySources().contains(SecretFilesEnvironmentPostProcessor.SOURCE_NAME)).isFalse();
    }

    @Test
    void anUnreadableFileOrBothVariablesStopTheService() throws IOException {
        assertThatIllegalStateException().isThrownBy(() -> new SecretFilesEnvironmentPostProcessor().postProcessEnvironment(
                        environment(Map.of("SPRING_DATASOURCE_PASSWORD_FILE", dir.resolve("missing").toString())), new SpringApplication()))
                .withMessageContaining("SPRING_DATASOURCE_PASSWORD_FILE").withMessageContaining("cannot be read");
        Path secret = Files.writeString(dir.resolve("db"), "x");
        assertThatIllegalStateException().isThrownBy(() -> new SecretFilesEnvironmentPostProcessor().postProcessEnvironment(
                        environment(Map.of("SPRING_DATASOURCE_PASSWORD_FILE", secret.toString(), "SPRING_DATASOURCE_PASSWORD", "y")),
                        new SpringApplication()))
                .withMessage("Both SPRING_DATASOURCE_PASSWORD and SPRING_DATASOURCE_PASSWORD_FILE are set: set one of them");
    }

    private static StandardEnvironment environment(Map<String, Object> variables) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new LinkedHashMap<>(variables)));
        return environment;
    }
}
