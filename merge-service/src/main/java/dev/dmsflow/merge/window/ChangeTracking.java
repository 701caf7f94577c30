package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** What every merge into a production table checks and sets about its change log (see {@link ChangeLog}). */
public final class ChangeTracking {

    private ChangeTracking() {
    }

    /**
     * Whether the target has a change log the merge must respect; refuses a merge that cannot respect it.
     *
     * @param required         the catalog says the target has a change log: its absence is an error
     * @param watermark        the load's start less the clock skew, if the run says when its load started
     * @param oldestChangeKept change-log entries before it may have been pruned by the retention
     */
    public static boolean verify(Connection connection, QualifiedName target, String tableName, boolean required,
                                 Optional<Instant> watermark, Instant oldestChangeKept) throws SQLException {
        QualifiedName changeLog = ChangeLog.of(target);
        boolean tracked = TableShapes.exists(connection, changeLog);
        if (!tracked && required) {
            throw new MergeRejectedException("the catalog sets changeTracking for " + tableName + " but its change log "
                    + changeLog + " does not exist: provision the catalog (schema-service POST /api/provision)"
                    + " before reloading");
        }
        if (tracked && watermark.isEmpty()) {
            throw new MergeRejectedException(target + " has a change log but the run does not say when its load started"
                    + " (loadStartedAt), so the merge cannot tell which rows CDC changed after it");
        }
        if (tracked && watermark.get().isBefore(oldestChangeKept)) {
            throw new MergeRejectedException("the load of " + tableName + " started at " + watermark.get()
                    + " (less the clock skew), before the change log's retention (entries since " + oldestChangeKept
                    + " are kept, dmsflow.merge.change-log-retention): what CDC did early in the load may be pruned;"
                    + " reload the window");
        }
        return tracked;
    }

    /** Marks the transaction's next writes as the merge's: the change-log trigger skips them, they are not CDC's. */
    public static void markMergeWrites(Connection connection) throws SQLException {
        writer(connection, ChangeLog.MERGE_WRITER);
    }

    /** Ends {@link #markMergeWrites}: later writes of the transaction are logged again. */
    public static void endMergeWrites(Connection connection) throws SQLException {
        writer(connection, "");
    }

    private static void writer(Connection connection, String value) throws SQLException {
        try (PreparedStatement writer = connection.prepareStatement("SELECT set_config(?, ?, true)")) {
            writer.setString(1, ChangeLog.WRITER_SETTING);
            writer.setString(2, value);
            writer.execute();
        }
    }
}
