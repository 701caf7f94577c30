package dev.dmsflow.schema.provision;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.AdminSchema;
import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.Identifiers;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The seed's monitoring views over every catalog table. The migration status is derived from what merge-service
 * records instead of a per-row status column: a staged row is processed when a merge of its table covered its window
 * (or the whole table) after the row was loaded, pending otherwise.
 */
final class MonitoringViews {

    static final String MERGED_WINDOWS_FUNCTION = "dmsflow_merged_windows";
    static final String STATUS_VIEW = "oracle_pg_migration_status";
    static final String TYPE_VIEW = "oracle_pg_type_verification";

    /** A staged table in the status view, with the type of its window column (when it has one). */
    record StatusTable(CatalogTable table, String windowColumnType) {
    }

    private MonitoringViews() {
    }

    /**
     * Merged windows per source table, from admin.merge_logs. merge-service creates that table, possibly after this
     * view: PL/pgSQL resolves it only when called, so the view works before and after it exists.
     */
    static String mergedWindowsFunction() {
        return """
                CREATE OR REPLACE FUNCTION %s.%s()
                RETURNS TABLE (source_table text, window_from timestamptz, window_to timestamptz, merge_time timestamptz)
                LANGUAGE plpgsql STABLE AS $fn$
                BEGIN
                    IF to_regclass('%s.%s') IS NULL THEN
                        RETURN;
                    END IF;
                    RETURN QUERY
                        SELECT m.source_table, m.window_from, m.window_to, max(m.merge_time)
                        FROM %s.%s m
                        GROUP BY m.source_table, m.window_from, m.window_to;
                END
                $fn$""".formatted(quote(AdminSchema.NAME), quote(MERGED_WINDOWS_FUNCTION), quote(AdminSchema.NAME), quote(AdminSchema.MERGE_LOGS),
                quote(AdminSchema.NAME), quote(AdminSchema.MERGE_LOGS));
    }

    static String statusView(List<StatusTable> tables) {
        String branches = tables.stream().map(MonitoringViews::statusBranch).collect(Collectors.joining("\nUNION ALL\n"));
        return "CREATE OR REPLACE VIEW " + quote(AdminSchema.NAME) + "." + quote(STATUS_VIEW) + " AS\n"
                + "WITH merged AS MATERIALIZED (SELECT * FROM " + quote(AdminSchema.NAME) + "." + quote(MERGED_WINDOWS_FUNCTION) + "())\n"
                + branches;
    }

    private static String statusBranch(StatusTable status) {
        CatalogTable table = status.table();
        String staging = Identifiers.literal(table.staging().schema(), table.staging().table());
        String window = table.windowColumn().map(column -> {
            // timestamp columns hold UTC wall-clock time (what DMS writes); windows are instants
            String utc = status.windowColumnType().endsWith("with time zone")
                    ? "" : " AT TIME ZONE 'UTC'";
            return " OR (s." + quote(column) + " >= (m.window_from" + utc + ") AND s." + quote(column) + " < (m.window_to" + utc + "))";
        }).orElse("");
        return """
                SELECT %s::text AS table_name,
                       %s::text AS staging_table,
                       count(*) AS total_records,
                       count(*) FILTER (WHERE NOT r.merged) AS pending_records,
                       count(*) FILTER (WHERE r.merged) AS processed_records,
                       (SELECT max(m.merge_time) FROM merged m WHERE m.source_table = %s) AS last_merge_time
                FROM (SELECT EXISTS (SELECT 1 FROM merged m
                                     WHERE m.source_table = %s
                                       AND (m.window_from IS NULL%s)
                                       AND s.%s <= m.merge_time) AS merged
                      FROM %s s) r""".formatted(Identifiers.literal(table.name()), staging, staging, staging, window,
                quote(TableDdl.LOADED_AT), table.staging().quoted());
    }

    static String typeVerificationView(String query) {
        return "CREATE OR REPLACE VIEW " + quote(AdminSchema.NAME) + "." + quote(TYPE_VIEW) + " AS\n" + query;
    }
}
