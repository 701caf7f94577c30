package dev.dmsflow.merge.run;

import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TimeWindow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The audit rows users query from the seed: one {@code admin.merge_logs} row per merged table and one
 * {@code admin.merge_summary} row per run. The run is recorded here instead of marking every staging row PROCESSED,
 * which would rewrite the whole staging table.
 */
final class MergeAudit {

    void logTable(Connection connection, String requestId, TableMergeResult result, String sourceTable,
                  TimeWindow window, Instant mergedAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO admin.merge_logs (table_name, merge_time, records_updated, records_inserted, records_skipped_stale,
                    records_duplicate, staged_rows, full_load_rows, request_id, source_table, window_from, window_to, duration_ms,
                    records_skipped_deleted, records_deleted, records_kept_absent)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, result.getTable().getTargetSchema() + "." + result.getTable().getTargetTable());
            insert.setObject(2, utc(mergedAt));
            insert.setLong(3, result.getUpdated());
            insert.setLong(4, result.getInserted());
            insert.setLong(5, result.getSkippedStale());
            insert.setLong(6, result.getDuplicates());
            insert.setLong(7, result.getStagedRows());
            insert.setLong(8, result.getFullLoadRows());
            insert.setString(9, requestId);
            insert.setString(10, sourceTable);
            insert.setObject(11, window == null ? null : utc(window.getFrom()), Types.TIMESTAMP_WITH_TIMEZONE);
            insert.setObject(12, window == null ? null : utc(window.getTo()), Types.TIMESTAMP_WITH_TIMEZONE);
            insert.setLong(13, result.getDurationMillis());
            insert.setLong(14, result.getSkippedDeleted());
            insert.setLong(15, result.getDeleted());
            insert.setLong(16, result.getKeptAbsent());
            insert.executeUpdate();
        }
    }

    void summary(Connection connection, String requestId, int attempt, Instant start, Instant end, String status,
                 String notes, Boolean retryable) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO admin.merge_summary (merge_start, merge_end, status, notes, request_id, attempt, retryable)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setObject(1, utc(start));
            insert.setObject(2, utc(end));
            insert.setString(3, status);
            insert.setString(4, notes);
            insert.setString(5, requestId);
            insert.setInt(6, attempt);
            insert.setObject(7, retryable, Types.BOOLEAN);
            insert.executeUpdate();
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
