package dev.dmsflow.controller.engine.local;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * One selected source table copied into its staging table (what {@link PlanCompiler} made of the task's mappings):
 * its rows stream into PostgreSQL COPY, committed every CommitRate rows, the way its dialect reads them
 * ({@link StreamCopy} from PostgreSQL, {@link RowCopy} from Oracle), never as a list of rows.
 *
 * @param binds the filter values, in placeholder order
 */
record TableCopy(String sourceSchema, String sourceTable, String targetSchema, String targetTable, List<String> sourceColumns,
                 List<String> targetColumns, String where, List<String> binds) {

    /** Bytes of COPY text written to staging at a time. */
    static final int FLUSH_BYTES = 1 << 16;

    /**
     * Applies the prep mode to the staging table in a transaction of its own, committed: once per table, before any of
     * its copies, so the segments of a parallel load (each its own COPY session) never truncate each other's rows.
     */
    void prepare(Connection target, String prepMode) throws SQLException {
        if (!"TRUNCATE_BEFORE_LOAD".equals(prepMode)) {
            return;
        }
        markLoad(target);
        try (Statement truncate = target.createStatement()) {
            truncate.execute("TRUNCATE " + quotedTarget());
        }
        target.commit();
    }

    /** Copies the table (or its segment); {@code rows} counts what is loaded as it goes. Returns the rows loaded. */
    long copy(Connection source, Connection target, SourceDialect dialect, int commitRate, int fetchSize, AtomicLong rows) throws SQLException {
        markLoad(target);
        String copy = "COPY " + quotedTarget() + " (" + targetColumns.stream().map(Identifiers::escape).collect(Collectors.joining(", "))
                + ") FROM STDIN";
        return dialect.copy(this, source, target, copy, commitRate, fetchSize, rows);
    }

    /** A dmsflow load, not CDC: merge-service's sync triggers on staging skip this session's statements. */
    private static void markLoad(Connection target) throws SQLException {
        target.setAutoCommit(false);
        try (PreparedStatement mark = target.prepareStatement("SELECT set_config(?, ?, false)")) {
            mark.setString(1, ChangeLog.WRITER_SETTING);
            mark.setString(2, ChangeLog.LOAD_WRITER);
            mark.execute();
        }
    }

    private String quotedTarget() {
        return Identifiers.escape(targetSchema) + "." + Identifiers.escape(targetTable);
    }

    /** The source query: the selected columns, the filters with their placeholders. */
    String select() {
        return "SELECT " + sourceColumns.stream().map(Identifiers::escape).collect(Collectors.joining(", "))
                + " FROM " + Identifiers.escape(sourceSchema) + "." + Identifiers.escape(sourceTable) + where;
    }
}
