package dev.dmsflow.embedded.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.catalog.CatalogLoader;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks docker-compose.yml without Docker: the variables each dmsflow service is given are ones it binds, its image
 * is built from the right module, its health check hits Actuator on its management port, start-up order waits for
 * health, the catalog the deployment mounts is valid, every published port is bound to 127.0.0.1 by default, and no
 * password is written in the file.
 *
 * <p>"Binds" is decided by Spring Boot itself: a variable is put in a {@code systemEnvironment} property source, and
 * a known property name matches it when Spring's relaxed binding finds the variable for that name (the same lookup
 * the running service does). Known names come from the {@code META-INF/(additional-)spring-configuration-metadata.json}
 * files on the classpath (dmsflow's own from spring-boot-configuration-processor, spring.*, server.*, management.* …
 * from Spring Boot's jars) plus the placeholders the services' configuration files resolve
 * (e.g. {@code ${dmsflow.schema-registry.url:}}). A service's own dmsflow properties are those of the metadata next
 * to its {@code <service>.yml}; another service's are refused.
 */
class ComposeFileTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path COMPOSE_FILE = REPO.resolve("docker-compose.yml");
    static final List<String> SERVICES = List.of("dms-controller-service", "schema-service", "merge-service", "validation-service",
            "ops-console");
    static final String SHARED_DEFAULTS = "dmsflow-service-defaults.properties";
    static final String ACTUATOR_BASE_PATH = "/actuator";
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([a-zA-Z0-9][a-zA-Z0-9._\\-]*)");
    static final Pattern HEALTH_URL = Pattern.compile("https?://(?:localhost|127\\.0\\.0\\.1):(\\d+)(/[^\\s\"'|;&>]*)");
    /** management.server.port when not set: the API port + this (service-support's ManagementPortDefault). */
    static final int MANAGEMENT_PORT_OFFSET = 1000;
    static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)}");

    static Map<String, Object> compose;
    static Map<String, Map<String, Object>> composeServices;
    static Known known;

    @BeforeAll
    static void load() throws IOException {
        assertThat(COMPOSE_FILE).as("docker-compose.yml at the repository root").isRegularFile();
        compose = yaml(Files.readString(COMPOSE_FILE));
        composeServices = new LinkedHashMap<>();
        map(compose.get("services"), "services").forEach((name, body) -> composeServices.put(name, map(body, "services." + name)));
        known = Known.fromClasspath();
    }

    @Test
    void everyDmsflowServiceIsInTheComposeFile() {
        assertThat(composeServices.keySet()).as("services of docker-compose.yml").containsAll(SERVICES);
        assertThat(composeServices.entrySet().stream().filter(e -> e.getValue().containsKey("build")).map(Map.Entry::getKey))
                .as("services built from this repository").containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    @Test
    void metadataOfEveryServiceIsOnTheClasspath() {
        // without the configuration processor every dmsflow.* variable below would look unknown
        for (String service : SERVICES) {
            assertThat(known.own.get(service)).as("dmsflow properties in the metadata of " + service).isNotEmpty();
        }
        assertThat(known.shared).as("shared metadata (service-support, Spring Boot)")
                .contains("dmsflow.kafka.partitions", "dmsflow.catalog.location", "spring.datasource.url", "server.port");
    }

    // 1. every variable a service sets is one it binds
    @Test
    void everyEnvironmentVariableIsBoundByItsService() {
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            problems.addAll(known.unboundVariables(service, environment(service)));
        }
        assertThat(problems).as("variables in docker-compose.yml that the service does not bind").isEmpty();
    }

    @Test
    void theMappingRecognisesRightNamesAndRefusesWrongOnes() {
        // relaxed binding, as the services do it
        assertThat(known.unboundVariables("merge-service", Map.of(
                "SPRING_DATASOURCE_URL", "jdbc:postgresql://db/x",
                "SERVER_PORT", "9000",
                "DMSFLOW_RUN_MAX_ATTEMPTS", "3",
                "DMSFLOW_KAFKA_RETRY_MAX_RETRIES", "2",
                "DMSFLOW_SCHEMA_REGISTRY_URL", "http://registry:8080",
                "SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SSL"))).isEmpty();
        assertThat(known.unboundVariables("dms-controller-service",
                Map.of("DMSFLOW_CONTROLLER_DMS_REPLICATION_INSTANCE_ARN", "arn:aws:dms:eu-west-1:1:rep:X"))).isEmpty();
        assertThat(known.unboundVariables("schema-service", Map.of("DMSFLOW_SCHEMA_FDWPASSWORDS_DB2", "secret"))).isEmpty();
        assertThat(known.unboundVariables("merge-service", Map.of("DMSFLOW_SECURITY_USERS_0_NAME", "ops",
                "DMSFLOW_SECURITY_USERS_0_ROLES", "admin", "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", "https://issuer",
                "DMSFLOW_SECURITY_JWT_ROLES_CLAIM", "groups", "MANAGEMENT_SERVER_PORT", "9000"))).isEmpty();
        // a dashed map property takes its keys only from the dash-less form: this one would bind key "passwords.db2"
        assertThat(known.unboundVariables("schema-service", Map.of("DMSFLOW_SCHEMA_FDW_PASSWORDS_DB2", "secret")))
                .singleElement().asString().contains("schema-service", "DMSFLOW_SCHEMA_FDW_PASSWORDS_DB2");

        // a misspelt variable is named, with its service and what Spring would look it up as
        assertThat(known.unboundVariables("merge-service", Map.of("DMSFLOW_MERGE_MAX_ATEMPTS", "3")))
                .singleElement().asString()
                .contains("merge-service", "DMSFLOW_MERGE_MAX_ATEMPTS", "dmsflow.merge.max.atempts", "no such property");
        // another service's property is not this service's
        assertThat(known.unboundVariables("merge-service", Map.of("DMSFLOW_CONTROLLER_ENGINE", "local-jdbc")))
                .singleElement().asString()
                .contains("merge-service", "DMSFLOW_CONTROLLER_ENGINE", "dmsflow.controller.engine", "dms-controller-service");
    }

    // 2. every dmsflow service is built from its module
    @Test
    void everyServiceIsBuiltFromItsModule() throws IOException {
        String version = projectVersion();
        List<String> problems = new ArrayList<>();
        for (String service : SERVICES) {
            Object build = composeServices.get(service).get("build");
            if (build == null) {
                problems.add(service + ": no build");
                continue;
            }
            Map<String, Object> spec = build instanceof String context ? Map.of("context", context) : map(build, service + ".build");
            Path context = REPO.resolve(String.valueOf(spec.getOrDefault("context", "."))).normalize();
            if (!Files.isDirectory(context)) {
                problems.add(service + ": build context " + context + " does not exist");
                continue;
            }
            Path dockerfile = context.resolve(String.valueOf(spec.getOrDefault("dockerfile", "Dockerfile"))).normalize();
            if (!Files.isRegularFile(dockerfile)) {
                problems.add(service + ": Dockerfile " + dockerfile + " does not exist");
                continue;
            }
            if (!Files.isRegularFile(context.resolve(service).resolve("pom.xml"))) {
                problems.add(service + ": build context " + context + " does not hold the module " + service + " (its pom.xml)");
            }
            String stage = stage(Files.readString(dockerfile), (String) spec.get("target"));
            if (stage == null) {
                problems.add(service + ": " + REPO.relativize(dockerfile) + " has no stage " + spec.get("target"));
                continue;
            }
            String jar = service + "-" + version + "-exec.jar";
            if (!stage.contains(service + "/target/" + jar)) {
                problems.add(service + ": " + REPO.relativize(dockerfile) + (spec.get("target") == null ? "" : " stage " + spec.get("target"))
                        + " does not copy " + service + "/target/" + jar);
            }
            for (String other : SERVICES) {
                if (!other.equals(service) && stage.contains(other + "-" + version + "-exec.jar")) {
                    problems.add(service + ": its image would contain " + other + "'s jar");
                }
            }
            problems.addAll(dockerignoreProblems(service, context));
            // Maven reads every <module> of the root pom before it builds any: each needs at least its pom.xml
            Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(context.resolve("pom.xml")));
            String dockerfileText = Files.readString(dockerfile);
            while (module.find()) {
                String name = module.group(1);
                if (!Pattern.compile("(?m)^COPY\\s+" + Pattern.quote(name) + "(/pom\\.xml)?\\s").matcher(dockerfileText).find()) {
                    problems.add(service + ": " + REPO.relativize(dockerfile) + " does not copy the reactor module " + name + " (at least its pom.xml)");
                }
                Path ignore = context.resolve(".dockerignore");
                if (Files.isRegularFile(ignore) && Files.readAllLines(ignore).stream().map(String::strip)
                        .anyMatch(line -> line.equals(name) || line.equals(name + "/") || line.equals(name + "/pom.xml"))) {
                    problems.add(service + ": .dockerignore excludes the reactor module " + name + " (Maven needs its pom.xml)");
                }
            }
        }
        assertThat(problems).as("builds of docker-compose.yml").isEmpty();
    }

    // 3. health checks target Actuator on the service's port, and start-up waits for health
    @Test
    void everyHealthCheckTargetsAnExposedActuatorEndpoint() {
        List<String> problems = new ArrayList<>();
        Properties defaults = properties(SHARED_DEFAULTS);
        assertThat(defaults.getProperty("management.endpoints.web.exposure.include", "health"))
                .as("Actuator endpoints exposed over HTTP (" + SHARED_DEFAULTS + ")").contains("health");
        boolean probes = Boolean.parseBoolean(defaults.getProperty("management.endpoint.health.probes.enabled", "false"));
        for (String service : SERVICES) {
            Map<String, String> environment = environment(service);
            String port = Optional.ofNullable(environment.get("SERVER_PORT")).orElseGet(() -> configuredPort(service));
            String managementPort = Optional.ofNullable(environment.get("MANAGEMENT_SERVER_PORT"))
                    .orElseGet(() -> String.valueOf(Integer.parseInt(port) + MANAGEMENT_PORT_OFFSET));
            String basePath = environment.getOrDefault("MANAGEMENT_ENDPOINTS_WEB_BASE_PATH", ACTUATOR_BASE_PATH);
            Set<String> allowed = new LinkedHashSet<>(List.of(basePath + "/health"));
            if (probes) {
                allowed.addAll(List.of(basePath + "/health/liveness", basePath + "/health/readiness"));
            }
            String test = healthCheck(service);
            if (test == null) {
                problems.add(service + ": no healthcheck");
                continue;
            }
            Matcher url = HEALTH_URL.matcher(test);
            if (!url.find()) {
                problems.add(service + ": healthcheck '" + test + "' calls no http://localhost URL");
                continue;
            }
            if (!url.group(1).equals(managementPort)) {
                problems.add(service + ": healthcheck uses port " + url.group(1) + " but Actuator listens on " + managementPort
                        + " (the management port)");
            }
            if (!allowed.contains(url.group(2))) {
                problems.add(service + ": healthcheck path " + url.group(2) + " is none of the exposed " + allowed);
            }
        }
        composeServices.forEach((name, body) -> {
            if (healthCheck(name) == null) {
                problems.add(name + ": no healthcheck (a container others may wait for)");
            }
        });
        assertThat(problems).as("health checks of docker-compose.yml").isEmpty();
    }

    @Test
    void everyDependencyWaitsForAHealthyService() {
        List<String> problems = new ArrayList<>();
        composeServices.forEach((name, body) -> {
            Object dependsOn = body.get("depends_on");
            if (dependsOn == null) {
                return;
            }
            if (!(dependsOn instanceof Map<?, ?>)) {
                problems.add(name + ": depends_on is a list; it must name condition: service_healthy for each service");
                return;
            }
            map(dependsOn, name + ".depends_on").forEach((dependency, spec) -> {
                Object condition = spec instanceof Map<?, ?> m ? m.get("condition") : null;
                if (!"service_healthy".equals(condition)) {
                    problems.add(name + ": depends_on " + dependency + " with condition " + condition + ", not service_healthy");
                }
                if (!composeServices.containsKey(dependency)) {
                    problems.add(name + ": depends_on " + dependency + ", which is no service");
                } else if (healthCheck(dependency) == null) {
                    problems.add(name + ": depends_on " + dependency + ", which has no healthcheck");
                }
            });
        });
        for (String service : SERVICES) {
            if (composeServices.get(service).get("depends_on") == null) {
                problems.add(service + ": starts without waiting for Kafka and PostgreSQL (no depends_on)");
            }
        }
        assertThat(problems).as("start-up order of docker-compose.yml").isEmpty();
    }

    // 5. nothing is reachable from other hosts unless asked for, and no password is in the file
    @Test
    void everyPublishedPortIsBoundToLoopbackByDefault() {
        List<String> problems = new ArrayList<>();
        composeServices.forEach((name, body) -> {
            if (body.get("ports") instanceof List<?> ports) {
                for (Object port : ports) {
                    String published = resolveDefaults(String.valueOf(port instanceof Map<?, ?> m ? m.get("host_ip") + ":" + m.get("published") : port));
                    if (!published.startsWith("127.0.0.1:")) {
                        problems.add(name + ": publishes " + port + " on " + published.substring(0, Math.max(0, published.lastIndexOf(':'))) + ", not 127.0.0.1");
                    }
                }
            }
        });
        assertThat(problems).as("published ports of docker-compose.yml").isEmpty();
    }

    @Test
    void noPasswordIsWrittenInTheFile() {
        List<String> problems = new ArrayList<>();
        composeServices.forEach((name, body) -> environment(name).forEach((variable, value) -> {
            if (!variable.contains("PASSWORD") && !variable.contains("SECRET")) {
                return;
            }
            Matcher reference = VARIABLE.matcher(value == null ? "" : value);
            boolean required = false;
            while (reference.find()) {
                required = reference.group(2).startsWith(":?");
                if (!required) {
                    problems.add(name + ": " + variable + " falls back to a default (${" + reference.group(1) + reference.group(2) + "}); use ${"
                            + reference.group(1) + ":?...}");
                }
            }
            // an encoder's id may stand before the reference: {noop}${...}
            String literal = VARIABLE.matcher(value == null ? "" : value).replaceAll("").replaceFirst("^\\{noop}", "");
            if (!required || !literal.isEmpty()) {
                problems.add(name + ": " + variable + " is not taken from the environment alone (" + value + ")");
            }
        }));
        assertThat(problems).as("passwords in docker-compose.yml").isEmpty();
    }

    @Test
    void everyServiceTakesItsApiUserFromTheEnvironment() {
        for (String service : SERVICES) {
            Map<String, String> environment = environment(service);
            assertThat(environment).as(service).containsEntry("DMSFLOW_SECURITY_USERS_0_NAME", "ops").containsEntry("DMSFLOW_SECURITY_USERS_0_ROLES", "admin");
            assertThat(environment.get("DMSFLOW_SECURITY_USERS_0_PASSWORD")).as(service).startsWith("{noop}${DMSFLOW_OPS_PASSWORD:?");
        }
    }

    // 4. the catalog the deployment mounts is valid
    @Test
    void theMountedCatalogLoads() {
        for (String service : SERVICES) {
            String location = environment(service).get("DMSFLOW_CATALOG_LOCATION");
            assertThat(location).as(service + ": DMSFLOW_CATALOG_LOCATION").isNotNull().startsWith("file:");
            String target = location.substring("file:".length());
            Path source = mountSource(service, target);
            assertThat(source).as(service + ": the bind mount of " + target + " (DMSFLOW_CATALOG_LOCATION)").isNotNull();
            assertThat(source).as(service + ": the catalog file it mounts").isRegularFile();
            MigrationCatalog catalog = CatalogLoader.load(source);
            assertThat(catalog.tables()).as(service + ": tables of " + source).isNotEmpty();
            catalog.multiStages().forEach((name, definition) -> assertThat(composeServices)
                    .as(service + ": " + source + " multiStage." + name + " foreign server host")
                    .containsKey(definition.foreignServer().host()));
        }
    }

    // --- known properties -------------------------------------------------------------------------------------------

    /** Property names by owner: each service's own, and the shared ones (service-support, Spring Boot, placeholders). */
    static final class Known {
        final Map<String, Set<String>> own = new TreeMap<>();
        final Map<String, Set<String>> ownMaps = new TreeMap<>();
        final Set<String> shared = new TreeSet<>();
        final Set<String> sharedMaps = new TreeSet<>();
        // list-typed properties of any owner: also bound through an index, e.g. DMSFLOW_SECURITY_USERS_0_NAME
        final Set<String> lists = new TreeSet<>();

        static Known fromClasspath() throws IOException {
            ClassLoader loader = ComposeFileTest.class.getClassLoader();
            Map<String, String> serviceByRoot = new LinkedHashMap<>();
            for (String service : SERVICES) {
                List<URL> configs = Collections.list(loader.getResources(service + ".yml"));
                assertThat(configs).as(service + ".yml on the test classpath").isNotEmpty();
                configs.forEach(url -> serviceByRoot.put(root(url, service + ".yml"), service));
            }
            Known known = new Known();
            SERVICES.forEach(service -> {
                known.own.put(service, new TreeSet<>());
                known.ownMaps.put(service, new TreeSet<>());
            });
            ObjectMapper json = new ObjectMapper();
            for (String file : List.of("META-INF/spring-configuration-metadata.json", "META-INF/additional-spring-configuration-metadata.json")) {
                for (URL url : Collections.list(loader.getResources(file))) {
                    String service = serviceByRoot.get(root(url, file));
                    Set<String> names = service == null ? known.shared : known.own.get(service);
                    Set<String> maps = service == null ? known.sharedMaps : known.ownMaps.get(service);
                    JsonNode metadata;
                    try (InputStream in = url.openStream()) {
                        metadata = json.readTree(in);
                    }
                    for (JsonNode property : metadata.path("properties")) {
                        String name = property.path("name").asText();
                        String type = property.path("type").asText("");
                        if (name.contains("[")) {
                            maps.add(name.substring(0, name.indexOf('[')).replaceAll("\\.$", ""));
                        } else if (type.startsWith("java.util.Map<") || type.startsWith("java.util.Properties")) {
                            maps.add(name);
                        } else {
                            names.add(name);
                            if (type.startsWith("java.util.List<")) {
                                known.lists.add(name);
                            }
                        }
                    }
                }
            }
            // properties the services' own configuration resolves as placeholders, e.g. ${dmsflow.schema-registry.url:}
            List<String> configFiles = new ArrayList<>(SERVICES.stream().map(s -> s + ".yml").toList());
            configFiles.add(SHARED_DEFAULTS);
            for (String file : configFiles) {
                Matcher placeholder = PLACEHOLDER.matcher(resource(file));
                while (placeholder.find()) {
                    known.shared.add(placeholder.group(1));
                }
            }
            return known;
        }

        /** Problems of the variables {@code environment} gives {@code service}; empty when it binds every one. */
        List<String> unboundVariables(String service, Map<String, String> environment) {
            List<String> problems = new ArrayList<>();
            environment.forEach((variable, value) -> {
                ConfigurationPropertySource source = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, value == null ? "" : value)));
                if (binds(source, known(service), knownMaps(service), value) || bindsAsListElement(source)) {
                    return;
                }
                String lookedUpAs = ((IterableConfigurationPropertySource) source).stream()
                        .map(ConfigurationPropertyName::toString).collect(Collectors.joining(", "));
                Optional<String> owner = SERVICES.stream().filter(other -> !other.equals(service))
                        .filter(other -> binds(source, own.get(other), ownMaps.get(other), value)).findFirst();
                problems.add(service + ": " + variable + " (Spring reads it as " + (lookedUpAs.isEmpty() ? "nothing" : lookedUpAs) + ") is "
                        + owner.map(o -> "a property of " + o + ", not of " + service)
                                .orElse("no such property of " + service + " (not in its configuration metadata)"));
            });
            return problems;
        }

        private Set<String> known(String service) {
            Set<String> names = new TreeSet<>(shared);
            names.addAll(own.get(service));
            return names;
        }

        private Set<String> knownMaps(String service) {
            Set<String> names = new TreeSet<>(sharedMaps);
            names.addAll(ownMaps.get(service));
            return names;
        }

        private boolean bindsAsListElement(ConfigurationPropertySource source) {
            return ((IterableConfigurationPropertySource) source).stream().anyMatch(name -> lists.stream()
                    .filter(ConfigurationPropertyName::isValid).map(ConfigurationPropertyName::of)
                    .anyMatch(list -> list.isAncestorOf(name) && name.isNumericIndex(list.getNumberOfElements())));
        }

        private static boolean binds(ConfigurationPropertySource source, Set<String> names, Set<String> maps, String value) {
            for (String name : names) {
                if (ConfigurationPropertyName.isValid(name) && source.getConfigurationProperty(ConfigurationPropertyName.of(name)) != null) {
                    return true;
                }
            }
            // a map-typed property binds the variable when Spring's Binder puts its value under some key
            Binder binder = new Binder(source);
            for (String name : maps) {
                if (ConfigurationPropertyName.isValid(name)) {
                    Map<String, String> bound = binder.bind(name, Bindable.mapOf(String.class, String.class)).orElse(Map.of());
                    if (bound.containsValue(value == null ? "" : value)) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static String root(URL url, String resource) {
            String text = url.toString();
            return text.substring(0, text.length() - resource.length());
        }
    }

    // --- compose file helpers ---------------------------------------------------------------------------------------

    static Map<String, String> environment(String service) {
        Object environment = composeServices.get(service).get("environment");
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> m) {
            m.forEach((k, v) -> variables.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String text = String.valueOf(entry);
                int eq = text.indexOf('=');
                variables.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? null : text.substring(eq + 1));
            }
        }
        return variables;
    }

    /** The text with each {@code ${VAR:-default}} replaced by its default, as Compose does with VAR unset. */
    static String resolveDefaults(String text) {
        return VARIABLE.matcher(text).replaceAll(match -> Matcher.quoteReplacement(
                match.group(2).startsWith(":-") || match.group(2).startsWith("-") ? match.group(2).replaceFirst("^:?-", "") : ""));
    }

    /** The health check command as one string; null when there is none or it is disabled. */
    static String healthCheck(String service) {
        Object healthcheck = composeServices.get(service).get("healthcheck");
        if (!(healthcheck instanceof Map<?, ?> spec) || Boolean.TRUE.equals(spec.get("disable"))) {
            return null;
        }
        Object test = spec.get("test");
        if (test instanceof List<?> list) {
            if (list.isEmpty() || "NONE".equals(list.get(0))) {
                return null;
            }
            return list.stream().map(String::valueOf).collect(Collectors.joining(" "));
        }
        return test == null ? null : String.valueOf(test);
    }

    /** The host file bind-mounted at {@code target} in {@code service}, or null. */
    static Path mountSource(String service, String target) {
        Object volumes = composeServices.get(service).get("volumes");
        if (!(volumes instanceof List<?> list)) {
            return null;
        }
        for (Object volume : list) {
            String source = null;
            String mountedAt = null;
            if (volume instanceof Map<?, ?> spec) {
                source = (String) spec.get("source");
                mountedAt = (String) spec.get("target");
            } else {
                String[] parts = String.valueOf(volume).split(":");
                if (parts.length >= 2) {
                    source = parts[0];
                    mountedAt = parts[1];
                }
            }
            if (target.equals(mountedAt) && source != null && (source.startsWith(".") || source.startsWith("/"))) {
                return REPO.resolve(source).normalize();
            }
        }
        return null;
    }

    /** The text of stage {@code target} of a Dockerfile (from its FROM to the next), the whole file without a target. */
    static String stage(String dockerfile, String target) {
        if (target == null) {
            return dockerfile;
        }
        Matcher from = Pattern.compile("(?im)^FROM\\s+\\S+\\s+AS\\s+(\\S+)\\s*$").matcher(dockerfile);
        while (from.find()) {
            if (from.group(1).equals(target)) {
                int next = dockerfile.toUpperCase().indexOf("\nFROM ", from.end());
                return dockerfile.substring(from.start(), next < 0 ? dockerfile.length() : next);
            }
        }
        return null;
    }

    /** The build context must send what the module's build needs. */
    static List<String> dockerignoreProblems(String service, Path context) throws IOException {
        Path ignore = context.resolve(".dockerignore");
        if (!Files.isRegularFile(ignore)) {
            return List.of(service + ": no .dockerignore in " + context + " (target/ and .git would be sent to the builder)");
        }
        Set<String> patterns = Files.readAllLines(ignore).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        for (String needed : List.of(service, "contracts", "service-support", "pom.xml", "mvnw", ".mvn", "src", "*")) {
            if (patterns.contains(needed) || patterns.contains(needed + "/") || patterns.contains("/" + needed)) {
                problems.add(service + ": .dockerignore excludes " + needed + ", which the build needs");
            }
        }
        return problems;
    }

    static String configuredPort(String service) {
        Map<String, Object> config = yaml(resource(service + ".yml"));
        Object server = config.get("server");
        Object port = server instanceof Map<?, ?> m ? m.get("port") : null;
        return port == null ? "8080" : String.valueOf(port);
    }

    static String projectVersion() throws IOException {
        Matcher version = Pattern.compile("<artifactId>dmsflow</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(REPO.resolve("pom.xml")));
        assertThat(version.find()).as("the project version in the root pom.xml").isTrue();
        return version.group(1);
    }

    static Properties properties(String resource) {
        Properties properties = new Properties();
        try (InputStream in = ComposeFileTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the classpath").isNotNull();
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    static String resource(String name) {
        try (InputStream in = ComposeFileTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name + " on the classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Object> yaml(String text) {
        return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(text), "document");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what) {
        assertThat(value).as(what + " is a mapping").isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }
}
