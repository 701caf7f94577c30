package dev.dmsflow.embedded;

import dev.dmsflow.controller.DmsControllerApplication;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.HealthProbe;
import dev.dmsflow.merge.MergeServiceApplication;
import dev.dmsflow.schema.SchemaServiceApplication;
import dev.dmsflow.validation.ValidationServiceApplication;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * dmsflow on the embedded default: a Kafka broker (KRaft) and a PostgreSQL server with the source, database 1 and
 * database 2 databases, and the four services, all in this JVM. Prints what runs where and whether each service is
 * healthy; stops on Ctrl-C.
 *
 * <p>{@code --port-base=N} puts the services on ports N..N+3 (default 8081; 0 = free ports);
 * {@code --exit-when-healthy} stops once everything reported healthy (exit status 0), or failed (exit status 1).
 */
public final class EmbeddedDmsflow implements AutoCloseable {

    private static final Map<String, Supplier<SpringApplicationBuilder>> SERVICES = serviceBuilders();

    private final DmsflowInfrastructure infrastructure;
    private final Map<String, ConfigurableApplicationContext> contexts;

    private EmbeddedDmsflow(DmsflowInfrastructure infrastructure, Map<String, ConfigurableApplicationContext> contexts) {
        this.infrastructure = infrastructure;
        this.contexts = contexts;
    }

    private static Map<String, Supplier<SpringApplicationBuilder>> serviceBuilders() {
        Map<String, Supplier<SpringApplicationBuilder>> services = new LinkedHashMap<>();
        services.put(DmsControllerApplication.NAME, DmsControllerApplication::application);
        services.put(SchemaServiceApplication.NAME, SchemaServiceApplication::application);
        services.put(MergeServiceApplication.NAME, MergeServiceApplication::application);
        services.put(ValidationServiceApplication.NAME, ValidationServiceApplication::application);
        return services;
    }

    /** Starts the infrastructure and the services, printing progress to {@code out}. */
    public static EmbeddedDmsflow start(int portBase, PrintStream out) {
        long started = System.nanoTime();
        out.println("dmsflow embedded: starting Kafka (KRaft) and PostgreSQL ...");
        DmsflowInfrastructure infrastructure = DmsflowInfrastructure.start(0);
        out.printf("  Kafka       %s%n", infrastructure.kafkaBootstrapServers());
        out.printf("  PostgreSQL  localhost:%d  user %s, databases %s (source), %s, %s   [%s]%n",
                infrastructure.postgresPort(), DmsflowInfrastructure.USER, Database.SOURCE.databaseName(),
                Database.DB1.databaseName(), Database.DB2.databaseName(), seconds(started));
        Map<String, ConfigurableApplicationContext> contexts = new LinkedHashMap<>();
        EmbeddedDmsflow dmsflow = new EmbeddedDmsflow(infrastructure, contexts);
        try {
            int offset = 0;
            for (var service : SERVICES.entrySet()) {
                long serviceStarted = System.nanoTime();
                int port = portBase == 0 ? 0 : portBase + offset++;
                // above the service's own yml, which names the connections of a deployment
                Map<String, Object> overrides = new LinkedHashMap<>(infrastructure.serviceProperties());
                overrides.put("server.port", port);
                overrides.put("spring.main.banner-mode", "off");
                overrides.put("spring.main.log-startup-info", false);
                ConfigurableApplicationContext context = service.getValue().get()
                        .initializers(app -> app.getEnvironment().getPropertySources()
                                .addFirst(new MapPropertySource("dmsflow-embedded", overrides)))
                        .run();
                contexts.put(service.getKey(), context);
                out.printf("  %-24s http://localhost:%d   [%s]%n", service.getKey(), dmsflow.port(service.getKey()), seconds(serviceStarted));
            }
        } catch (RuntimeException e) {
            dmsflow.close();
            throw e;
        }
        return dmsflow;
    }

    /** The HTTP port a service listens on. */
    public int port(String service) {
        return Integer.parseInt(contexts.get(service).getEnvironment().getRequiredProperty("local.server.port"));
    }

    public List<String> services() {
        return List.copyOf(contexts.keySet());
    }

    /** Each service's Actuator health; prints one line per service. Returns the services not UP. */
    public List<String> reportHealth(PrintStream out) {
        List<String> unhealthy = new ArrayList<>();
        for (String service : contexts.keySet()) {
            HealthProbe.Health health = HealthProbe.localPort(port(service)).health();
            out.printf("  %-24s %-4s %s%n", service, health.status(), health.components());
            if (!"UP".equals(health.status())) {
                unhealthy.add(service);
            }
        }
        return unhealthy;
    }

    @Override
    public void close() {
        List<String> names = new ArrayList<>(contexts.keySet());
        for (int i = names.size() - 1; i >= 0; i--) {
            contexts.get(names.get(i)).close();
        }
        infrastructure.close();
    }

    public static void main(String[] args) throws InterruptedException {
        int portBase = 8081;
        boolean exitWhenHealthy = false;
        for (String arg : args) {
            if (arg.startsWith("--port-base=")) {
                portBase = Integer.parseInt(arg.substring("--port-base=".length()));
            } else if (arg.equals("--exit-when-healthy")) {
                exitWhenHealthy = true;
            } else {
                System.err.println("Unknown argument " + arg + "; use --port-base=N and --exit-when-healthy");
                System.exit(2);
            }
        }
        long started = System.nanoTime();
        EmbeddedDmsflow dmsflow = start(portBase, System.out);
        System.out.println("Health:");
        List<String> unhealthy = dmsflow.reportHealth(System.out);
        if (!unhealthy.isEmpty()) {
            System.out.println("NOT HEALTHY: " + unhealthy);
            dmsflow.close();
            System.exit(1);
        }
        System.out.printf("dmsflow is up: Kafka, PostgreSQL and %d services healthy in %s.%n", dmsflow.services().size(), seconds(started));
        if (exitWhenHealthy) {
            dmsflow.close();
            System.exit(0);
        }
        System.out.println("Press Ctrl-C to stop.");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dmsflow.close();
            stopped.countDown();
        }, "dmsflow-embedded-shutdown"));
        stopped.await();
    }

    private static String seconds(long startedNanos) {
        return String.format("%.1f s", (System.nanoTime() - startedNanos) / 1e9);
    }
}
