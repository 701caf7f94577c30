package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.support.jdbc.WindowBound;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Staging → production for one table of a run: newer-wins, set-based, counts included. */
public final class WindowTableMerge implements MergeStep {

    private static final String DEDUPLICATED = "dmsflow_merge_source";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final Pattern PLAN_ROWS = Pattern.compile("\"Plan Rows\": ([0-9.eE+]+)");

    private final TableRef table;
    private final long fullLoadRows;
    private final TableShapes shapes;
    private final Optional<Instant> watermark;
    private final boolean changeTrackingRequired;
    private final Instant oldestChangeKept;
    private final Optional<KeyAccess> keyAccess;

    /**
     * @param watermark              CDC changes to the target at or after it win over the staged copy: the load's
     *                               start less the allowed clock skew and transaction time
     * @param changeTrackingRequired the catalog says the target has a change log: its absence is an error
     * @param oldestChangeKept       change-log entries before it may have been pruned by the retention
     */
    public WindowTableMerge(TableRef table, long fullLoadRows, TableShapes shapes, Optional<Instant> watermark,
                            boolean changeTrackingRequired, Instant oldestChangeKept) {
        this(table, fullLoadRows, shapes, watermark, changeTrackingRequired, oldestChangeKept, Optional.empty());
    }

    /** @param keyAccess the plan to take, or empty to choose it from the staged keys' distribution */
    WindowTableMerge(TableRef table, long fullLoadRows, TableShapes shapes, Optional<Instant> watermark,
                     boolean changeTrackingRequired, Instant oldestChangeKept, Optional<KeyAccess> keyAccess) {
        this.table = table;
        this.fullLoadRows = fullLoadRows;
        this.shapes = shapes;
        this.watermark = watermark;
        this.changeTrackingRequired = changeTrackingRequired;
        this.oldestChangeKept = oldestChangeKept;
        this.keyAccess = keyAccess;
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
        boolean tracked = ChangeTracking.verify(connection, target(), table.getName(), changeTrackingRequired, watermark,
                oldestChangeKept);
        MergeStatements sql = new MergeStatements(shape, window != null, tracked ? changeLog : null);
        long staged;
        Object minKey;
        Object maxKey;
        boolean minMax;
        try (PreparedStatement query = connection.prepareStatement(sql.keyHasMinMax())) {
            query.setString(1, source().quoted());
            query.setString(2, shape.keyColumns().get(0));
            try (ResultSet rs = query.executeQuery()) {
                minMax = rs.next() && rs.getBoolean(1);
            }
        }
        try (PreparedStatement count = connection.prepareStatement(sql.stagedCountAndKeyBounds(minMax))) {
            int index = 1;
            for (int filter = 0; filter < (minMax ? 1 : 3); filter++) {
                index = bindWindow(count, index, window, shape);
            }
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
        ChangeTracking.markMergeWrites(connection);
        KeyAccess access = keyAccess.isPresent() ? keyAccess.get()
                : chooseKeyAccess(connection, sql, shape.keyColumns().size(), distinct, minKey, maxKey);
        Binding binding = new Binding(sql, from, window, shape, minKey, maxKey, access);
        long[] counts;
        if (tracked) {
            // no savepoint here: rows written in a subtransaction carry its id, which the overwrite check cannot see
            boolean cdcInserting = cdcInserted(connection, sql, minKey, maxKey);
            try {
                counts = merge(connection, cdcInserting, binding);
            } catch (SQLException e) {
                if (cdcInserting || !UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                // CDC inserted a key of this batch while the statement ran; it is in the log now, so the next attempt
                // takes the conflict-safe statement
                throw new CdcConflictException(target() + ": CDC inserted a key of this batch while the merge ran; merging again leaves it to CDC", e);
            }
        } else {
            Savepoint plain = connection.setSavepoint();
            try {
                counts = merge(connection, false, binding);
                connection.releaseSavepoint(plain);
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                // CDC inserted a key this batch inserts while the statement ran: its row is newer and stays
                connection.rollback(plain);
                counts = merge(connection, true, binding);
            }
        }
        long updated = counts[0];
        long inserted = counts[1];
        long skippedDeleted = 0;
        if (tracked) {
            skippedDeleted = skippedDeleted(connection, sql, from, window, shape);
            try (PreparedStatement check = connection.prepareStatement(sql.overwrittenChanges())) {
                check.setObject(1, since());
                try (ResultSet rs = check.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        throw new CdcConflictException("CDC changed " + rs.getLong(1) + " row(s) of " + target()
                                + " while the merge wrote them; merging again leaves them to CDC", null);
                    }
                }
            }
            // no later run of the table looks further back than this one's watermark
            ChangeLogPruner.prune(connection, target(), watermark.get());
        }
        ChangeTracking.endMergeWrites(connection);
        if (from != null) {
            try (Statement drop = connection.createStatement()) {
                drop.execute("DROP TABLE " + DEDUPLICATED);
            }
        }
        return MergeCounts.of(staged, distinct, inserted, updated, skippedDeleted);
    }

    /** Counts the staged keys CDC deleted since the watermark. */
    private long skippedDeleted(Connection connection, MergeStatements sql, String from, TimeWindow window, TableShape shape)
            throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(sql.skippedDeleted(from))) {
            count.setObject(1, since());
            if (from == null) {
                bindWindow(count, 2, window, shape);
            }
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private boolean cdcInserted(Connection connection, MergeStatements sql, Object minKey, Object maxKey) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql.cdcInserted())) {
            query.setObject(1, since());
            query.setObject(2, minKey);
            query.setObject(3, maxKey);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * The plan for the staged keys' distribution: the planner's estimate of the target rows in the batch's key range
     * against the staged rows (see {@link KeyAccess#choose}). Planning only, nothing is read.
     */
    static KeyAccess chooseKeyAccess(Connection connection, MergeStatements sql, int keyColumns, long staged, Object minKey, Object maxKey)
            throws SQLException {
        if (keyColumns != 1) {
            return KeyAccess.RANGE;
        }
        try (PreparedStatement explain = connection.prepareStatement(sql.targetRowsInKeyRange())) {
            explain.setObject(1, minKey);
            explain.setObject(2, maxKey);
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                Matcher rows = PLAN_ROWS.matcher(rs.getString(1));
                return rows.find() ? KeyAccess.choose(keyColumns, staged, Double.parseDouble(rows.group(1))) : KeyAccess.RANGE;
            }
        }
    }

    /** Runs the merge statement: returns {@code updated, inserted}. */
    private long[] merge(Connection connection, boolean cdcSafeInsert, Binding binding) throws SQLException {
        MergeStatements sql = binding.sql();
        try (PreparedStatement merge = connection.prepareStatement(sql.merge(binding.from(), cdcSafeInsert, binding.access()))) {
            int index = 1;
            for (MergeStatements.Parameter parameter : sql.mergeParameters(binding.from(), binding.access())) {
                switch (parameter) {
                    case WINDOW -> index = bindWindow(merge, index, binding.window(), binding.shape());
                    case KEY_BOUNDS -> {
                        merge.setObject(index++, binding.minKey());
                        merge.setObject(index++, binding.maxKey());
                    }
                    case WATERMARK -> merge.setObject(index++, since());
                }
            }
            try (ResultSet rs = merge.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(2), rs.getLong(1)};
            }
        }
    }

    /** What the merge statement is built from and binds. */
    private record Binding(MergeStatements sql, String from, TimeWindow window, TableShape shape, Object minKey, Object maxKey,
                           KeyAccess access) {
    }

    private OffsetDateTime since() {
        return OffsetDateTime.ofInstant(watermark.orElseThrow(), ZoneOffset.UTC);
    }

    /** Binds from and to when the run has a window; returns the next parameter index. */
    private static int bindWindow(PreparedStatement statement, int index, TimeWindow window, TableShape shape) throws SQLException {
        if (window == null) {
            return index;
        }
        WindowBound.bind(statement, index, window.getFrom(), shape.windowColumnType());
        WindowBound.bind(statement, index + 1, window.getTo(), shape.windowColumnType());
        return index + 2;
    }
}
