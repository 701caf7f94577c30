package dev.dmsflow.schema.drift;

/**
 * A column whose staging and production definitions differ.
 *
 * @param targetType  the production column's type ({@code format_type}, then {@code COLLATE} and its collation when
 *                    that is not the type's default), null when production lacks the column
 * @param stagingType the staging column's type, likewise; null when staging lacks the column
 * @param status      as the seed's type verification view says it: DATA TYPE / LENGTH / PRECISION / SCALE MISMATCH,
 *                    MISSING IN STAGING or MISSING IN TARGET; or COLLATION MISMATCH (same type, other collation)
 */
public record ColumnDrift(String table, String column, String stagingTable, String targetTable, String targetType,
                          String stagingType, String status) {

    public String describe() {
        return table + "." + column + ": " + status + " (production " + targetTable + " " + (targetType == null ? "has no such column" : targetType)
                + ", staging " + stagingTable + " " + (stagingType == null ? "has no such column" : stagingType) + ")";
    }
}
