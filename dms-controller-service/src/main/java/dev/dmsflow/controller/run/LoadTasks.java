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

    /**
     * @param keyBoundaries    by catalog name, the tables to load in key-range segments ({@link dev.dmsflow.controller.mapping.KeyRanges})
     * @param maxKeyConditions a repair round's keys per table selected one by one ({@code eq}); more go in ranges
     */
    static LoadTask loadTask(StoredRun run, TaskSettingsProperties taskSettings, boolean sourceUpperCase, Map<String, List<String>> keyBoundaries,
                             int maxKeyConditions) {
        String mappings = run.repair() != null
                ? TaskDocuments.repairMappings(run.repair().getTables(), sourceUpperCase, maxKeyConditions)
                : TaskDocuments.tableMappings(run.tables(), run.window(), run.windowPrecisions(), sourceUpperCase, keyBoundaries);
        List<String> stagingSchemas = run.loadTables().stream().map(TableRef::getStagingSchema).distinct().toList();
        String settingsJson = TaskDocuments.taskSettings(taskSettings, stagingSchemas.size() == 1 ? stagingSchemas.get(0) : "");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("Purpose", run.repair() != null ? "dmsflow-repair"
                : "dmsflow-" + run.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        tags.put("RequestId", run.requestId());
        if (run.window() != null) {
            tags.put("TimeWindow", run.window().getFrom() + "/" + run.window().getTo());
        }
        if (run.repair() != null) {
            tags.put("RepairRound", String.valueOf(run.repair().getRound()));
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
