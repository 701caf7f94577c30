package dev.dmsflow.controller.engine;

import java.util.Map;

/**
 * A task to create.
 *
 * @param identifier    unique, derived from the requestId, so a repeated create finds the same task
 * @param migrationType {@code full-load} or {@code full-load-and-cdc}
 * @param tableMappings DMS table-mappings JSON
 * @param taskSettings  DMS task-settings JSON
 */
public record LoadTask(String identifier, String migrationType, String tableMappings, String taskSettings, Map<String, String> tags) {

    public static final String FULL_LOAD = "full-load";
    public static final String FULL_LOAD_AND_CDC = "full-load-and-cdc";

    public LoadTask {
        tags = Map.copyOf(tags);
    }
}
