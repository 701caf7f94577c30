package dev.dmsflow.contracts.catalog;

import dev.dmsflow.contracts.event.TableRef;
import java.util.List;
import java.util.Optional;

/**
 * One migrated table: where it comes from in Oracle, the staging table DMS loads, the production table merges
 * write, its key and the column time windows filter on (absent for tables only ever loaded whole).
 *
 * @param windowPrecision fractional-second digits of the window column in the source (0 for Oracle DATE, 6 for
 *                        TIMESTAMP, Oracle's default, up to 9): a window's exclusive upper bound becomes the last value
 *                        before it at that precision, since DMS filters have no strict less-than
 * @param cdc             CDC (an ongoing DMS task) writes into the production table while reloads run
 * @param changeTracking  production carries a change log (key, operation, time) maintained by a trigger, so a merge can
 *                        let what CDC did after a load started win over that load's copy; defaults to {@code cdc}
 * @param binaryFloats    Oracle FLOAT(b) columns may become PostgreSQL {@code real}/{@code double precision}, which
 *                        round decimal values; without it they become {@code numeric}, which holds them exactly
 * @param repair          what a failed validation's recorded differences may lead to (see {@link Repair})
 */
public record CatalogTable(String name, QualifiedName source, QualifiedName staging, QualifiedName production,
                           List<String> keyColumns, Optional<String> windowColumn, int windowPrecision,
                           boolean cdc, boolean changeTracking, boolean binaryFloats, Repair repair) {

    public static final int DEFAULT_WINDOW_PRECISION = 6;

    /**
     * The repair policy: {@code AUTO} repairs a failed validation's differing keys at once (a targeted reload of just
     * those keys, merged and validated again), {@code MANUAL} only on POST /api/runs/{id}/repair, {@code OFF} never.
     *
     * @param deletes a repair may delete production rows whose key the source lacks; otherwise they are reported
     */
    public record Repair(Policy policy, boolean deletes) {
        public static final Repair DEFAULT = new Repair(Policy.MANUAL, false);

        public enum Policy { AUTO, MANUAL, OFF }
    }

    /** Everything but the repair policy, which is the default (manual, no deletes). */
    public CatalogTable(String name, QualifiedName source, QualifiedName staging, QualifiedName production,
                        List<String> keyColumns, Optional<String> windowColumn, int windowPrecision,
                        boolean cdc, boolean changeTracking, boolean binaryFloats) {
        this(name, source, staging, production, keyColumns, windowColumn, windowPrecision, cdc, changeTracking, binaryFloats,
                Repair.DEFAULT);
    }

    public CatalogTable {
        keyColumns = List.copyOf(keyColumns);
    }

    /** A table no CDC writes to, without change tracking, FLOAT columns mapped exactly. */
    public CatalogTable(String name, QualifiedName source, QualifiedName staging, QualifiedName production,
                        List<String> keyColumns, Optional<String> windowColumn, int windowPrecision) {
        this(name, source, staging, production, keyColumns, windowColumn, windowPrecision, false, false, false);
    }

    /** The table as events carry it. */
    public TableRef toTableRef() {
        return TableRef.newBuilder()
                .setName(name)
                .setSourceSchema(source.schema()).setSourceTable(source.table())
                .setStagingSchema(staging.schema()).setStagingTable(staging.table())
                .setTargetSchema(production.schema()).setTargetTable(production.table())
                .setKeyColumns(keyColumns)
                .setWindowColumn(windowColumn.orElse(null))
                .build();
    }
}
