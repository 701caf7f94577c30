package dev.dmsflow.controller.engine;

import java.time.Instant;

/** One table of a task, as DMS DescribeTableStatistics reports it (source schema and table names). */
public record TableStatistics(String schemaName, String tableName, long fullLoadRows, String tableState,
                              Instant fullLoadStartTime, Instant fullLoadEndTime) {

    public static final String COMPLETED = "Table completed";

    public boolean matches(String schema, String table) {
        return schemaName.equalsIgnoreCase(schema) && tableName.equalsIgnoreCase(table);
    }
}
