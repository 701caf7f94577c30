package dev.dmsflow.controller.engine.local;

import java.util.List;

/**
 * One selected table's load into its staging table: a single copy, or one per key-range segment when the task's
 * mappings give the table a {@code parallel-load} of type {@code ranges}. The segments load concurrently, each its own
 * COPY; the table's prep mode applies once, before any of them.
 */
record TableLoad(List<TableCopy> segments) {

    TableLoad {
        segments = List.copyOf(segments);
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("a table load has at least one copy");
        }
    }

    String schema() {
        return segments.get(0).sourceSchema();
    }

    String table() {
        return segments.get(0).sourceTable();
    }
}
