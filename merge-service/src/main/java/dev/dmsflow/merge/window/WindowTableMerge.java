package dev.dmsflow.merge.window;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/** Staging → production for one table of a run: newer-wins, set-based, counts included. */
public final class WindowTableMerge implements MergeStep {

    private static final String DEDUPLICATED = "dmsflow_merge_source";

    private final TableRef table;
    private final long fullLoadRows;
    private final TableShapes shapes;

    public WindowTableMerge(TableRef table, long fullLoadRows, TableShapes shapes) {
        this.table = table;
        this.fullLoadRows = fullLoadRows;
        this.shapes = shapes;
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
        MergeStatements sql = new MergeStatements(shape, window != null);
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
            return new MergeCounts(0, 0, 0, 0, 0);
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
        long inserted;
        long updated;
        try (PreparedStatement merge = connection.prepareStatement(sql.merge(from))) {
            int index = from == null ? bindWindow(merge, 1, window, shape) : 1;
            merge.setObject(index, minKey);
            merge.setObject(index + 1, maxKey);
            try (ResultSet rs = merge.executeQuery()) {
                rs.next();
                inserted = rs.getLong(1);
                updated = rs.getLong(2);
            }
        }
        if (from != null) {
            try (Statement drop = connection.createStatement()) {
                drop.execute("DROP TABLE " + DEDUPLICATED);
            }
        }
        return MergeCounts.of(staged, distinct, inserted, updated);
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
