package dev.dmsflow.controller.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.event.EngineType;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.controller.engine.CdcLatency;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.ReplicationEngine;
import dev.dmsflow.controller.engine.TableStatistics;
import dev.dmsflow.controller.engine.TaskHandle;
import dev.dmsflow.controller.engine.TaskPhase;
import dev.dmsflow.controller.engine.TaskStatus;
import dev.dmsflow.controller.mapping.KeyRanges;
import dev.dmsflow.controller.mapping.ParallelLoadProperties;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import dev.dmsflow.controller.request.RequestResolver;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Transitions hold only while the run is as the tick read it, and only the owner advances a loading run: what a second
 * controller instance, or a poll answered late, runs into. One coordinator, "instance-a", against the real run store.
 */
class RunTransitionsIT {

    private static final String TABLES = "[{\"name\":\"orders\",\"sourceSchema\":\"APP\",\"sourceTable\":\"ORDERS\",\"stagingSchema\":\"ctl_staging\","
            + "\"stagingTable\":\"orders\",\"targetSchema\":\"ctl_production\",\"targetTable\":\"orders\","
            + "\"keyColumns\":[\"order_id\"],\"windowColumn\":\"updated_at\",\"windowPrecision\":6}]";

    private final DataSource dataSource = DmsflowInfrastructure.shared().dataSource(Database.DB1);
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final List<SpecificRecord> published = new CopyOnWriteArrayList<>();
    private final List<String> engineCalls = new CopyOnWriteArrayList<>();
    /** What describe answers; it may change the run first, as another instance or transition would meanwhile. */
    private Supplier<TaskStatus> describe;
    private RunCoordinator coordinator;

