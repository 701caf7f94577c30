package dev.dmsflow.controller.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.contracts.serde.AvroEventSerializer;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.TaskHandle;
import dev.dmsflow.controller.request.ResolvedRun;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The controller's run state and table leases ({@code dms_controller.runs}, {@code dms_controller.table_leases}). */
final class RunStore {

    /** One resolved table as stored in {@code runs.tables}. */
    record StoredTable(String name, String sourceSchema, String sourceTable, String stagingSchema, String stagingTable,
                       String targetSchema, String targetTable, List<String> keyColumns, String windowColumn, int windowPrecision) {
    }

    private static final Logger log = LoggerFactory.getLogger(RunStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The stages of a run after its request, in order. */
    private static final String[] STAGES = {"LOAD", "STAGING", "MERGE", "VALIDATION"};

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final AvroEventSerializer serializer = new AvroEventSerializer();
    private final AvroEventDeserializer deserializer = new AvroEventDeserializer();

    RunStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** What a request did: made a new run, ran a failed one again (a higher attempt), or nothing (counted). */
    enum Admission { QUEUED, RETRIED, IGNORED }

    /**
     * A new requestId becomes a QUEUED run; a higher attempt of a FAILED run queues it again, as a fresh run of the
     * stored request; anything else (a redelivery, a repost, a retry of a run that did not fail) is counted as ignored.
     */
    Admission admit(ResolvedRun run, String engine, String migrationType) {
        return transactions.execute(tx -> {
            if (insertQueued(run, engine, migrationType)) {
                return Admission.QUEUED;
            }
            List<Map<String, Object>> retried = jdbc.queryForList("""
                    WITH old AS (SELECT request_id, task_id, task_delete_pending FROM dms_controller.runs
                                 WHERE request_id = ? AND status = 'FAILED' AND attempt < ? FOR UPDATE)
                    UPDATE dms_controller.runs r SET status = 'QUEUED', attempt = ?, task_id = NULL, task_arn = NULL, task_status = NULL,
                        progress = 0, statistics = NULL, failure = NULL, engine_errors = 0, outcome = NULL, outcome_published = true,
                        started_at = NULL, loaded_at = NULL, finished_at = NULL, last_progress_at = NULL, stage = NULL,
                        progressed_at = NULL, task_delete_pending = false, task_delete_attempts = 0
                    FROM old WHERE r.request_id = old.request_id
                    RETURNING old.task_id, old.task_delete_pending""", run.requestId(), run.attempt(), run.attempt());
            if (!retried.isEmpty()) {
                if (Boolean.TRUE.equals(retried.get(0).get("task_delete_pending"))) {
                    log.warn("Run {}: the failed attempt's task {} was not deleted yet; delete it by hand", run.requestId(),
                            retried.get(0).get("task_id"));
                }
                return Admission.RETRIED;
            }
            jdbc.update("UPDATE dms_controller.runs SET ignored_duplicates = ignored_duplicates + 1, last_ignored_at = now()"
                    + " WHERE request_id = ?", run.requestId());
            return Admission.IGNORED;
        });
    }

    /** Records a new run as QUEUED; false when the requestId already has one (a redelivered or reposted request). */
    private boolean insertQueued(ResolvedRun run, String engine, String migrationType) {
        List<StoredTable> tables = run.tables().stream().map(t -> new StoredTable(t.getName(), t.getSourceSchema(), t.getSourceTable(),
                t.getStagingSchema(), t.getStagingTable(), t.getTargetSchema(), t.getTargetTable(), t.getKeyColumns(),
                t.getWindowColumn(), run.windowPrecisions().getOrDefault(t.getName(), 6))).toList();
        return jdbc.update("""
                INSERT INTO dms_controller.runs (request_id, kind, requested_by, multi_stage, window_from, window_to, tables,
                    staging_tables, status, engine, migration_type, attempt)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, 'QUEUED', ?, ?, ?) ON CONFLICT (request_id) DO NOTHING""",
                run.requestId(), run.kind().name(), run.requestedBy(), run.multiStage(),
                run.window() == null ? null : utc(run.window().getFrom()), run.window() == null ? null : utc(run.window().getTo()),
                json(tables), run.stagingTables().toArray(String[]::new), engine, migrationType, run.attempt()) == 1;
    }

    List<String> requestIds(RunStatus status) {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.runs WHERE status = ? ORDER BY created_at, request_id",
                String.class, status.name());
    }

