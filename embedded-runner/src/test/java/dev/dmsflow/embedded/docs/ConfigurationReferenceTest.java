package dev.dmsflow.embedded.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} is generated from the configuration metadata every module's build writes (javadoc of
 * the {@code @ConfigurationProperties} records, plus {@code additional-spring-configuration-metadata.json}), so the
 * reference cannot drift from the code. Regenerate it with
 * {@code ./mvnw -B -q verify -pl embedded-runner -am -Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false -Ddmsflow.docs.write=true}.
 */
class ConfigurationReferenceTest {

    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");
    /** Modules in the order the reference lists them. */
    private static final List<String> MODULES = List.of("service-support", "dms-controller-service", "schema-service", "merge-service",
            "validation-service", "ops-console");
    private static final Pattern MODULE = Pattern.compile("/(" + String.join("|", MODULES) + ")/");
    private static final Pattern CODE = Pattern.compile("\\{@(?:code|literal) ((?:[^{}]|\\{[^{}]*})*)}");
    private static final Pattern LINK = Pattern.compile("\\{@link #?([^}]*)}");

    @Test
    void everyPropertyIsDescribed() throws IOException {
        List<String> undescribed = new ArrayList<>();
        properties().values().forEach(list -> list.stream().filter(p -> p.path("description").asText("").isBlank())
                .forEach(p -> undescribed.add(p.path("name").asText())));

        assertThat(undescribed).as("properties without javadoc (@param) or additional metadata").isEmpty();
    }

    @Test
    void theReferenceInDocsIsTheOneTheMetadataGives() throws IOException {
        String generated = render(properties());
        if (Boolean.getBoolean("dmsflow.docs.write")) {
            Files.writeString(REFERENCE, generated);
        }

        assertThat(Files.readString(REFERENCE))
                .as("docs/configuration.md is out of date: regenerate it with -Ddmsflow.docs.write=true (see this test's javadoc)")
                .isEqualTo(generated);
    }

    /** Each module's properties, by module, sorted by name. */
    private static Map<String, List<JsonNode>> properties() throws IOException {
        Map<String, List<JsonNode>> byModule = new TreeMap<>((a, b) -> Integer.compare(MODULES.indexOf(a), MODULES.indexOf(b)));
        ObjectMapper json = new ObjectMapper();
        for (URL resource : Collections.list(ConfigurationReferenceTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"))) {
            Matcher module = MODULE.matcher(resource.toString());
            if (!module.find()) {
                continue;
            }
            try (InputStream in = resource.openStream()) {
                List<JsonNode> properties = byModule.computeIfAbsent(module.group(1), m -> new ArrayList<>());
                json.readTree(in).path("properties").forEach(properties::add);
            }
        }
        byModule.values().forEach(list -> list.sort((a, b) -> a.path("name").asText().compareTo(b.path("name").asText())));
        assertThat(byModule.keySet()).as("metadata found on the class path").containsExactlyElementsOf(MODULES);
        return byModule;
    }

    private static String render(Map<String, List<JsonNode>> byModule) {
        StringBuilder md = new StringBuilder("""
                # Configuration reference

                Every dmsflow property, generated from the configuration metadata the build writes from the code (do
                not edit by hand: `ConfigurationReferenceTest` fails when this file and the code disagree, and
                regenerates it with `-Ddmsflow.docs.write=true`). Each property can be set in the service's
                `<service-name>.yml`, as a `--name=value` argument, or as the environment variable shown (Spring Boot's
                relaxed binding); a secret can also come from a file named by the same variable with `_FILE` appended.
                Spring Boot's own properties (`spring.datasource.*`, `spring.kafka.*`, `server.port`,
                `management.server.port`) configure the connections and ports as usual; see [operations](operations.md).
                """);
        byModule.forEach((module, properties) -> {
            md.append("\n## ").append(module.equals("service-support") ? "Every service (service-support)" : module).append("\n\n");
            md.append("| property | environment variable | default | what it does |\n|---|---|---|---|\n");
            for (JsonNode property : properties) {
                String name = property.path("name").asText();
                JsonNode defaultValue = property.path("defaultValue");
                md.append("| `").append(name).append("` | `").append(name.toUpperCase(Locale.ROOT).replaceAll("[.\\-]", "_").replaceAll("[\\[\\]]", ""))
                        .append("` | ").append(defaultValue.isMissingNode() || defaultValue.isNull() ? "" : "`" + text(defaultValue) + "`")
                        .append(" | ").append(description(property.path("description").asText(""))).append(" |\n");
            }
        });
        return md.toString();
    }

    private static String text(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            return String.join(",", items);
        }
        return value.asText();
    }

    private static String description(String javadoc) {
        String text = CODE.matcher(javadoc.replaceAll("\\s+", " ").strip()).replaceAll(m -> Matcher.quoteReplacement("`" + m.group(1) + "`"));
        text = LINK.matcher(text).replaceAll(m -> Matcher.quoteReplacement("`" + m.group(1) + "`"));
        return text.replace("|", "\\|");
    }
}
