package dev.dmsflow.embedded.load;

import dev.dmsflow.controller.DmsControllerApplication;
import dev.dmsflow.embedded.EmbeddedDmsflow;
import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Several instances of each of the four services as Spring contexts of this JVM, on one broker and one database: each
 * instance on a free port, instances of a service in the same consumer groups (the service's own group ids), all
 * reading one catalog.
 */
public final class ServiceInstances implements AutoCloseable {

    private final Map<String, List<ConfigurableApplicationContext>> instances = new LinkedHashMap<>();
    private final Path catalog;

    private ServiceInstances(Path catalog) {
        this.catalog = catalog;
    }

    /**
     * Starts {@code count} instances of every service, one after the other, in the runner's order, each with the
     * embedded default's settings and {@code extraSettings} above them.
     */
    public static ServiceInstances start(DmsflowInfrastructure infrastructure, String catalogYaml, int count, Map<String, Object> extraSettings) {
        return start(infrastructure, catalogYaml, count, service -> extraSettings);
    }

    /**
     * Starts {@code count} instances of every service as {@link #start(DmsflowInfrastructure, String, int, Map)} does,
     * each service with its own settings above the embedded default's (its own database user, say).
     */
    public static ServiceInstances start(DmsflowInfrastructure infrastructure, String catalogYaml, int count,
                                         Function<String, Map<String, Object>> extraSettings) {
        Path catalog;
        try {
            catalog = Files.createTempFile("dmsflow-load-catalog", ".yaml");
            Files.writeString(catalog, catalogYaml);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the catalog", e);
        }
        ServiceInstances started = new ServiceInstances(catalog);
        try {
            for (String service : EmbeddedDmsflow.serviceNames()) {
                List<ConfigurableApplicationContext> contexts = new ArrayList<>();
                started.instances.put(service, contexts);
                for (int i = 0; i < count; i++) {
                    Map<String, Object> settings = EmbeddedDmsflow.serviceSettings(infrastructure, catalog);
                    settings.put("server.port", 0);
                    settings.putAll(ApiUser.serviceProperties(ApiUser.TEST_USERS));
                    settings.putAll(extraSettings.apply(service));
                    contexts.add(EmbeddedDmsflow.startService(service, settings));
                }
            }
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    /** The HTTP ports of a service's instances, in start order. */
    public List<Integer> ports(String service) {
        return instances.get(service).stream()
                .map(context -> Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"))).toList();
    }

    /** The Actuator ports of a service's instances, in start order. */
    public List<Integer> managementPorts(String service) {
        return instances.get(service).stream()
                .map(context -> Integer.parseInt(context.getEnvironment().getRequiredProperty("local.management.port"))).toList();
    }

    public List<Integer> controllerPorts() {
        return ports(DmsControllerApplication.NAME);
    }

    @Override
    public void close() {
        List<String> services = new ArrayList<>(instances.keySet());
        for (int i = services.size() - 1; i >= 0; i--) {
            instances.get(services.get(i)).forEach(ConfigurableApplicationContext::close);
        }
        try {
            Files.deleteIfExists(catalog);
        } catch (IOException e) {
            // a temporary file; nothing depends on it once the services are closed
        }
    }
}
