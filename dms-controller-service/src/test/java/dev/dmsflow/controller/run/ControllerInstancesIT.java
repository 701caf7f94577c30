package dev.dmsflow.controller.run;

import static dev.dmsflow.controller.run.ControllerTestSupport.JANUARY;
import static dev.dmsflow.controller.run.ControllerTestSupport.request;
import static dev.dmsflow.controller.run.ControllerTestSupport.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.controller.DmsControllerApplication;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.infra.EmbeddedInfrastructureInitializer;
import dev.dmsflow.infra.TopicProbe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Two controller instances on one broker and one database, local engine, one reload of a table that takes seconds to
 * load: one task, never two COPY sessions into the staging table at once, one FullLoadCompleted; and the same when the
 * instance that loads stops (a rolling restart) and the other takes the run over.
 */
@Tag("chaos")
class ControllerInstancesIT {

    /** Enough rows for a load of several seconds; every one in the January window. */
    private static final long ROWS = 1_000_000;

    private final JdbcTemplate jdbc = new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.DB1));
    private CopySessions copies;

    @BeforeEach
    void setUp() {
        JdbcTemplate source = new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.SOURCE));
        source.execute("DROP SCHEMA IF EXISTS \"APP\" CASCADE");
        source.execute("CREATE SCHEMA \"APP\"");
        source.execute("CREATE TABLE \"APP\".\"ORDERS\" (\"ORDER_ID\" bigint PRIMARY KEY, \"AMOUNT\" numeric(10,2), \"UPDATED_AT\" timestamp(6))");
        source.update("INSERT INTO \"APP\".\"ORDERS\" SELECT g, g % 100000, timestamp '2026-01-01' + g * interval '1 second'"
                + " FROM generate_series(1, ?) g", ROWS);
        jdbc.execute("DROP SCHEMA IF EXISTS ctl_staging CASCADE");
        jdbc.execute("CREATE SCHEMA ctl_staging");
        jdbc.execute("CREATE TABLE ctl_staging.orders (order_id bigint PRIMARY KEY, amount numeric(10,2), updated_at timestamp(6),"
                + " _dms_loaded_at timestamptz DEFAULT now())");
        copies = new CopySessions();
    }

    @AfterEach
    void tearDown() {
        copies.close();
        ControllerTestSupport.finishAllRuns(jdbc);
    }

    @Test
    void twoInstancesCreateAndStartOneTaskAndLoadTheTableOnce() {
        String requestId = "req-" + UUID.randomUUID();
        try (ConfigurableApplicationContext a = start(); ConfigurableApplicationContext b = start();
             TopicProbe<SpecificRecord> topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.FULL_LOAD_COMPLETED)) {
            // attached after both started: starting a context resets logging
            ListAppender<ILoggingEvent> log = coordinatorLog();
            a.getBean(KafkaTemplate.class).send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));

            FullLoadCompleted completed = topics.await(requestId, FullLoadCompleted.class, 1).get(0);
            assertThat(completed.getTables().get(0).getFullLoadRows()).isEqualTo(ROWS);
            assertThat(topics.settle(requestId, FullLoadCompleted.class, Duration.ofSeconds(2))).containsExactly(completed);
            assertThat(messages(log, requestId)).filteredOn(m -> m.contains("created task")).hasSize(1);
            assertThat(messages(log, requestId)).filteredOn(m -> m.contains("started task")).hasSize(1);
        }
        assertThat(copies.seen()).as("COPY sessions seen while loading").isPositive();
        assertThat(copies.max()).as("COPY sessions at once into ctl_staging.orders").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ctl_staging.orders", Long.class)).isEqualTo(ROWS);
        assertThat(jdbc.queryForObject("SELECT engine_errors FROM dms_controller.runs WHERE request_id = ?", Integer.class, requestId)).isZero();
    }

    @Test
    void theInstanceLeftRunningTakesOverTheLoadOfTheOneThatStops() {
        String requestId = "req-" + UUID.randomUUID();
        ConfigurableApplicationContext first = start();
        ConfigurableApplicationContext second = start();
        try (TopicProbe<SpecificRecord> topics = new TopicProbe<>(new AvroEventDeserializer(), Topics.FULL_LOAD_COMPLETED)) {
            first.getBean(KafkaTemplate.class).send(Topics.TASK_REQUESTED, requestId, request(requestId, TaskKind.TIME_WINDOW_RELOAD, JANUARY, "orders"));
            await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(status(jdbc, requestId)) && copies.now() > 0);
            String owner = jdbc.queryForObject("SELECT owner FROM dms_controller.runs WHERE request_id = ?", String.class, requestId);
            ConfigurableApplicationContext loading = Stream.of(first, second)
                    .filter(c -> c.getBean(ControllerInstance.class).id().equals(owner)).findFirst().orElseThrow();
            ConfigurableApplicationContext remaining = loading == first ? second : first;

            loading.close();

            // handed over at once: the instance timeout (60s) is longer than the wait for the event
            FullLoadCompleted completed = topics.await(requestId, FullLoadCompleted.class, 1).get(0);
            assertThat(completed.getTables().get(0).getFullLoadRows()).isEqualTo(ROWS);
            assertThat(topics.settle(requestId, FullLoadCompleted.class, Duration.ofSeconds(2))).containsExactly(completed);
            assertThat(jdbc.queryForObject("SELECT owner FROM dms_controller.runs WHERE request_id = ?", String.class, requestId))
                    .isEqualTo(remaining.getBean(ControllerInstance.class).id());
        } finally {
            first.close();
            second.close();
        }
        assertThat(copies.max()).as("COPY sessions at once into ctl_staging.orders").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM ctl_staging.orders", Long.class)).isEqualTo(ROWS);
    }

    private static ConfigurableApplicationContext start() {
        return DmsControllerApplication.application()
                .initializers(new EmbeddedInfrastructureInitializer())
                .properties(ControllerTestSupport.properties("http://unused"))
                .properties(Map.of(
                        "dmsflow.controller.engine", "local-jdbc",
                        "dmsflow.controller.local.source.url", DmsflowInfrastructure.shared().jdbcUrl(Database.SOURCE),
                        "dmsflow.controller.local.source.username", DmsflowInfrastructure.USER,
                        "dmsflow.controller.instance-timeout", "60s"))
                .run("--server.port=0");
    }

    private static ListAppender<ILoggingEvent> coordinatorLog() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(RunCoordinator.class)).addAppender(appender);
        return appender;
    }

    private static List<String> messages(ListAppender<ILoggingEvent> appender, String requestId) {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(requestId)).toList();
    }

    /** Samples pg_stat_activity every few milliseconds: the COPY sessions writing the staging table, now and at most. */
    private static final class CopySessions implements AutoCloseable {

        private final SingleConnectionDataSource connection = new SingleConnectionDataSource(
                DmsflowInfrastructure.shared().jdbcUrl(Database.DB1), DmsflowInfrastructure.USER, "", true);
        private final JdbcTemplate jdbc = new JdbcTemplate(connection);
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        private final AtomicInteger now = new AtomicInteger();
        private final AtomicInteger max = new AtomicInteger();
        private final AtomicInteger seen = new AtomicInteger();

        CopySessions() {
            sampler.scheduleWithFixedDelay(this::sample, 0, 5, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            int sessions = jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND state = 'active' AND query LIKE 'COPY \"ctl\\_staging\".\"orders\"%FROM STDIN'", Integer.class);
            now.set(sessions);
            max.accumulateAndGet(sessions, Math::max);
            if (sessions > 0) {
                seen.incrementAndGet();
            }
        }

        int now() {
            return now.get();
        }

        int max() {
            return max.get();
        }

        /** Samples that found a COPY session. */
        int seen() {
            return seen.get();
        }

        @Override
        public void close() {
            sampler.shutdownNow();
            try {
                sampler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection.destroy();
        }
    }
}
