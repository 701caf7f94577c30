package dev.dmsflow.support.jdbc;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** Which PostgreSQL errors a retry can cure. */
public final class TransientFaults {

    /** Lock not available (55P03), server shutting down or restarting (57P01-03). */
    private static final Set<String> STATES = Set.of("55P03", "57P01", "57P02", "57P03");
    /** Connection loss (08), serialization failure and deadlock (40), insufficient resources (53). */
    private static final Set<String> CLASSES = Set.of("08", "40", "53");

    private TransientFaults() {
    }

    public static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && (STATES.contains(state) || (state.length() >= 2 && CLASSES.contains(state.substring(0, 2))));
    }
}
