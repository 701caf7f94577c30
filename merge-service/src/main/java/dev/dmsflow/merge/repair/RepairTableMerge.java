package dev.dmsflow.merge.repair;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.merge.window.CdcConflictException;
import dev.dmsflow.merge.window.ChangeTracking;
import dev.dmsflow.merge.window.MergeCounts;
import dev.dmsflow.merge.window.MergeRejectedException;
import dev.dmsflow.merge.window.MergeStep;
import dev.dmsflow.merge.window.TableShape;
import dev.dmsflow.merge.window.TableShapes;
import dev.dmsflow.support.sql.CatalogReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Staging → production for one table of a repair round: the source's copy of the scope's keys replaces production's
 * when they differ and production's is not newer, keys production lacks are inserted, and production rows of the
 * scope the source lacks are deleted when the catalog allows it (else counted as kept). What CDC did to a key after
 * the load started stays, as in the window merge. See {@link RepairStatements}.
 */
public final class RepairTableMerge implements MergeStep {

    private final TableRef table;
    private final TableRepairScope scope;
    private final long fullLoadRows;
    private final TableShapes shapes;
    private final Optional<Instant> watermark;
    private final boolean changeTrackingRequired;
    private final Instant oldestChangeKept;

    /**
     * @param table     the table as the run staged it
     * @param watermark CDC changes to production at or after it win: the load's start less the allowed clock skew
     * @param changeTrackingRequired the catalog says production has a change log: its absence is an error
     * @param oldestChangeKept       change-log entries before it may have been pruned by the retention
     */
    public RepairTableMerge(TableRef table, TableRepairScope scope, long fullLoadRows, TableShapes shapes,
                            Optional<Instant> watermark, boolean changeTrackingRequired, Instant oldestChangeKept) {
        this.table = table;
        this.scope = scope;
        this.fullLoadRows = fullLoadRows;
        this.shapes = shapes;
        this.watermark = watermark;
        this.changeTrackingRequired = changeTrackingRequired;
        this.oldestChangeKept = oldestChangeKept;
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
        if (table.getKeyColumns().size() != 1) {
            throw new MergeRejectedException("a repair of " + table.getName() + " needs a single-column key, not "
                    + table.getKeyColumns());
        }
        TableShape shape = shapes.resolve(connection, source(), target(), table.getKeyColumns(),
                Optional.ofNullable(table.getWindowColumn()));
        if (!shape.targetKeyUnique()) {
            throw new MergeRejectedException(target() + " has no unique index on its key " + shape.keyColumns()
                    + ": a repair cannot tell a key CDC inserts meanwhile from its own");
        }
        CatalogReader.Relation production = CatalogReader.relation(connection, target().schema(), target().table())
                .orElseThrow(() -> new MergeRejectedException("target " + target() + " does not exist"));
        CatalogReader.Column key = production.column(shape.keyColumns().get(0)).orElseThrow();
        String windowType = shape.windowColumn().flatMap(production::column).map(CatalogReader.Column::typeName)
                .orElse(null);
        boolean tracked = ChangeTracking.verify(connection, target(), table.getName(), changeTrackingRequired,
                watermark, oldestChangeKept);
        RepairStatements sql = new RepairStatements(shape, key.type(), key.collation(), scope, window, windowType,
                tracked ? ChangeLog.of(target()) : null, tracked ? since() : null);

        ChangeTracking.markMergeWrites(connection);
        long scoped;
        long distinct;
        long unchanged;
        long updated;
        long inserted;
        long absent;
        List<String> deletedKeys;
        try (PreparedStatement merge = prepare(connection, sql.merge()); ResultSet rs = merge.executeQuery()) {
            rs.next();
            scoped = rs.getLong(1);
            distinct = rs.getLong(2);
            unchanged = rs.getLong(3);
            updated = rs.getLong(4);
            inserted = rs.getLong(5);
            absent = rs.getLong(6);
            Array keys = rs.getArray(7);
            deletedKeys = List.of((String[]) keys.getArray());
        }
        long skippedDeleted = 0;
        if (tracked) {
            skippedDeleted = count(connection, sql.skippedDeleted());
            long overwritten = count(connection, sql.overwrittenChanges(deletedKeys));
            if (overwritten > 0) {
                throw new CdcConflictException("CDC changed " + overwritten + " row(s) of " + target()
                        + " while the repair wrote or deleted them; merging again leaves them to CDC", null);
            }
            // the log is not pruned here: a repair round is rare and the scheduled pruner keeps it bounded, while a
            // window run of the table that loaded before this round may still need the entries
        }
        ChangeTracking.endMergeWrites(connection);
        // staged rows already equal to production's are neither updated nor skipped: they are counted in none
        long skippedStale = Math.max(0, distinct - unchanged - updated - inserted - skippedDeleted);
        return new MergeCounts(scoped, inserted, updated, skippedStale, skippedDeleted, scoped - distinct,
                deletedKeys.size(), absent - deletedKeys.size());
    }

    private OffsetDateTime since() {
        return OffsetDateTime.ofInstant(watermark.orElseThrow(), ZoneOffset.UTC);
    }

    private static long count(Connection connection, RepairStatements.Sql sql) throws SQLException {
        try (PreparedStatement query = prepare(connection, sql); ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static PreparedStatement prepare(Connection connection, RepairStatements.Sql sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql.text());
        try {
            for (int i = 0; i < sql.parameters().size(); i++) {
                Object value = sql.parameters().get(i);
                if (value instanceof List<?> list) {
                    statement.setArray(i + 1, connection.createArrayOf("text", list.toArray()));
                } else {
                    statement.setObject(i + 1, value);
                }
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
