package dev.dmsflow.schema.drift;

import java.time.Instant;
import java.util.List;

/**
 * The current drift of every catalog table: columns whose staging and production definitions differ, and tables
 * that are missing.
 */
public record DriftReport(Instant checkedAt, boolean drifted, List<TableDrift> tables) {

    /** @param problems missing tables, in words; @param columns drifted columns */
    public record TableDrift(String table, String staging, String production, List<String> problems, List<ColumnDrift> columns) {
    }
}