    /**
     * Moves a QUEUED run to STARTING if it gets the leases of all its staging tables at once; otherwise it stays
     * queued (and holds none). Row-locked and skipped when another instance is on it.
     */
    boolean tryLease(String requestId) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            List<String[]> locked = jdbc.query("SELECT staging_tables FROM dms_controller.runs WHERE request_id = ? AND status = 'QUEUED'"
                    + " FOR UPDATE SKIP LOCKED", (rs, i) -> (String[]) rs.getArray(1).getArray(), requestId);
            if (locked.isEmpty()) {
                return false;
            }
            String[] tables = locked.get(0);
            int leased = jdbc.update("INSERT INTO dms_controller.table_leases (staging_table, request_id)"
                    + " SELECT unnest(?::text[]), ? ON CONFLICT (staging_table) DO NOTHING", tables, requestId);
            if (leased < tables.length) {
                tx.setRollbackOnly();
                return false;
            }
            jdbc.update("UPDATE dms_controller.runs SET status = 'STARTING', started_at = now(), stage = 'LOAD', progressed_at = now()"
                    + " WHERE request_id = ?", requestId);
            return true;
        }));
    }

    Optional<StoredRun> find(String requestId) {
        return jdbc.query("SELECT * FROM dms_controller.runs WHERE request_id = ?", (rs, i) -> stored(rs), requestId).stream().findFirst();
    }

    void recordHandle(String requestId, TaskHandle handle) {
        jdbc.update("UPDATE dms_controller.runs SET task_id = ?, task_arn = ? WHERE request_id = ?", handle.taskId(), handle.taskArn(), requestId);
    }

    /** Back to STARTING without a task: the next tick creates one again. */
    void restart(String requestId) {
        jdbc.update("UPDATE dms_controller.runs SET status = 'STARTING', task_id = NULL, task_arn = NULL"
                + " WHERE request_id = ? AND status IN ('STARTING', 'RUNNING')", requestId);
    }

    void running(String requestId) {
        jdbc.update("UPDATE dms_controller.runs SET status = 'RUNNING', progressed_at = now() WHERE request_id = ? AND status = 'STARTING'",
                requestId);
    }

    void progress(String requestId, String taskStatus, int percent, JsonNode statistics, boolean published) {
        String json = statistics == null ? null : statistics.toString();
        // progress for the load deadline: the task's status, percentage or rows changed
        jdbc.update("UPDATE dms_controller.runs SET task_status = ?, progress = ?, statistics = coalesce(?::jsonb, statistics),"
                        + " last_progress_at = CASE WHEN ? THEN now() ELSE last_progress_at END,"
                        + " progressed_at = CASE WHEN task_status IS DISTINCT FROM ? OR progress <> ?"
                        + " OR (?::jsonb IS NOT NULL AND ?::jsonb IS DISTINCT FROM statistics) THEN now() ELSE progressed_at END"
                        + " WHERE request_id = ?",
                taskStatus, percent, json, published, taskStatus, percent, json, json, requestId);
    }

    int engineError(String requestId, String message) {
        return jdbc.queryForObject("UPDATE dms_controller.runs SET engine_errors = engine_errors + 1, failure = ? WHERE request_id = ?"
                + " RETURNING engine_errors", Integer.class, message, requestId);
    }

    /** A poll was answered: the transient errors before it were not consecutive. */
    void resetEngineErrors(String requestId) {
        jdbc.update("UPDATE dms_controller.runs SET engine_errors = 0, failure = NULL WHERE request_id = ? AND status IN ('STARTING', 'RUNNING')",
                requestId);
    }

    /**
     * The load finished: the state and the FullLoadCompleted to publish change together; a full-load task is to be
     * deleted, a CDC task replicates on (REPLICATING).
     */
    void loaded(String requestId, SpecificRecord fullLoadCompleted, JsonNode statistics) {
        jdbc.update("UPDATE dms_controller.runs SET status = CASE WHEN migration_type = ? THEN 'REPLICATING' ELSE 'LOADED' END,"
                        + " progress = 100, statistics = ?::jsonb, loaded_at = now(), failure = NULL, outcome = ?, outcome_published = false,"
                        + " task_delete_pending = migration_type <> ?, stage = 'STAGING', progressed_at = now() WHERE request_id = ?",
                LoadTask.FULL_LOAD_AND_CDC, statistics.toString(), serializer.serialize("runs", fullLoadCompleted), LoadTask.FULL_LOAD_AND_CDC,
                requestId);
    }

    /**
     * The run failed: its TaskFailed is stored to publish, its task (if it has one) is to be deleted, and its leases are
     * released, in one transaction. A run that already finished stays as it is.
     */
    void failed(String requestId, String reason, SpecificRecord taskFailed) {
        transactions.executeWithoutResult(tx -> {
            int updated = jdbc.update("UPDATE dms_controller.runs SET status = 'FAILED', failure = ?, finished_at = now(), outcome = ?,"
                    // a task still loading is to be deleted; a loaded run's was deleted, or is being deleted, already
                    + " outcome_published = false,"
                    + " task_delete_pending = task_delete_pending OR (status IN ('STARTING', 'RUNNING') AND task_arn IS NOT NULL)"
                    + " WHERE request_id = ? AND status NOT IN ('COMPLETED', 'FAILED')", reason, serializer.serialize("runs", taskFailed), requestId);
            if (updated > 0) {
                jdbc.update("DELETE FROM dms_controller.table_leases WHERE request_id = ?", requestId);
            }
        });
    }

    /** A loaded run's later stage began (or an event of its current stage arrived again): progress, never backwards. */
    void stage(String requestId, int attempt, FailureStage stage) {
        // an earlier attempt's events are not this attempt's progress
        jdbc.update("UPDATE dms_controller.runs SET stage = ?, progressed_at = now() WHERE request_id = ? AND attempt <= ?"
                + " AND status IN ('LOADED', 'REPLICATING') AND array_position(?::text[], stage) <= array_position(?::text[], ?)",
                stage.name(), requestId, attempt, STAGES, STAGES, stage.name());
    }

    /**
     * Unfinished runs in the stage whose last progress is longer ago than the deadline (database time). A replicating
     * run whose validation passed has no stage: it waits for nothing.
     */
    List<String> overdue(FailureStage stage, Duration deadline) {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.runs WHERE status IN ('STARTING', 'RUNNING', 'LOADED', 'REPLICATING')"
                + " AND stage = ? AND progressed_at < now() - make_interval(secs => ?) ORDER BY created_at, request_id",
                String.class, stage.name(), deadline.toMillis() / 1000.0);
    }

    List<LeaseView> leases() {
        return jdbc.query("SELECT l.staging_table, l.request_id, l.acquired_at, r.status, r.stage, r.progressed_at"
                + " FROM dms_controller.table_leases l JOIN dms_controller.runs r USING (request_id) ORDER BY l.staging_table",
                (rs, i) -> new LeaseView(rs.getString(1), rs.getString(2), instant(rs, "acquired_at"), rs.getString(4),
                        rs.getString(5), instant(rs, "progressed_at")));
    }

    Optional<String> leaseHolder(String stagingTable) {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.table_leases WHERE staging_table = ?", String.class, stagingTable)
                .stream().findFirst();
    }

    void recordLeaseRelease(String stagingTable, String requestId, String by, String reason) {
        jdbc.update("INSERT INTO dms_controller.lease_releases (staging_table, request_id, released_by, reason) VALUES (?, ?, ?, ?)",
                stagingTable, requestId, by, reason);
    }

    /** Runs whose task is still to be deleted. */
    List<String> pendingTaskDeletes() {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.runs WHERE task_delete_pending AND task_arn IS NOT NULL"
                + " ORDER BY created_at, request_id", String.class);
    }

    void taskDeleted(String requestId) {
        jdbc.update("UPDATE dms_controller.runs SET task_delete_pending = false WHERE request_id = ?", requestId);
    }

    /** Counts a failed delete; the last allowed attempt ends the retries. Returns the attempts so far. */
    int taskDeleteFailed(String requestId, int maxAttempts) {
        return jdbc.queryForObject("UPDATE dms_controller.runs SET task_delete_attempts = task_delete_attempts + 1,"
                + " task_delete_pending = task_delete_attempts + 1 < ? WHERE request_id = ? RETURNING task_delete_attempts",
                Integer.class, maxAttempts, requestId);
    }

    /** The run's outcome arrived (validation passed or failed, or a later stage failed): leases go back. */
    boolean finish(String requestId, int attempt, boolean passed) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            // an earlier attempt's outcome does not end a retried run
            int updated = jdbc.update("UPDATE dms_controller.runs SET status = ?, finished_at = now()"
                    + " WHERE request_id = ? AND attempt <= ? AND status IN ('LOADED', 'REPLICATING', 'RUNNING', 'STARTING', 'QUEUED')",
                    passed ? "COMPLETED" : "FAILED", requestId, attempt);
            if (updated > 0) {
                jdbc.update("DELETE FROM dms_controller.table_leases WHERE request_id = ?", requestId);
            }
            return updated > 0;
        }));
    }

    /**
     * A replicating run's validation passed: it leaves its stages (no deadline applies any more) and keeps its leases,
     * since its task still writes into staging.
     */
    boolean validatedWhileReplicating(String requestId, int attempt) {
        return jdbc.update("UPDATE dms_controller.runs SET stage = NULL, progressed_at = now()"
                + " WHERE request_id = ? AND attempt <= ? AND status = 'REPLICATING' AND stage IS NOT NULL", requestId, attempt) > 0;
    }

    /** A replicating run's task was stopped on request: the run ends and its leases go back. */
    boolean stopped(String requestId) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            int updated = jdbc.update("UPDATE dms_controller.runs SET status = 'STOPPED', task_status = 'stopped', finished_at = now()"
                    + " WHERE request_id = ? AND status = 'REPLICATING'", requestId);
            if (updated > 0) {
                jdbc.update("DELETE FROM dms_controller.table_leases WHERE request_id = ?", requestId);
            }
            return updated > 0;
        }));
    }

    /** Of these staging tables, those a replicating run's task writes into, with that run's requestId and task. */
    List<Replicated> replicatedTables(List<String> stagingTables, String exceptRequestId) {
        return jdbc.query("SELECT l.staging_table, r.request_id, r.task_id FROM dms_controller.table_leases l"
                        + " JOIN dms_controller.runs r USING (request_id) WHERE r.status = 'REPLICATING' AND l.staging_table = ANY (?)"
                        + " AND r.request_id <> ? ORDER BY l.staging_table",
                (rs, i) -> new Replicated(rs.getString(1), rs.getString(2), rs.getString(3)),
                stagingTables.toArray(String[]::new), exceptRequestId);
    }

    record Replicated(String stagingTable, String requestId, String taskId) {
    }

    /** Outcome events stored but not yet acknowledged by the broker, oldest first. */
    Map<String, SpecificRecord> unpublishedOutcomes() {
        Map<String, SpecificRecord> outcomes = new LinkedHashMap<>();
        jdbc.query("SELECT request_id, outcome FROM dms_controller.runs WHERE NOT outcome_published ORDER BY created_at",
                (ResultSet rs) -> {
                    outcomes.put(rs.getString(1), deserializer.deserialize("runs", rs.getBytes(2)));
                });
        return outcomes;
    }

    void outcomePublished(String requestId) {
        jdbc.update("UPDATE dms_controller.runs SET outcome_published = true WHERE request_id = ?", requestId);
    }

    Optional<RunView> view(String requestId) {
        return jdbc.query("SELECT * FROM dms_controller.runs WHERE request_id = ?", (rs, i) -> new RunView(
                rs.getString("request_id"), rs.getString("kind"), rs.getString("status"), rs.getString("engine"),
                rs.getString("task_id"), rs.getString("task_arn"), rs.getString("task_status"), rs.getInt("progress"),
                tables(rs).stream().map(TableRef::getName).toList(), instant(rs, "window_from"), instant(rs, "window_to"),
                statistics(rs.getString("statistics")), rs.getString("failure"), instant(rs, "created_at"), instant(rs, "started_at"),
                instant(rs, "loaded_at"), instant(rs, "finished_at"), rs.getString("stage"), instant(rs, "progressed_at"),
                rs.getInt("attempt"), rs.getInt("ignored_duplicates"), instant(rs, "last_ignored_at")),
                requestId).stream().findFirst();
    }

    private StoredRun stored(ResultSet rs) throws SQLException {
        Instant from = instant(rs, "window_from");
        List<StoredTable> stored = storedTables(rs);
        Map<String, Integer> precisions = new LinkedHashMap<>();
        stored.forEach(t -> precisions.put(t.name(), t.windowPrecision()));
        String arn = rs.getString("task_arn");
        return new StoredRun(rs.getString("request_id"), TaskKind.valueOf(rs.getString("kind")), rs.getString("requested_by"),
                rs.getString("multi_stage"), from == null ? null : new TimeWindow(from, instant(rs, "window_to")),
                tables(rs), precisions, RunStatus.valueOf(rs.getString("status")), rs.getString("migration_type"),
                arn == null ? null : new TaskHandle(rs.getString("task_id"), arn, rs.getString("migration_type")),
                rs.getInt("engine_errors"), rs.getInt("attempt"), instant(rs, "started_at"), instant(rs, "last_progress_at"),
                rs.getString("stage"));
    }

    private static List<TableRef> tables(ResultSet rs) throws SQLException {
        List<TableRef> tables = new ArrayList<>();
        for (StoredTable t : storedTables(rs)) {
            tables.add(TableRef.newBuilder().setName(t.name()).setSourceSchema(t.sourceSchema()).setSourceTable(t.sourceTable())
                    .setStagingSchema(t.stagingSchema()).setStagingTable(t.stagingTable()).setTargetSchema(t.targetSchema())
                    .setTargetTable(t.targetTable()).setKeyColumns(t.keyColumns()).setWindowColumn(t.windowColumn()).build());
        }
        return tables;
    }

    private static List<StoredTable> storedTables(ResultSet rs) throws SQLException {
        try {
            return JSON.readValue(rs.getString("tables"), new TypeReference<>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable tables of run " + rs.getString("request_id"), e);
        }
    }

    private static List<RunView.TableStatisticsView> statistics(String json) {
        try {
            return json == null ? List.of() : JSON.readValue(json, new TypeReference<>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable statistics", e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
