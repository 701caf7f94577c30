package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.catalog.QualifiedName;
import java.sql.SQLTransientException;

/**
 * The merge wrote rows whose key CDC changed while the merge ran, between its statements' snapshot and their row
 * locks. The transaction must roll back; the next attempt sees those changes in the change log and leaves the keys
 * to CDC. Transient, with SQLSTATE 40001 (serialization failure) like PostgreSQL's own conflicts.
 */
final class CdcConflictException extends SQLTransientException {

    CdcConflictException(QualifiedName target, long rows) {
        super("CDC changed " + rows + " row(s) of " + target + " while the merge wrote them; merging again leaves them to CDC", "40001");
    }
}
