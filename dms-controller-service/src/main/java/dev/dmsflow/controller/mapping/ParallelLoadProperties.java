package dev.dmsflow.controller.mapping;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * DMS parallel load of large windows: a table whose window holds many rows loads as key-range segments, each its own
 * DMS subtask (or, on the local engine, its own COPY), instead of one stream.
 *
 * @param minRows     a table is loaded in segments when its window holds more rows than this, as production's planner
 *                    statistics estimate them; 0 turns segmentation off
 * @param maxSegments most segments a table is split into: it gets one per {@code min-rows} rows of its window, at
 *                    least 2, at most this (segments load in parallel up to {@code task-settings.max-full-load-sub-tasks});
 *                    below 2 turns segmentation off
 */
@ConfigurationProperties("dmsflow.controller.parallel-load")
public record ParallelLoadProperties(@DefaultValue("2000000") long minRows, @DefaultValue("4") int maxSegments) {

    /** The segments of a window of this many rows: 1 (not segmented) up to {@code maxSegments}. */
    int segments(long windowRows) {
        if (minRows <= 0 || maxSegments < 2 || windowRows <= minRows) {
            return 1;
        }
        return (int) Math.min(maxSegments, windowRows / minRows + (windowRows % minRows == 0 ? 0 : 1));
    }
}
