package dev.dmsflow.support.run;

import java.sql.SQLException;

/**
 * The database could not be reached while handling a run: nothing of it is recorded, and the event must be delivered
 * again when the database is back (the shared error handler backs off without limit for it, never dead-letters it).
 */
public class RunUnavailableException extends RuntimeException {

    RunUnavailableException(RunKey key, SQLException cause) {
        super("database unavailable while handling run " + key.requestId() + " (attempt " + key.attempt() + "): " + cause.getMessage(), cause);
    }
}
