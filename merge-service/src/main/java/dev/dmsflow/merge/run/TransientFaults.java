package dev.dmsflow.merge.run;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** Which database errors a retry can cure. */
final class TransientFaults {

    /**
     * Connection loss (08), serialization failure and deadlock (40), insufficient resources (53), lock not available
     * (55P03), server shutting down (57P01-03), and unique violation (23505): CDC inserted a key while the merge held
     * it for new; the next attempt sees the row and applies newer-wins to it.
     */
    private static final Set<String> STATES = Set.of("55P03", "57P01", "57P02", "57P03", "23505");
    private static final Set<String> CLASSES = Set.of("08", "40", "53");

    private TransientFaults() {
    }

    static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && (STATES.contains(state) || (state.length() >= 2 && CLASSES.contains(state.substring(0, 2))));
    }
}
