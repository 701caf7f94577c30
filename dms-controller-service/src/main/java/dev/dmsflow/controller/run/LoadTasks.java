package dev.dmsflow.controller.run;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.mapping.TaskDocuments;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The engine task of a run: its identifier, table mappings, settings and tags. */
final class LoadTasks {

    private LoadTasks() {
    }

    /** @param keyBoundaries by catalog name, the tables to load in key-range segments ({@link dev.dmsflow.controller.mapping.KeyRanges}) */
    static LoadTask loadTask(StoredRun run, TaskSettingsProperties taskSettings, boolean sourceUpperCase, Map<String, List<String>> keyBoundaries) {
        String mappings = TaskDocuments.tableMappings(run.tables(), run.window(), run.windowPrecisions(), sourceUpperCase, keyBoundaries);
        List<String> stagingSchemas = run.tables().stream().map(TableRef::getStagingSchema).distinct().toList();
        String settingsJson = TaskDocuments.taskSettings(taskSettings, stagingSchemas.size() == 1 ? stagingSchemas.get(0) : "");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("Purpose", "dmsflow-" + run.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        tags.put("RequestId", run.requestId());
        if (run.window() != null) {
            tags.put("TimeWindow", run.window().getFrom() + "/" + run.window().getTo());
        }
        return new LoadTask(taskIdentifier(run.requestId(), run.attempt()), run.migrationType(), mappings, settingsJson, tags);
    }

    /**
     * A DMS task identifier from the requestId: letters, digits and single hyphens, starting with a letter, with a
     * hash of the full requestId so two requestIds that clean up alike still get different tasks.
     */
    static String taskIdentifier(String requestId, int attempt) {
        // a retried run gets a task of its own: the failed attempt's may still exist
        return attempt <= 1 ? taskIdentifier(requestId) : taskIdentifier(requestId + "-" + attempt);
    }

    static String taskIdentifier(String requestId) {
        String cleaned = requestId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (cleaned.length() > 200) {
            cleaned = cleaned.substring(0, 200).replaceAll("-+$", "");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(requestId.getBytes(StandardCharsets.UTF_8));
            return "dmsflow-" + (cleaned.isEmpty() ? "" : cleaned + "-") + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
