package dev.dmsflow.support.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.RequestedTable;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The guarantee of every stage, once: each event ends in exactly one outcome (the stage's or TaskFailed), recorded per
 * (requestId, attempt), published again on redelivery without repeating the work, also when two consumers get it at once.
 */
class RunSkeletonIT {

    private static final QualifiedName OUTCOMES = new QualifiedName("run_skeleton_it", "outcomes");
    private static final DataSource DB = DmsflowInfrastructure.shared().dataSource(Database.DB1);

    private final Queue<SpecificRecord> published = new ConcurrentLinkedQueue<>();
    private final AtomicInteger runs = new AtomicInteger();

    @BeforeAll
    static void createTables() throws SQLException {
        try (Connection connection = DB.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS run_skeleton_it");
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS run_skeleton_it.outcomes (request_id text NOT NULL, attempt integer NOT NULL,
                        outcome_type text NOT NULL, outcome bytea NOT NULL, PRIMARY KEY (request_id, attempt))""");
            statement.execute("CREATE TABLE IF NOT EXISTS run_skeleton_it.work (request_id text NOT NULL, attempt integer NOT NULL)");
        }
    }

    @Test
    void aRunIsDoneOnceAndItsRecordedOutcomeIsPublishedAgainOnRedelivery() {
        RunSkeleton<TaskRequested> skeleton = skeleton((connection, event, started) -> work(connection, event));
        TaskRequested event = request("req-" + UUID.randomUUID(), 1);

        skeleton.handle(event);
        skeleton.handle(event);

        assertThat(runs).hasValue(1);
        assertThat(published).hasSize(2).containsOnly(published.peek());
        assertThat(published.peek()).isInstanceOf(TaskRequested.class);
        assertThat(workRows(event)).isOne();
    }

    @Test
    void aRetriedRunIsAnotherRunItsWorkIsDoneAgain() {
        RunSkeleton<TaskRequested> skeleton = skeleton((connection, event, started) -> work(connection, event));
        String requestId = "req-" + UUID.randomUUID();

        skeleton.handle(request(requestId, 1));
        skeleton.handle(request(requestId, 2));

        assertThat(runs).hasValue(2);
        assertThat(published).extracting(e -> ((TaskRequested) e).getHeader().getAttempt()).containsExactly(1, 2);
    }

    @Test
    void workFailingForGoodEndsInOneTaskFailedOfTheStageRecordedLikeASuccessAndNothingOfTheWorkStays() {
        RunSkeleton<TaskRequested> skeleton = skeleton((connection, event, started) -> {
            work(connection, event);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1 / 0");
            }
            return event;
        });
        TaskRequested event = request("req-" + UUID.randomUUID(), 1);

        skeleton.handle(event);
        skeleton.handle(event);

        assertThat(runs).hasValue(1);
        assertThat(published).hasSize(2);
        TaskFailed failed = (TaskFailed) published.peek();
        assertThat(published).containsOnly(failed);
        assertThat(failed.getStage()).isEqualTo(FailureStage.REQUEST);
        assertThat(failed.getReason()).startsWith("test run of run " + event.getHeader().getRequestId() + " failed: database error 22012");
        assertThat(failed.getRetryable()).isFalse();
        assertThat(failed.getErrorType()).isEqualTo("PSQLException");
        assertThat(failed.getTables()).containsExactly("orders");
        assertThat(failed.getHeader().getAttempt()).isEqualTo(1);
        assertThat(failed.getHeader().getProducer()).isEqualTo("run-skeleton-it");
        assertThat(workRows(event)).isZero();
    }

    @Test
    void aTransientFaultIsRetriedInProcessAndEndsInARetryableTaskFailedWhenItPersists() {
        AtomicInteger tries = new AtomicInteger();
        RunSkeleton<TaskRequested> skeleton = skeleton((connection, event, started) -> {
            tries.incrementAndGet();
            try (Statement statement = connection.createStatement()) {
                statement.execute("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$");
            }
            return event;
        });

        skeleton.handle(request("req-" + UUID.randomUUID(), 1));

        assertThat(tries).hasValue(3);
        assertThat(published).singleElement().isInstanceOfSatisfying(TaskFailed.class, failed -> {
            assertThat(failed.getRetryable()).isTrue();
            assertThat(failed.getReason()).contains("database error 40001");
        });
    }

    @Test
    void anUnreachableDatabaseEndsNothingTheEventIsLeftForRedelivery() {
        PGSimpleDataSource closed = new PGSimpleDataSource();
        closed.setUrl("jdbc:postgresql://localhost:1/none");
        RunSkeleton<TaskRequested> skeleton = new RunSkeleton<>(closed, stage(), (connection, event, started) -> work(connection, event),
                published::add, new RetryPolicy(3, Duration.ofMillis(10)), Clock.systemUTC());

        assertThatThrownBy(() -> skeleton.handle(request("req-" + UUID.randomUUID(), 1))).isInstanceOf(RunUnavailableException.class);
        assertThat(published).isEmpty();
        assertThat(runs).hasValue(0);
    }

    @Test
    void twoConsumersHandlingTheSameEventAtOnceDoTheWorkOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RunSkeleton<TaskRequested> skeleton = skeleton((connection, event, started) -> {
            SpecificRecord outcome = work(connection, event);
            try {
                // the first delivery holds the run until the second waits for its lock
                assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return outcome;
        });
        TaskRequested event = request("req-" + UUID.randomUUID(), 1);

        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> skeleton.handle(event));
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() == 1);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> skeleton.handle(event));
        await().atMost(Duration.ofSeconds(30)).until(() -> advisoryLockWaiters() == 1);
        release.countDown();
        CompletableFuture.allOf(first, second).get(30, TimeUnit.SECONDS);

        assertThat(runs).hasValue(1);
        assertThat(published).hasSize(2).containsOnly(published.peek());
        assertThat(workRows(event)).isOne();
    }

    /**
     * A stage runs the same statements run after run on a pooled connection, where the driver soon prepares them on the
     * server and PostgreSQL may then switch to one generic plan, estimating a window as 0.5 % of the table whatever its
     * bounds (a merge benchmark's tenth run of one statement: hash joins in 16 batches, 8.8 s against 3.1 s). Every run
     * is planned for the window it binds.
     */
    @Test
    void aStatementRunRunAfterRunOnOnePooledConnectionIsPlannedEveryTimeForTheWindowItBinds() throws SQLException {
        try (Connection connection = DB.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS run_skeleton_it.events");
            statement.execute("CREATE TABLE run_skeleton_it.events AS"
                    + " SELECT g AS id, timestamp '2026-01-01' + g * interval '1 minute' AS at FROM generate_series(1, 100000) g");
            statement.execute("CREATE INDEX ON run_skeleton_it.events (at)");
            statement.execute("ANALYZE run_skeleton_it.events");
        }
        String window = "SELECT count(*) FROM run_skeleton_it.events WHERE at >= ? AND at < ?";
        List<Long> plans = new ArrayList<>();
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(DmsflowInfrastructure.shared().jdbcUrl(Database.DB1));
            pool.setUsername(DmsflowInfrastructure.USER);
            pool.setMaximumPoolSize(1);
            RunSkeleton<TaskRequested> skeleton = new RunSkeleton<>(pool, stage(), (connection, event, started) -> {
                try (PreparedStatement count = connection.prepareStatement(window)) {
                    // nearly the whole table: a plan for these bounds scans it, a generic plan guesses 0.5 % of it
                    count.setObject(1, LocalDateTime.parse("2026-01-01T00:00"));
                    count.setObject(2, LocalDateTime.parse("2026-03-31T00:00"));
                    count.executeQuery().close();
                }
                try (Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery("SELECT generic_plans FROM pg_prepared_statements"
                             + " WHERE statement = 'SELECT count(*) FROM run_skeleton_it.events WHERE at >= $1 AND at < $2'")) {
                    plans.add(rs.next() ? rs.getLong(1) : -1);
                }
                return event;
            }, published::add, new RetryPolicy(3, Duration.ofMillis(10)), Clock.systemUTC());

            for (int run = 0; run < 15; run++) {
                skeleton.handle(request("req-" + UUID.randomUUID(), 1));
            }
        }

        // prepared on the server from the driver's fifth execution on, and never planned generically since
        assertThat(plans).hasSize(15).contains(0L).allSatisfy(generic -> assertThat(generic).isLessThanOrEqualTo(0));
    }

    private RunSkeleton<TaskRequested> skeleton(StageWork<TaskRequested> work) {
        return new RunSkeleton<>(DB, stage(), work, published::add, new RetryPolicy(3, Duration.ofMillis(10)), Clock.systemUTC());
    }

    private static RunSkeleton.Stage stage() {
        return new RunSkeleton.Stage(FailureStage.REQUEST, "run-skeleton-it", OUTCOMES, "test run", Connection.TRANSACTION_REPEATABLE_READ,
                "dmsflow.run-skeleton-it");
    }

    private SpecificRecord work(Connection connection, TaskRequested event) throws SQLException {
        runs.incrementAndGet();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO run_skeleton_it.work (request_id, attempt) VALUES (?, ?)")) {
            insert.setString(1, event.getHeader().getRequestId());
            insert.setInt(2, event.getHeader().getAttempt());
            insert.executeUpdate();
        }
        return event;
    }

    private static long workRows(TaskRequested event) {
        return query("SELECT count(*) FROM run_skeleton_it.work WHERE request_id = '" + event.getHeader().getRequestId() + "'");
    }

    private static long advisoryLockWaiters() {
        return query("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'");
    }

    private static long query(String sql) {
        try (Connection connection = DB.getConnection(); Statement statement = connection.createStatement();
             var rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TaskRequested request(String requestId, int attempt) {
        return TaskRequested.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now().truncatedTo(ChronoUnit.MILLIS), "test", attempt))
                .setKind(TaskKind.FULL_LOAD)
                .setTables(List.of(RequestedTable.newBuilder().setName("orders").build()))
                .setRequestedBy("ops")
                .build();
    }
}
