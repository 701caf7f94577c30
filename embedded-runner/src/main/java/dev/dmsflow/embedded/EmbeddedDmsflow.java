package dev.dmsflow.embedded;

import dev.dmsflow.console.ConsoleApplication;
import dev.dmsflow.controller.DmsControllerApplication;
import dev.dmsflow.infra.ApiUser;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.HealthProbe;
import dev.dmsflow.merge.MergeServiceApplication;
import dev.dmsflow.schema.SchemaServiceApplication;
import dev.dmsflow.validation.ValidationServiceApplication;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.embedded.demo.CdcWriter;
import dev.dmsflow.embedded.demo.Demo;
import dev.dmsflow.embedded.demo.DemoData;
import dev.dmsflow.embedded.demo.Timeline;
import java.math.BigDecimal;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * dmsflow on the embedded default: a Kafka broker (KRaft) and a PostgreSQL server with the source (standing in for
 * Oracle), database 1 and database 2, demo data, and the four services, all in this JVM; the controller runs the
 * local JDBC engine; and ops-console, reading the event streams from the beginning. Then the main job: a January window reload while CDC keeps writing, and a multi-stage load,
 * with the event timeline and a summary per table. Exit status 0 when both runs validate, 1 otherwise.
 *
 * <p>{@code --orders=N} demo orders (default 100000); {@code --port-base=N} puts the services on ports N..N+3, the
 * console on N+4, and their Actuator on N+1000..N+1004 (default 8081; 0 = free ports); {@code --serve} keeps everything running after
 * the demo, until Ctrl-C; {@code --exit-when-healthy} only starts everything and checks health.
 *
 * <p>The API takes the user {@value #OPERATOR} (role admin) with a password made up at each start and printed with a
 * curl example; the demo itself calls the API as that user.
 */
public final class EmbeddedDmsflow implements AutoCloseable {

    private static final Map<String, Supplier<SpringApplicationBuilder>> SERVICES = serviceBuilders();

    static final String OPERATOR = "ops";

    private final DmsflowInfrastructure infrastructure;
    private final ApiUser operator;
    private final Map<String, ConfigurableApplicationContext> contexts;

    private EmbeddedDmsflow(DmsflowInfrastructure infrastructure, ApiUser operator, Map<String, ConfigurableApplicationContext> contexts) {
        this.infrastructure = infrastructure;
        this.operator = operator;
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

    /** Starts the infrastructure, writes the demo data and starts the services, printing progress to {@code out}. */
    public static EmbeddedDmsflow start(int portBase, int orders, PrintStream out) {
        return start(portBase, orders, out, Map.of());
    }

    /** As {@link #start(int, int, PrintStream)}, the four services given these settings besides (a test's limits). */
    public static EmbeddedDmsflow start(int portBase, int orders, PrintStream out, Map<String, Object> serviceOverrides) {
        long started = System.nanoTime();
        out.println("dmsflow embedded: starting Kafka (KRaft) and PostgreSQL ...");
        DmsflowInfrastructure infrastructure = DmsflowInfrastructure.start(0);
        out.printf("  Kafka       %s%n", infrastructure.kafkaBootstrapServers());
        out.printf("  PostgreSQL  localhost:%d  user %s, databases %s (source), %s, %s   [%s]%n",
                infrastructure.postgresPort(), DmsflowInfrastructure.USER, Database.SOURCE.databaseName(),
                Database.DB1.databaseName(), Database.DB2.databaseName(), seconds(started));
        long dataStarted = System.nanoTime();
        Path catalog;
        try {
            DemoData.create(infrastructure, orders);
            catalog = Files.createTempFile("dmsflow-demo-catalog", ".yaml");
            Files.writeString(catalog, DemoData.catalog(infrastructure));
            catalog.toFile().deleteOnExit();
        } catch (IOException | RuntimeException e) {
            infrastructure.close();
            throw new IllegalStateException("Cannot write the demo data: " + e.getMessage(), e);
        }
        out.printf("  demo data   %,d orders and %,d customers in the source, production as an earlier migration left it, segments in %s   [%s]%n",
                orders, Math.max(10, orders / 10), Database.DB2.databaseName(), seconds(dataStarted));
        Map<String, ConfigurableApplicationContext> contexts = new LinkedHashMap<>();
        // no default password: one made up now, given to every service and printed below
        ApiUser operator = ApiUser.generate(OPERATOR, "admin");
        EmbeddedDmsflow dmsflow = new EmbeddedDmsflow(infrastructure, operator, contexts);
        try {
            int offset = 0;
            for (String service : SERVICES.keySet()) {
                long serviceStarted = System.nanoTime();
                int port = portBase == 0 ? 0 : portBase + offset++;
                Map<String, Object> settings = serviceSettings(infrastructure, catalog);
                settings.putAll(ApiUser.serviceProperties(List.of(operator)));
                settings.put("server.port", port);
                settings.putAll(serviceOverrides);
                contexts.put(service, startService(service, settings));
                out.printf("  %-24s http://localhost:%d   Actuator http://localhost:%d   [%s]%n", service,
                        dmsflow.port(service), dmsflow.managementPort(service), seconds(serviceStarted));
            }
        } catch (RuntimeException e) {
            dmsflow.close();
            throw e;
        }
        try {
            // the console last: the topics exist by now, and it reads them from the beginning whenever it starts
            long consoleStarted = System.nanoTime();
            Map<String, Object> settings = new LinkedHashMap<>(infrastructure.serviceProperties());
            settings.putAll(ApiUser.serviceProperties(List.of(operator)));
            settings.put("dmsflow.catalog.location", catalog.toUri().toString());
            settings.put("server.port", portBase == 0 ? 0 : portBase + SERVICES.size());
            contexts.put(ConsoleApplication.NAME, ConsoleApplication.application().bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                    .initializers(app -> app.getEnvironment().getPropertySources().addFirst(new MapPropertySource("dmsflow-embedded", settings)))
                    .run());
            out.printf("  %-24s %s   Actuator http://localhost:%d   [%s]%n", ConsoleApplication.NAME, dmsflow.consoleUrl(),
                    dmsflow.managementPort(ConsoleApplication.NAME), seconds(consoleStarted));
        } catch (RuntimeException e) {
            dmsflow.close();
            throw e;
        }
        out.printf("  API user    %s (role admin), password %s, made up for this run:%n", operator.name(), operator.password());
        out.printf("              %s%n", dmsflow.curlExample("/api/leases"));
        out.printf("              console: open %s and sign in as %s%n", dmsflow.consoleUrl(), operator.name());
        return dmsflow;
    }

    /** The names of the four services, in start order. */
    public static List<String> serviceNames() {
        return List.copyOf(SERVICES.keySet());
    }

    /**
     * Starts one instance of a service as a Spring context of this JVM; {@code settings} (see
     * {@link #serviceSettings}) rank above the service's own yml, which names the connections of a deployment.
     */
    public static ConfigurableApplicationContext startService(String service, Map<String, Object> settings) {
        Map<String, Object> overrides = new LinkedHashMap<>(settings);
        return SERVICES.get(service).get()
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .initializers(app -> app.getEnvironment().getPropertySources()
                        .addFirst(new MapPropertySource("dmsflow-embedded", overrides)))
                .run();
    }

    /**
     * What every service instance runs with on the embedded default (a mutable copy): Kafka and database 1, the local
     * engine, the source database for schema-service and validation, and the shared catalog.
     */
    public static Map<String, Object> serviceSettings(DmsflowInfrastructure infrastructure, Path catalog) {
        Map<String, Object> settings = new LinkedHashMap<>(infrastructure.serviceProperties());
        settings.put("dmsflow.catalog.location", catalog.toUri().toString());
        settings.put("dmsflow.controller.engine", "local-jdbc");
        settings.put("dmsflow.controller.local.source.url", infrastructure.jdbcUrl(Database.SOURCE));
        settings.put("dmsflow.controller.local.source.username", DmsflowInfrastructure.USER);
        settings.put("dmsflow.controller.poll-interval", "200ms");
        settings.put("dmsflow.controller.progress-interval", "1s");
        settings.put("dmsflow.validation.source.url", infrastructure.jdbcUrl(Database.SOURCE));
        settings.put("dmsflow.validation.source.username", DmsflowInfrastructure.USER);
        // the demo's CDC writes the source and production in one go: no replication lag to wait out before a repair
        settings.put("dmsflow.validation.repair.confirm-delay", "1s");
        // one machine, one clock, and the demo's CDC commits each change at once: a change to production counts as
        // after a load's or a check's start only if it is (damage planted seconds before a check is not taken for CDC's)
        settings.put("dmsflow.validation.clock-skew", "0s");
        settings.put("dmsflow.merge.clock-skew", "0s");
        // schema-service checks each window column's precision in the source against the catalog's windowPrecision
        settings.put("dmsflow.schema.source.url", infrastructure.jdbcUrl(Database.SOURCE));
        settings.put("dmsflow.schema.source.username", DmsflowInfrastructure.USER);
        return settings;
    }

    public DmsflowInfrastructure infrastructure() {
        return infrastructure;
    }

    /** The HTTP port a service's API listens on. */
    public int port(String service) {
        return Integer.parseInt(contexts.get(service).getEnvironment().getRequiredProperty("local.server.port"));
    }

    /** The port of a service's Actuator. */
    public int managementPort(String service) {
        return Integer.parseInt(contexts.get(service).getEnvironment().getRequiredProperty("local.management.port"));
    }

    /** The ops console's runs page. */
    public String consoleUrl() {
        return "http://localhost:" + port(ConsoleApplication.NAME) + "/console/runs.html";
    }

    /** The user the services' API takes, with this run's password. */
    public ApiUser operator() {
        return operator;
    }

    /** How to call the controller's API at {@code path} from a shell. */
    public String curlExample(String path) {
        return "curl -u " + operator.name() + ":" + operator.password() + " http://localhost:" + port(DmsControllerApplication.NAME) + path;
    }

    public List<String> services() {
        return List.copyOf(contexts.keySet());
    }

    /** Each service's Actuator health; prints one line per service. Returns the services not UP. */
    public List<String> reportHealth(PrintStream out) {
        List<String> unhealthy = new ArrayList<>();
        for (String service : contexts.keySet()) {
            HealthProbe.Health health = HealthProbe.localPort(managementPort(service), operator).health();
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
        int orders = 100_000;
        boolean exitWhenHealthy = false;
        boolean serve = false;
        for (String arg : args) {
            if (arg.startsWith("--port-base=")) {
                portBase = Integer.parseInt(arg.substring("--port-base=".length()));
            } else if (arg.startsWith("--orders=")) {
                orders = Integer.parseInt(arg.substring("--orders=".length()));
            } else if (arg.equals("--exit-when-healthy")) {
                exitWhenHealthy = true;
            } else if (arg.equals("--serve")) {
                serve = true;
            } else {
                System.err.println("Unknown argument " + arg + "; use --orders=N, --port-base=N, --serve, --exit-when-healthy");
                System.exit(2);
            }
        }
        long started = System.nanoTime();
        EmbeddedDmsflow dmsflow = start(portBase, orders, System.out);
        System.out.println("Health:");
        List<String> unhealthy = dmsflow.reportHealth(System.out);
        if (!unhealthy.isEmpty()) {
            System.out.println("NOT HEALTHY: " + unhealthy);
            dmsflow.close();
            System.exit(1);
        }
        System.out.printf("dmsflow is up: Kafka, PostgreSQL, %d services and the console healthy in %s.%n", dmsflow.services().size() - 1,
                seconds(started));
        if (exitWhenHealthy) {
            dmsflow.close();
            System.exit(0);
        }
        long startup = System.nanoTime() - started;
        boolean passed = dmsflow.runDemo(orders, System.out);
        System.out.printf("%nTotal wall time %s: start-up (infrastructure, demo data, services) %.1f s, runs %.1f s.%n", seconds(started),
                startup / 1e9, (System.nanoTime() - started - startup) / 1e9);
        if (!serve) {
            dmsflow.close();
            System.exit(passed ? 0 : 1);
        }
        System.out.println("Still running (--serve): try " + dmsflow.curlExample("/api/runs/<requestId>") + " or open "
                + dmsflow.consoleUrl() + ". Ctrl-C stops.");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dmsflow.close();
            stopped.countDown();
        }, "dmsflow-embedded-shutdown"));
        stopped.await();
    }

    /**
     * The main job: a January reload while CDC writes, then a multi-stage load, then two validate-only runs: February
     * (untouched, passes) and January after damage planted in production, which fails naming the keys and heals in a
     * repair round (the demo's orders repair themselves). True when all four end as they should.
     */
    public boolean runDemo(int orders, PrintStream out) {
        String suffix = Long.toString(System.currentTimeMillis() % 100_000);
        try (Timeline timeline = new Timeline(infrastructure.kafkaBootstrapServers(), out)) {
            Demo demo = new Demo(port(DmsControllerApplication.NAME), operator, timeline, out, Duration.ofSeconds(120));
            out.println("\nRun 1: reload orders and customers for January while CDC keeps updating and deleting orders");
            Demo.RunResult window;
            long cdcChanges;
            long cdcDeletes;
            try (CdcWriter cdc = new CdcWriter(infrastructure, orders)) {
                window = demo.windowReload("demo-january-" + suffix);
                cdcChanges = cdc.changes();
                cdcDeletes = cdc.deletes();
            }
            out.printf("  (CDC changed %,d and deleted %,d orders in the source and production meanwhile)%n", cdcChanges, cdcDeletes);
            out.println("\nRun 2: multi-stage load: January orders joined with database 2's segments into target.orders_enriched");
            Demo.RunResult multiStage = demo.multiStage("demo-enriched-" + suffix);
            out.println("\nRun 3: validate-only February (the demo left it untouched): the source against production, nothing reloaded");
            Demo.RunResult february = demo.validateOnly("demo-february-check-" + suffix, List.of("orders", "customers"),
                    Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"));
            JdbcTemplate db1 = new JdbcTemplate(infrastructure.dataSource(Database.DB1));
            List<Long> damaged = db1.queryForList("SELECT order_id FROM production.orders WHERE updated_at >= '2026-01-01'"
                    + " AND updated_at < '2026-02-01' ORDER BY order_id LIMIT 2", Long.class);
            long extra = orders * 10L + 1;
            db1.update("UPDATE production.orders SET amount = amount + 1 WHERE order_id = ?", damaged.get(0));
            db1.update("DELETE FROM production.orders WHERE order_id = ?", damaged.get(1));
            db1.update("INSERT INTO production.orders SELECT ?, customer_id, amount, status, order_date, updated_at"
                    + " FROM production.orders WHERE order_id = ?", extra, damaged.get(0));
            out.printf("%nRun 4: validate-only January after damage planted in production: order %d's amount changed, order %d"
                    + " deleted, order %d added (the source has none); orders repair themselves (repair: auto, deletes)%n",
                    damaged.get(0), damaged.get(1), extra);
            Demo.RunResult january = demo.validateOnly("demo-january-check-" + suffix, List.of("orders"),
                    Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));
            demo.printSummary(window);
            demo.printSummary(multiStage);
            demo.printValidateOnlySummary(february);
            demo.printRepairSummary(january);
            String found = january.event(ValidationFailed.class).map(Timeline::figures).orElse("");
            boolean damageFound = found.contains("MISSING expected 0 actual 1 keys [" + damaged.get(1) + "]")
                    && found.contains("CONTENTS expected 0 actual 1 keys [" + damaged.get(0) + "]")
                    && found.contains("EXTRA expected 0 actual 1 keys [" + extra + "]");
            JdbcTemplate source = new JdbcTemplate(infrastructure.dataSource(Database.SOURCE));
            boolean healed = january.passed() && january.lastEvent(RepairCompleted.class).map(RepairCompleted::getHealed).orElse(false)
                    && db1.queryForList("SELECT order_id FROM production.orders WHERE order_id IN (?, ?, ?) ORDER BY order_id",
                            Long.class, damaged.get(0), damaged.get(1), extra).equals(damaged)
                    && db1.queryForObject("SELECT amount FROM production.orders WHERE order_id = ?", BigDecimal.class, damaged.get(0))
                            .compareTo(source.queryForObject("SELECT \"AMOUNT\" FROM \"APP\".\"ORDERS\" WHERE \"ORDER_ID\" = ?",
                                    BigDecimal.class, damaged.get(0))) == 0;
            boolean passed = window.passed() && multiStage.passed() && february.passed() && damageFound && healed;
            out.println(passed ? "\nRuns 1 and 2 validated; run 3 found February equal; run 4 found the damage in January by key"
                    + " and column, and its repair round reloaded just those orders: January validated."
                    : "\nFAILED: " + (!window.passed() ? window.reason() : !multiStage.passed() ? multiStage.reason()
                    : !february.passed() ? february.reason() : !damageFound ? "January's damage not reported as planted: " + found
                    : "January's damage not healed: " + january.reason()));
            out.println("Their stages, counts and checks: " + consoleUrl());
            return passed;
        }
    }

    private static String seconds(long startedNanos) {
        return String.format("%.1f s", (System.nanoTime() - startedNanos) / 1e9);
    }
}
