package dev.dmsflow.support.run;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.support.jdbc.CustomPlans;
import dev.dmsflow.support.jdbc.TransientFaults;
import dev.dmsflow.support.kafka.EventEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once skeleton every stage runs its input events through, so that each consumed event ends in exactly one
 * outcome event (the stage's success event or {@link TaskFailed} of the stage) however often it is delivered:
 * <ol>
 * <li>the run's advisory lock, a session lock taken before any transaction starts, so the snapshot that looks for the
 * recorded outcome is taken after a concurrent delivery of the same run has committed its outcome;</li>
 * <li>the outcome recorded for (requestId, attempt) is published again as it was, and the work is not repeated;</li>
 * <li>otherwise the stage's work runs in one transaction of the stage's isolation, and its outcome is recorded in that
 * transaction;</li>
 * <li>after the commit, the outcome is published (a crash before that is healed by the redelivery, step 2).</li>
 * </ol>
 * Failures: a transient fault (deadlock, serialization failure, lock not available) is retried per the
 * {@link RetryPolicy}, then ends in a retryable TaskFailed; any other failure of the work ends in a TaskFailed that is
 * not retryable, recorded like a success. Only an outage (the database unreachable, see
 * {@link TransientFaults#isUnavailable}) is thrown: nothing can be recorded then, and the consumer's error handler waits
 * for the database with the record in hand.
 *
 * @param <E> the stage's input event
 */
public final class RunSkeleton<E extends SpecificRecord> {

    private static final Logger log = LoggerFactory.getLogger(RunSkeleton.class);

    /**
     * What distinguishes one stage's runs.
     *
     * @param stage        the stage named by its TaskFailed
     * @param producer     the producer in the headers of the events it publishes
     * @param outcomes     the stage's outcome table (see {@link OutcomeTable})
     * @param activity     what the stage does, as TaskFailed reasons and logs name it ("merge")
     * @param isolation    the work transaction's isolation, a {@link Connection} TRANSACTION_ constant
     * @param lock         the name of the stage's run locks, the requestId appended ("dmsflow.merge-run"); kept as the
     *                     stage had it, so instances of the version before exclude the same runs
     */
    public record Stage(FailureStage stage, String producer, QualifiedName outcomes, String activity, int isolation, String lock) {
    }

    private final DataSource dataSource;
    private final Stage stage;
    private final StageWork<E> work;
    private final OutcomeSink sink;
    private final RetryPolicy retry;
    private final Clock clock;
    private final OutcomeTable outcomes;
    private final String lockPrefix;

    public RunSkeleton(DataSource dataSource, Stage stage, StageWork<E> work, OutcomeSink sink, RetryPolicy retry, Clock clock) {
        this.dataSource = dataSource;
        this.stage = stage;
        this.work = work;
        this.sink = sink;
        this.retry = retry;
        this.clock = clock;
        this.outcomes = new OutcomeTable(stage.outcomes());
        this.lockPrefix = stage.lock() + ":";
    }

    /**
     * Handles one delivery of {@code event}: returns once its outcome is published.
     *
     * @throws RunUnavailableException when the database cannot be reached: nothing is recorded, the event must be
     *                                 delivered again later
     */
    public void handle(E event) {
        EventHeader header = EventEnvelope.header(event);
        if (header == null) {
            throw new IllegalArgumentException(event.getSchema().getName() + " has no header");
        }
        RunKey key = new RunKey(header.getRequestId(), header.getAttempt());
        SpecificRecord outcome;
        for (int tried = 1; ; tried++) {
            try {
                outcome = runOnce(key, event, tried >= retry.maxAttempts());
                break;
            } catch (RetryableFault fault) {
                Duration pause = retry.backoffBefore(tried + 1);
                log.warn("{} of run {} (attempt {}) met a transient fault (try {} of {}), retrying in {}: {}", stage.activity(), key.requestId(),
                        key.attempt(), tried, retry.maxAttempts(), pause, fault.getCause().getMessage());
                pause(pause);
            }
        }
        sink.publish(outcome);
    }

    private SpecificRecord runOnce(RunKey key, E event, boolean lastTry) throws RetryableFault {
        Instant started = clock.instant();
        try (Connection connection = dataSource.getConnection()) {
            // the lock in a statement of its own, outside any transaction: a snapshot taken before it is held could
            // not see the outcome a concurrent delivery recorded meanwhile
            connection.setAutoCommit(true);
            lock(connection, key);
            try {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(stage.isolation());
                CustomPlans.forTransaction(connection);
                Optional<SpecificRecord> recorded = outcomes.find(connection, key);
                if (recorded.isPresent()) {
                    connection.rollback();
                    log.info("Run {} (attempt {}) ended before ({}); publishing its outcome again", key.requestId(), key.attempt(),
                            recorded.get().getSchema().getName());
                    return recorded.get();
                }
                try {
                    SpecificRecord outcome = work.run(connection, event, started);
                    outcomes.record(connection, key, outcome);
                    connection.commit();
                    return outcome;
                } catch (SQLException | RuntimeException e) {
                    rollback(connection);
                    return failed(connection, key, event, e, started, lastTry);
                }
            } finally {
                unlock(connection, key);
            }
        } catch (SQLException e) {
            // the lock, the lookup or recording a failure: nothing of the run is committed
            if (TransientFaults.isUnavailable(e)) {
                throw new RunUnavailableException(key, e);
            }
            if (TransientFaults.isTransient(e) && !lastTry) {
                throw new RetryableFault(e);
            }
            throw new IllegalStateException(stage.activity() + " of run " + key.requestId() + " could not be recorded: " + e.getMessage(), e);
        }
    }

    /** Records the TaskFailed that ends a run whose work failed, unless a retry or the database's return may cure it. */
    private TaskFailed failed(Connection connection, RunKey key, E event, Exception failure, Instant started, boolean lastTry)
            throws SQLException, RetryableFault {
        Optional<SQLException> sql = TransientFaults.sqlCause(failure);
        boolean transientFault = sql.isPresent() && TransientFaults.isTransient(sql.get());
        if (sql.isPresent() && TransientFaults.isUnavailable(sql.get())) {
            throw new RunUnavailableException(key, sql.get());
        }
        if (transientFault && !lastTry) {
            throw new RetryableFault(sql.get());
        }
        String detail = sql.map(e -> "database error " + e.getSQLState() + ": " + e.getMessage()).orElseGet(() -> String.valueOf(failure.getMessage()));
        TaskFailed failed = TaskFailed.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), key.requestId(), clock.instant().truncatedTo(ChronoUnit.MILLIS),
                        stage.producer(), key.attempt()))
                .setStage(stage.stage())
                .setReason(stage.activity() + " of run " + key.requestId() + " failed: " + detail)
                .setRetryable(transientFault)
                .setTables(EventEnvelope.tables(event))
                .setErrorType(failure.getClass().getSimpleName())
                .build();
        log.error("{} of run {} (attempt {}) failed (retryable: {}): {}", stage.activity(), key.requestId(), key.attempt(), transientFault,
                detail, failure);
        work.recordFailure(connection, event, failed, detail, started);
        outcomes.record(connection, key, failed);
        connection.commit();
        return failed;
    }

    private void lock(Connection connection, RunKey key) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(hashtextextended(?, 0))")) {
            lock.setString(1, lockPrefix + key.requestId());
            lock.execute();
        }
    }

    /**
     * Releases {@link #lock}. A pooled connection must not keep it: when releasing fails, the connection is aborted
     * (its session, and the lock with it, ends) rather than returned to the pool holding it.
     */
    private void unlock(Connection connection, RunKey key) {
        try {
            connection.setAutoCommit(true);
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
                unlock.setString(1, lockPrefix + key.requestId());
                unlock.execute();
            }
        } catch (SQLException e) {
            log.warn("Could not release the lock of run {} ({}); closing its connection instead", key.requestId(), e.getMessage());
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // the connection is gone already, and its lock with it
            }
        }
    }

    private static void rollback(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // a lost connection has rolled back on its own; recording the failure will tell whether it is lost
            log.debug("Rollback failed: {}", e.getMessage());
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry a run", e);
        }
    }

    /** A transient fault another try in-process may cure. */
    private static final class RetryableFault extends Exception {
        RetryableFault(SQLException cause) {
            super(cause);
        }
    }
}
