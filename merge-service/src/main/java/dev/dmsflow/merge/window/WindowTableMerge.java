package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** Staging → production for one table of a run: newer-wins, set-based, counts included. */
public final class WindowTableMerge implements MergeStep {

    private static final String DEDUPLICATED = "dmsflow_merge_source";

    private final TableRef table;
    private final long fullLoadRows;
    private final TableShapes shapes;
    private final Optional<Instant> watermark;
    private final boolean changeTrackingRequired;

    /**
     * @param watermark              CDC changes to the target at or after it win over the staged copy: the load's
     *                               start less the allowed clock skew and transaction time
     * @param changeTrackingRequired the catalog says the target has a change log: its absence is an error
     */
    public WindowTableMerge(TableRef table, long fullLoadRows, TableShapes shapes, Optional<Instant> watermark,
                            boolean changeTrackingRequired) {
        this.table = table;
        this.fullLoadRows = fullLoadRows;
        this.shapes = shapes;
        this.watermark = watermark;
        this.changeTrackingRequired = changeTrackingRequired;
    }

    @Override
    public QualifiedName target() {
        return new QualifiedName(table.getTargetSchema(), table.getTargetTable());
    }

    @Override
    public QualifiedName source() {
        return new QualifiedName(table.getStagingSchema(), table.getStagingTable());
    }

    @Override
    public TableRef table() {
        return table;
    }

    @Override
    public long fullLoadRows() {
        return fullLoadRows;
    }

    @Override
    public MergeCounts execute(Connection connection, TimeWindow window) throws SQLException {
        TableShape shape = shapes.resolve(connection, source(), target(), table.getKeyColumns(),
                Optional.ofNullable(table.getWindowColumn()));
        if (!shape.targetKeyUnique()) {
            throw new MergeRejectedException(target() + " has no unique index on its key " + shape.keyColumns()
                    + ": without one, a row CDC inserts while the merge runs would be inserted twice");
        }
        QualifiedName changeLog = ChangeLog.of(target());
        boolean tracked = TableShapes.exists(connection, changeLog);
        if (!tracked && changeTrackingRequired) {
            throw new MergeRejectedException("the catalog sets changeTracking for " + table.getName() + " but its change log "
                    + changeLog + " does not exist: provision the catalog (schema-service POST /api/provision) before reloading");
        }
        if (tracked && watermark.isEmpty()) {
            throw new MergeRejectedException(target() + " has a change log but the run does not say when its load started"
                    + " (loadStartedAt), so the merge cannot tell which rows CDC changed after it");
        }
        MergeStatements sql = new MergeStatements(shape, window != null, tracked ? changeLog : null);
        long staged;
        Object minKey;
        Object maxKey;
        try (PreparedStatement count = connection.prepareStatement(sql.stagedCountAndKeyBounds())) {
            bindWindow(count, 1, window, shape);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                staged = rs.getLong(1);
                minKey = rs.getObject(2);
                maxKey = rs.getObject(3);
            }
        }
        if (staged == 0) {
            return new MergeCounts(0, 0, 0, 0, 0, 0);
        }
        long distinct = staged;
        String from = null;
        if (!shape.sourceKeyUnique()) {
            try (PreparedStatement dedupe = connection.prepareStatement(sql.deduplicateInto(DEDUPLICATED))) {
                bindWindow(dedupe, 1, window, shape);
                distinct = dedupe.executeUpdate();
            }
            try (Statement analyze = connection.createStatement()) {
                // without statistics the planner guesses the temp table's size and may scan all of production
                analyze.execute("ANALYZE " + DEDUPLICATED);
            }
            from = DEDUPLICATED;
        }
        // the change-log trigger skips the merge's own writes: they are not CDC's
        try (PreparedStatement writer = connection.prepareStatement("SELECT set_config(?, ?, true)")) {
            writer.setString(1, ChangeLog.WRITER_SETTING);
            writer.setString(2, ChangeLog.MERGE_WRITER);
            writer.execute();
        }
        String update = sql.update(from);
        long updated = update == null ? 0 : write(connection, update, from, window, shape, minKey, maxKey, true, tracked);
        long inserted = write(connection, sql.insert(from), from, window, shape, minKey, maxKey, true, tracked);
        long skippedDeleted = 0;
        if (tracked) {
            skippedDeleted = write(connection, sql.skippedDeleted(from), from, window, shape, minKey, maxKey, false, true);
            try (PreparedStatement check = connection.prepareStatement(sql.overwrittenChanges())) {
                check.setObject(1, since());
                try (ResultSet rs = check.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        throw new CdcConflictException(target(), rs.getLong(1));
                    }
                }
            }
            try (PreparedStatement prune = connection.prepareStatement(sql.pruneChangeLog())) {
                prune.setObject(1, since());
                prune.executeUpdate();
            }
        }
        try (PreparedStatement writer = connection.prepareStatement("SELECT set_config(?, '', true)")) {
            writer.setString(1, ChangeLog.WRITER_SETTING);
            writer.execute();
        }
        if (from != null) {
            try (Statement drop = connection.createStatement()) {
                drop.execute("DROP TABLE " + DEDUPLICATED);
            }
        }
        return MergeCounts.of(staged, distinct, inserted, updated, skippedDeleted);
    }

    /** Runs one of the merge's counting statements: window (when read from staging), key bounds, watermark. */
    private long write(Connection connection, String statement, String from, TimeWindow window, TableShape shape,
                       Object minKey, Object maxKey, boolean keyBounds, boolean tracked) throws SQLException {
        try (PreparedStatement write = connection.prepareStatement(statement)) {
            int index = from == null ? bindWindow(write, 1, window, shape) : 1;
            if (keyBounds) {
                write.setObject(index++, minKey);
                write.setObject(index++, maxKey);
            }
            if (tracked) {
                write.setObject(index, since());
            }
            try (ResultSet rs = write.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private OffsetDateTime since() {
        return OffsetDateTime.ofInstant(watermark.orElseThrow(), ZoneOffset.UTC);
    }

    /** Binds from and to when the run has a window; returns the next parameter index. */
    private static int bindWindow(PreparedStatement statement, int index, TimeWindow window, TableShape shape) throws SQLException {
        if (window == null) {
            return index;
        }
        WindowBounds.bind(statement, index, window.getFrom(), shape.windowColumnType());
        WindowBounds.bind(statement, index + 1, window.getTo(), shape.windowColumnType());
        return index + 2;
    }
}
