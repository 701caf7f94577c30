package dev.dmsflow.merge.window;

import java.sql.SQLTransientException;

/**
 * CDC changed rows of the batch while the merge ran, in a way the merge's statements could not see or handle in
 * place: the transaction must roll back, and the next attempt finds those changes in the change log and leaves the
 * keys to CDC. Transient, with SQLSTATE 40001 (serialization failure) like PostgreSQL's own conflicts.
 */
public final class CdcConflictException extends SQLTransientException {

    public CdcConflictException(String message, Throwable cause) {
        super(message, "40001", cause);
    }
}
