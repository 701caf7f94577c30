package dev.dmsflow.support.run;

import dev.dmsflow.contracts.event.TaskFailed;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * What one stage does with its input event inside the {@link RunSkeleton}: the database work, in the run's transaction
 * on the connection it is given (which holds the run's lock), returning the outcome event the skeleton records and
 * publishes. A run the stage refuses (a missing table, a drifted column) is returned as a {@link TaskFailed}; an
 * exception is classified by the skeleton (transient: retried; otherwise: TaskFailed of the stage).
 *
 * @param <E> the stage's input event
 */
public interface StageWork<E extends SpecificRecord> {

    /** The stage's work for {@code event}; must not commit, roll back or change the connection's auto-commit. */
    SpecificRecord run(Connection connection, E event, Instant startedAt) throws SQLException;

    /**
     * Rows besides the outcome that record a failure the skeleton turned into {@code failed} (e.g. an admin summary),
     * written in the transaction that records it; {@code detail} is the reason without the run's name.
     */
    default void recordFailure(Connection connection, E event, TaskFailed failed, String detail, Instant startedAt) throws SQLException {
    }
}
