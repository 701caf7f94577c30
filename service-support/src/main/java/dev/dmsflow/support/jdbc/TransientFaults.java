package dev.dmsflow.support.jdbc;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.Optional;
import java.util.Set;

/**
 * Which PostgreSQL errors a retry can cure, and which of them mean the database cannot be reached at all (an outage:
 * the consumer waits for it instead of ending the run). A statement timeout or cancel (57014) is neither: the same
 * statement would take as long again.
 */
public final class TransientFaults {

    /** Lock not available (55P03), server shutting down or restarting (57P01-03). */
    private static final Set<String> STATES = Set.of("55P03", "57P01", "57P02", "57P03");
    /** Connection loss (08), serialization failure and deadlock (40), insufficient resources (53). */
    private static final Set<String> CLASSES = Set.of("08", "40", "53");
    /** Administrator or crash shutdown, cannot connect now. */
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03");

    private TransientFaults() {
    }

    public static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && (STATES.contains(state) || (state.length() >= 2 && CLASSES.contains(state.substring(0, 2))));
    }

    /**
     * The database cannot be reached: no connection from the pool (Hikari's {@link SQLTransientConnectionException}), a
     * connection failure or loss (class 08), the server shutting down or starting (57P01-03).
     */
    public static boolean isUnavailable(SQLException e) {
        if (e instanceof SQLTransientConnectionException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || UNAVAILABLE_STATES.contains(state));
    }

    /** The first {@link SQLException} in {@code failure}'s cause chain (a driver's, under any wrappers). */
    public static Optional<SQLException> sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return Optional.of(sql);
            }
        }
        return Optional.empty();
    }

    /** {@code failure} is, or is caused by, the database being unreachable. */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && isUnavailable(sql)) {
                return true;
            }
        }
        return false;
    }

    /** {@code failure} is, or is caused by, a transient database fault. */
    public static boolean isTransientFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && isTransient(sql)) {
                return true;
            }
        }
        return false;
    }
}