    @BeforeEach
    void setUp() {
        Flyway.configure().dataSource(dataSource).schemas("dms_controller").defaultSchema("dms_controller")
                .locations("classpath:db/migration/controller").load().migrate();
        ControllerTestSupport.finishAllRuns(jdbc);
        // earlier tests' runs are none of this coordinator's business
        jdbc.update("UPDATE dms_controller.runs SET task_delete_pending = false, outcome_published = true");
        beat("instance-a", Duration.ZERO);
        RunStore store = new RunStore(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)), "instance-a",
                Duration.ofSeconds(20));
        TaskSettingsProperties taskSettings = new TaskSettingsProperties("TRUNCATE_BEFORE_LOAD", 8, 10000, 600, true, false, 64, true, 32, true);
        Map<FailureStage, Duration> deadlines = Map.of(FailureStage.LOAD, Duration.ofHours(6));
        coordinator = new RunCoordinator(store, new RequestResolver(new MigrationCatalog("none", Map.of(), Map.of())), new Engine(),
                published::add, Clock.systemUTC(), new RunCoordinator.Settings(taskSettings, Duration.ZERO, 10, true, 20, deadlines, 3, 1000),
                new KeyRanges(dataSource, new ParallelLoadProperties(0, 4)));
    }

    @AfterEach
    void tearDown() {
        ControllerTestSupport.finishAllRuns(jdbc);
        jdbc.update("DELETE FROM dms_controller.controller_instances WHERE instance_id IN ('instance-a', 'instance-b')");
    }

    @Test
    void aFailureAnsweredAfterTheRunLoadedDoesNotOverwriteLoaded() {
        String requestId = run("RUNNING", "instance-a");
        describe = () -> {
            // the run loaded between the tick reading it and the engine answering
            jdbc.update("UPDATE dms_controller.runs SET status = 'LOADED', stage = 'STAGING' WHERE request_id = ?", requestId);
            return new TaskStatus(TaskPhase.FAILED, "failed", 40, "task deleted");
        };

        coordinator.tick(Runnable::run, true, Set.of());

        assertThat(ControllerTestSupport.status(jdbc, requestId)).isEqualTo("LOADED");
        assertThat(jdbc.queryForObject("SELECT failure IS NULL AND outcome IS NULL FROM dms_controller.runs WHERE request_id = ?",
                Boolean.class, requestId)).isTrue();
        assertThat(jdbc.queryForList("SELECT staging_table FROM dms_controller.table_leases WHERE request_id = ?", String.class, requestId))
                .containsExactly("ctl_staging.orders");
        assertThat(published).isEmpty();
    }

    @Test
    void aLoadAnsweredAfterTheRunFailedDoesNotMakeItLoaded() {
        String requestId = run("RUNNING", "instance-a");
        describe = () -> {
            // ops released its lease on another instance meanwhile
            jdbc.update("UPDATE dms_controller.runs SET status = 'FAILED' WHERE request_id = ?", requestId);
            jdbc.update("DELETE FROM dms_controller.table_leases WHERE request_id = ?", requestId);
            return new TaskStatus(TaskPhase.FULL_LOAD_COMPLETE, "stopped", 100, null);
        };

        coordinator.tick(Runnable::run, true, Set.of());

        assertThat(ControllerTestSupport.status(jdbc, requestId)).isEqualTo("FAILED");
        assertThat(published).isEmpty();
        assertThat(engineCalls).doesNotContain("delete");
    }

    /**
     * A run moves on between the query that chose it for a step and the step (ticks overlap: the tick thread, a
     * listener ticking at once, a loading thread completing its run): a poll chosen while the run was RUNNING and taken
     * after its load completed (its task deleted, so the engine no longer knows it) must not take it for a lost load
     * and load it again.
     */
    @Test
    void aPollTakenAfterTheRunLoadedLeavesItLoaded() {
        String requestId = run("RUNNING", "instance-a");
        List<Runnable> chosen = new CopyOnWriteArrayList<>();
        describe = () -> new TaskStatus(TaskPhase.LOST, "lost", 0, "local task dmsflow-task is not in this controller instance");
        coordinator.tick(chosen::add, true, Set.of());
        assertThat(chosen).hasSize(1);

        // before the poll is taken, the run's load completed
        jdbc.update("UPDATE dms_controller.runs SET status = 'LOADED', stage = 'STAGING' WHERE request_id = ?", requestId);
        chosen.forEach(Runnable::run);

        assertThat(ControllerTestSupport.status(jdbc, requestId)).isEqualTo("LOADED");
        assertThat(engineCalls).doesNotContain("describe", "create", "start");
    }

    /**
     * A step asked for while the run's step is under way follows it at once: a local task that ends while the
     * housekeeping poll asks the engine about it completes right after that poll, not a poll interval later.
     */
    @Test
    void aStepAskedForDuringTheRunsStepFollowsIt() {
        String requestId = run("RUNNING", "instance-a");
        AtomicBoolean ended = new AtomicBoolean();
        describe = () -> {
            if (ended.compareAndSet(false, true)) {
                coordinator.completeEnded(Runnable::run, Set.of("dmsflow-task"));
                return new TaskStatus(TaskPhase.RUNNING, "running", 50, null);
            }
            return new TaskStatus(TaskPhase.FULL_LOAD_COMPLETE, "stopped", 100, null);
        };

        coordinator.tick(Runnable::run, true, Set.of());

        assertThat(ControllerTestSupport.status(jdbc, requestId)).isEqualTo("LOADED");
        assertThat(engineCalls).containsSubsequence("describe", "describe");
        assertThat(published).filteredOn(FullLoadCompleted.class::isInstance).hasSize(1);
    }

    @Test
    void aRunIsAdvancedOnlyByItsOwnerUntilTheOwnersHeartbeatStops() {
        beat("instance-b", Duration.ZERO);
        String requestId = run("STARTING", "instance-b");
        jdbc.update("UPDATE dms_controller.runs SET task_id = NULL, task_arn = NULL WHERE request_id = ?", requestId);
        describe = () -> new TaskStatus(TaskPhase.READY, "ready", 0, null);

        coordinator.tick(Runnable::run, true, Set.of());
        assertThat(engineCalls).isEmpty();
        assertThat(ControllerTestSupport.status(jdbc, requestId)).isEqualTo("STARTING");

        beat("instance-b", Duration.ofSeconds(21));
        coordinator.tick(Runnable::run, true, Set.of());
        assertThat(engineCalls).startsWith("create", "describe", "start").containsOnlyOnce("create", "start");
        assertThat(jdbc.queryForObject("SELECT status || ' ' || owner FROM dms_controller.runs WHERE request_id = ?", String.class, requestId))
                .isEqualTo("RUNNING instance-a");
    }

    @Test
    void aTickBetweenPollsCompletesOnlyTheRunsWhoseTasksEnded() {
        String requestId = run("RUNNING", "instance-a");
        describe = () -> new TaskStatus(TaskPhase.FULL_LOAD_COMPLETE, "stopped", 100, null);

        // a wake for a request or an outcome: loading runs are left to the poll
        coordinator.tick(Runnable::run, false, Set.of());
        assertThat(engineCalls).isEmpty();
        coordinator.tick(Runnable::run, false, Set.of("another-task"));
        assertThat(engineCalls).isEmpty();

        // its local task ended: it completes at once
        coordinator.tick(Runnable::run, false, Set.of("dmsflow-task"));
        assertThat(engineCalls).startsWith("describe");
        assertThat(ControllerTestSupport.status(jdbc, requestId)).isEqualTo("LOADED");
        assertThat(published).hasAtLeastOneElementOfType(FullLoadCompleted.class);
    }

    /**
     * A local task's loading thread and the listener threads tick through {@code tryTick}: a shutdown holds the tick
     * lock while it waits for the loading threads, so they must never wait for it (they leave the work to the tick
     * thread instead); a tick under way does not hold them up.
     */
    @Test
    void tryTickRunsBesideATickAndNeverWaitsForAShutdown() throws Exception {
        CountDownLatch abandoning = new CountDownLatch(1);
        CountDownLatch abandon = new CountDownLatch(1);
        ControllerInstance instance = new ControllerInstance(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                new Engine() {
                    @Override
                    public void abandonLocalTasks() {
                        abandoning.countDown();
                        try {
                            abandon.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }, Duration.ofSeconds(20));
        instance.start();
        Thread stop = new Thread(instance::stop);
        try {
            AtomicBoolean ran = new AtomicBoolean();
            // once its first heartbeat landed, a free lock runs the tick
            await().atMost(Duration.ofSeconds(10)).until(() -> instance.tryTick(() -> ran.set(true)) && ran.get());
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread tick = new Thread(() -> instance.tick(() -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            tick.start();
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            ran.set(false);

            assertThat(instance.tryTick(() -> ran.set(true))).isTrue();
            assertThat(ran).isTrue();

            release.countDown();
            tick.join(Duration.ofSeconds(10).toMillis());
            stop.start();
            assertThat(abandoning.await(10, TimeUnit.SECONDS)).isTrue();
            ran.set(false);

            assertThat(instance.tryTick(() -> ran.set(true))).isFalse();
            assertThat(ran).isFalse();
        } finally {
            abandon.countDown();
            if (stop.isAlive()) {
                stop.join(Duration.ofSeconds(10).toMillis());
            } else {
                instance.stop();
            }
        }
    }

    /** A RUNNING or STARTING run with a task, holding its lease. */
    private String run(String status, String owner) {
        String requestId = "req-" + UUID.randomUUID();
        jdbc.update("""
                INSERT INTO dms_controller.runs (request_id, kind, requested_by, window_from, window_to, tables, staging_tables, status,
                    engine, migration_type, task_id, task_arn, attempt, started_at, stage, progressed_at, owner)
                VALUES (?, 'TIME_WINDOW_RELOAD', 'ops', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', ?::jsonb, ARRAY['ctl_staging.orders'],
                    ?, 'AWS_DMS', 'full-load', 'dmsflow-task', 'arn:task', 1, now(), 'LOAD', now(), ?)""", requestId, TABLES, status, owner);
        jdbc.update("INSERT INTO dms_controller.table_leases (staging_table, request_id) VALUES ('ctl_staging.orders', ?)", requestId);
        return requestId;
    }

    private void beat(String instance, Duration ago) {
        jdbc.update("INSERT INTO dms_controller.controller_instances (instance_id, heartbeat_at) VALUES (?, now() - make_interval(secs => ?))"
                + " ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at", instance, (double) ago.toSeconds());
    }

    private class Engine implements ReplicationEngine {

        @Override
        public EngineType type() {
            return EngineType.AWS_DMS;
        }

        @Override
        public TaskHandle create(LoadTask task) {
            engineCalls.add("create");
            return new TaskHandle(task.identifier(), "arn:" + task.identifier(), task.migrationType());
        }

        @Override
        public void start(TaskHandle task) {
            engineCalls.add("start");
        }

        @Override
        public TaskStatus describe(TaskHandle task) {
            engineCalls.add("describe");
            return describe.get();
        }

        @Override
        public List<TableStatistics> tableStatistics(TaskHandle task) {
            return List.of();
        }

        @Override
        public Optional<CdcLatency> cdcLatency(TaskHandle task) {
            return Optional.empty();
        }

        @Override
        public void stop(TaskHandle task) {
            engineCalls.add("stop");
        }

        @Override
        public void delete(TaskHandle task) {
            engineCalls.add("delete");
        }
    }
}
