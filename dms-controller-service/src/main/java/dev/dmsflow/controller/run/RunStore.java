package dev.dmsflow.controller.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairScope;
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
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The controller's run state and table leases ({@code dms_controller.runs}, {@code dms_controller.table_leases}).
 * A STARTING or RUNNING run belongs to one controller instance ({@code runs.owner}); every change a tick makes to a
 * run holds only while the run is still in the status the tick read and, while it loads, still this instance's, so a
 * late poll or a second instance cannot undo what another transition did.
 */
final class RunStore {

    /** One resolved table as stored in {@code runs.tables}. */
    record StoredTable(String name, String sourceSchema, String sourceTable, String stagingSchema, String stagingTable,
                       String targetSchema, String targetTable, List<String> keyColumns, String windowColumn, int windowPrecision) {
    }

    private static final Logger log = LoggerFactory.getLogger(RunStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The stages of a run after its request, in order. */
    private static final String[] STAGES = {"LOAD", "STAGING", "MERGE", "VALIDATION"};

    /** Claims take this transaction lock, so each claim's statement sees every claim committed before it. */
    private static final long CLAIM_LOCK = 0x646d73666c6f77L;
    /** Leases of either kind are taken under this transaction lock: a load and a validate-only run never lease a table at once. */
    private static final long LEASE_LOCK = 0x646d73666c6f78L;
    /** The migration type of a VALIDATE_ONLY run, which has no task. */
    static final String NO_TASK = "VALIDATE_ONLY";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final String instanceId;
    private final Duration instanceTimeout;
    private final AvroEventSerializer serializer = new AvroEventSerializer();
    private final AvroEventDeserializer deserializer = new AvroEventDeserializer();

    /**
     * @param instanceId      this controller instance, the owner of the runs it advances
     * @param instanceTimeout how old an owner's heartbeat may get before its runs are claimed
     */
    RunStore(JdbcTemplate jdbc, TransactionTemplate transactions, String instanceId, Duration instanceTimeout) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.instanceId = instanceId;
        this.instanceTimeout = instanceTimeout;
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
                        progressed_at = NULL, task_delete_pending = false, task_delete_attempts = 0, owner = NULL,
                        repair_round = 0, repair_plan = NULL
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

    /** Throws when the database cannot be reached. */
    void ping() {
        jdbc.queryForList("SELECT 1 FROM dms_controller.runs LIMIT 1", Integer.class);
    }

    /**
     * QUEUED loads none of whose staging tables is leased (for writing or reading), oldest first: the only ones {@link #tryLease} can start, so a
     * tick does not spend a transaction on each of a long queue's waiting runs.
     */
    List<String> leasableRequestIds() {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.runs r WHERE status = 'QUEUED' AND kind <> 'VALIDATE_ONLY'"
                + " AND NOT EXISTS (SELECT 1 FROM dms_controller.table_leases l WHERE l.staging_table = ANY (r.staging_tables))"
                + " AND NOT EXISTS (SELECT 1 FROM dms_controller.table_read_leases l WHERE l.staging_table = ANY (r.staging_tables))"
                // a validate-only run queued before it goes first, as a load queued before a validate-only run does
                + " AND NOT EXISTS (SELECT 1 FROM dms_controller.runs q WHERE q.status = 'QUEUED' AND q.kind = 'VALIDATE_ONLY'"
                + " AND q.staging_tables && r.staging_tables AND (q.created_at, q.request_id) < (r.created_at, r.request_id))"
                + " ORDER BY created_at, request_id", String.class);
    }

    /**
     * QUEUED validate-only runs none of whose tables a load holds or waits for (a load queued before them goes first,
     * so a stream of validate-only runs cannot keep a reload waiting for ever), oldest first.
     */
    List<String> readLeasableRequestIds() {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.runs r WHERE status = 'QUEUED' AND kind = 'VALIDATE_ONLY'"
                + " AND NOT EXISTS (SELECT 1 FROM dms_controller.table_leases l WHERE l.staging_table = ANY (r.staging_tables))"
                + " AND NOT EXISTS (SELECT 1 FROM dms_controller.runs q WHERE q.status = 'QUEUED' AND q.kind <> 'VALIDATE_ONLY'"
                + " AND q.staging_tables && r.staging_tables AND (q.created_at, q.request_id) < (r.created_at, r.request_id))"
                + " ORDER BY created_at, request_id", String.class);
    }

    /**
     * Moves a QUEUED validate-only run to VALIDATING if no load holds any of its tables: it takes a read lease on each
     * and its ValidationRequested is stored to publish, in one transaction. Row-locked and skipped when another
     * instance is on it.
     */
    boolean tryReadLease(String requestId, SpecificRecord validationRequested) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            Optional<String[]> locked = lockQueued(requestId);
            if (locked.isEmpty()) {
                return false;
            }
            String[] tables = locked.get();
            if (!jdbc.queryForList("SELECT 1 FROM dms_controller.table_leases WHERE staging_table = ANY (?) LIMIT 1", Integer.class,
                    (Object) tables).isEmpty()) {
                return false;
            }
            jdbc.update("INSERT INTO dms_controller.table_read_leases (staging_table, request_id) SELECT unnest(?::text[]), ?", tables, requestId);
            jdbc.update("UPDATE dms_controller.runs SET status = 'VALIDATING', started_at = now(), stage = 'VALIDATION', progressed_at = now(),"
                    + " outcome = ?, outcome_published = false WHERE request_id = ?",
                    serializer.serialize("runs", validationRequested), requestId);
            return true;
        }));
    }

    List<String> requestIds(RunStatus status) {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.runs WHERE status = ? ORDER BY created_at, request_id",
                String.class, status.name());
    }

    /** The runs in the status that this instance owns. */
    List<String> ownedRequestIds(RunStatus status) {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.runs WHERE status = ? AND owner = ? ORDER BY created_at, request_id",
                String.class, status.name(), instanceId);
    }

    /** This instance's runs of the status whose tasks are among these. */
    List<String> ownedRequestIdsOfTasks(RunStatus status, Set<String> taskIds) {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.runs WHERE status = ? AND owner = ? AND task_id = ANY (?)"
                + " ORDER BY created_at, request_id", String.class, status.name(), instanceId, taskIds.toArray(String[]::new));
    }

    /**
     * Makes this instance the owner of every STARTING, RUNNING or REPLICATING run that has none, or whose owner's heartbeat is older
     * than the instance timeout (database time, so the instances' clocks do not matter). Returns the runs claimed,
     * with the owner each had ("" for none).
     */
    Map<String, String> claimOrphans() {
        return transactions.execute(tx -> {
            jdbc.query("SELECT pg_advisory_xact_lock(?)", rs -> { }, CLAIM_LOCK);
            Map<String, String> claimed = new LinkedHashMap<>();
            jdbc.query("""
                    UPDATE dms_controller.runs r SET owner = ? FROM (
                        SELECT request_id, coalesce(owner, '') AS previous FROM dms_controller.runs
                        WHERE status IN ('STARTING', 'RUNNING', 'REPLICATING') AND owner IS DISTINCT FROM ?
                          AND NOT EXISTS (SELECT 1 FROM dms_controller.controller_instances i WHERE i.instance_id = runs.owner
                                          AND i.heartbeat_at > now() - make_interval(secs => ?))) o
                    WHERE r.request_id = o.request_id RETURNING r.request_id, o.previous""",
                    (ResultSet rs) -> {
                        claimed.put(rs.getString(1), rs.getString(2));
                    }, instanceId, instanceId, instanceTimeout.toMillis() / 1000.0);
            return claimed;
        });
    }

    /**
     * Moves a QUEUED run to STARTING if it gets the leases of all its staging tables at once; otherwise it stays
     * queued (and holds none). Row-locked and skipped when another instance is on it.
     */
    boolean tryLease(String requestId) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            Optional<String[]> locked = lockQueued(requestId);
            if (locked.isEmpty()) {
                return false;
            }
            String[] tables = locked.get();
            int leased = jdbc.update("INSERT INTO dms_controller.table_leases (staging_table, request_id)"
                    + " SELECT unnest(?::text[]), ? ON CONFLICT (staging_table) DO NOTHING", tables, requestId);
            // a validate-only run reading one of them: the load waits for it
            boolean read = !jdbc.queryForList("SELECT 1 FROM dms_controller.table_read_leases WHERE staging_table = ANY (?) LIMIT 1",
                    Integer.class, (Object) tables).isEmpty();
            if (leased < tables.length || read) {
                tx.setRollbackOnly();
                return false;
            }
            jdbc.update("UPDATE dms_controller.runs SET status = 'STARTING', started_at = now(), stage = 'LOAD', progressed_at = now(),"
                    + " owner = ? WHERE request_id = ?", instanceId, requestId);
            return true;
        }));
    }

    /**
     * The staging tables of the QUEUED run, its row locked (empty when another instance holds it or it moved on), and
     * the lease lock taken, in the caller's transaction.
     */
    private Optional<String[]> lockQueued(String requestId) {
        List<String[]> locked = jdbc.query("SELECT staging_tables FROM dms_controller.runs WHERE request_id = ? AND status = 'QUEUED'"
                + " FOR UPDATE SKIP LOCKED", (rs, i) -> (String[]) rs.getArray(1).getArray(), requestId);
        if (locked.isEmpty()) {
            return Optional.empty();
        }
        jdbc.query("SELECT pg_advisory_xact_lock(?)", rs -> { }, LEASE_LOCK);
        return Optional.of(locked.get(0));
    }

    Optional<StoredRun> find(String requestId) {
        return jdbc.query("SELECT * FROM dms_controller.runs WHERE request_id = ?", (rs, i) -> stored(rs), requestId).stream().findFirst();
    }

    /** False when the run is no longer this instance's STARTING run: then the task is not to be started here. */
    boolean recordHandle(String requestId, TaskHandle handle) {
        return jdbc.update("UPDATE dms_controller.runs SET task_id = ?, task_arn = ? WHERE request_id = ? AND status = 'STARTING' AND owner = ?",
                handle.taskId(), handle.taskArn(), requestId, instanceId) == 1;
    }

    /** Back to STARTING without a task: the next tick creates one again. */
    void restart(String requestId, RunStatus from) {
        jdbc.update("UPDATE dms_controller.runs SET status = 'STARTING', task_id = NULL, task_arn = NULL"
                + " WHERE request_id = ? AND status = ? AND owner = ?", requestId, from.name(), instanceId);
    }

    /** This instance's STARTING run moves to RUNNING; in a transaction, its row stays locked until it ends. */
    boolean running(String requestId) {
        return jdbc.update("UPDATE dms_controller.runs SET status = 'RUNNING', progressed_at = now()"
                + " WHERE request_id = ? AND status = 'STARTING' AND owner = ?", requestId, instanceId) == 1;
    }

    /** Runs the work in one transaction (a task start and the run's move to RUNNING). */
    <T> T inTransaction(Supplier<T> work) {
        return transactions.execute(tx -> work.get());
    }

    void progress(String requestId, String taskStatus, int percent, JsonNode statistics, boolean published) {
        String json = statistics == null ? null : statistics.toString();
        // progress for the load deadline: the task's status, percentage or rows changed
        jdbc.update("UPDATE dms_controller.runs SET task_status = ?, progress = ?, statistics = coalesce(?::jsonb, statistics),"
                        + " last_progress_at = CASE WHEN ? THEN now() ELSE last_progress_at END,"
                        + " progressed_at = CASE WHEN task_status IS DISTINCT FROM ? OR progress <> ?"
                        + " OR (?::jsonb IS NOT NULL AND ?::jsonb IS DISTINCT FROM statistics) THEN now() ELSE progressed_at END"
                        + " WHERE request_id = ? AND status IN ('RUNNING', 'REPLICATING') AND owner = ?",
                taskStatus, percent, json, published, taskStatus, percent, json, json, requestId, instanceId);
    }

    /** Counts a transient engine error; empty when the run is no longer this instance's STARTING or RUNNING run. */
    Optional<Integer> engineError(String requestId, RunStatus status, String message) {
        return jdbc.queryForList("UPDATE dms_controller.runs SET engine_errors = engine_errors + 1, failure = ?"
                + " WHERE request_id = ? AND status = ? AND owner = ? RETURNING engine_errors", Integer.class,
                message, requestId, status.name(), instanceId).stream().findFirst();
    }

    /** A poll was answered: the transient errors before it were not consecutive. */
    void resetEngineErrors(String requestId) {
        jdbc.update("UPDATE dms_controller.runs SET engine_errors = 0, failure = NULL WHERE request_id = ? AND status IN ('STARTING', 'RUNNING', 'REPLICATING')"
                + " AND owner = ?", requestId, instanceId);
    }

    /**
     * The load finished: the state and the FullLoadCompleted to publish change together; a full-load task is to be
     * deleted, a CDC task replicates on (REPLICATING). False when the run is no longer this instance's RUNNING run (it
     * failed meanwhile, or another instance has it).
     */
    boolean loaded(String requestId, SpecificRecord fullLoadCompleted, JsonNode statistics) {
        return jdbc.update("UPDATE dms_controller.runs SET status = CASE WHEN migration_type = ? THEN 'REPLICATING' ELSE 'LOADED' END,"
                        + " progress = 100, statistics = ?::jsonb, loaded_at = now(), failure = NULL, outcome = ?, outcome_published = false,"
                        + " task_delete_pending = migration_type <> ?, stage = 'STAGING', progressed_at = now()"
                        + " WHERE request_id = ? AND status = 'RUNNING' AND owner = ?",
                LoadTask.FULL_LOAD_AND_CDC, statistics.toString(), serializer.serialize("runs", fullLoadCompleted), LoadTask.FULL_LOAD_AND_CDC,
                requestId, instanceId) == 1;
    }

    /**
     * The run failed: its TaskFailed is stored to publish, its task (if it has one) is to be deleted, and its leases are
     * released, in one transaction. Only while the run is still in the status the caller read ({@code from}), and, when
     * {@code owned} (the owner's poll), still this instance's: a late poll cannot fail a run that loaded or failed
     * meanwhile. A deadline or a lease release on any instance fails a loading run whether it is STARTING or RUNNING.
     */
    boolean failed(String requestId, RunStatus from, boolean owned, String reason, SpecificRecord taskFailed) {
        String[] statuses = !owned && (from == RunStatus.STARTING || from == RunStatus.RUNNING)
                ? new String[] {RunStatus.STARTING.name(), RunStatus.RUNNING.name()} : new String[] {from.name()};
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            int updated = jdbc.update("UPDATE dms_controller.runs SET status = 'FAILED', failure = ?, finished_at = now(), outcome = ?,"
                    // a task still loading is to be deleted; a loaded run's was deleted, or is being deleted, already
                    + " outcome_published = false,"
                    + " task_delete_pending = task_delete_pending OR (status IN ('STARTING', 'RUNNING') AND task_arn IS NOT NULL)"
                    + " WHERE request_id = ? AND status = ANY(?::text[]) AND (NOT ? OR owner = ?)",
                    reason, serializer.serialize("runs", taskFailed), requestId, statuses, owned, instanceId);
            if (updated > 0) {
                releaseLeases(requestId);
            }
            return updated > 0;
        }));
    }

    private void releaseLeases(String requestId) {
        jdbc.update("DELETE FROM dms_controller.table_leases WHERE request_id = ?", requestId);
        jdbc.update("DELETE FROM dms_controller.table_read_leases WHERE request_id = ?", requestId);
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
        return jdbc.queryForList("SELECT request_id FROM dms_controller.runs WHERE status IN ('STARTING', 'RUNNING', 'LOADED', 'REPLICATING',"
                + " 'VALIDATING', 'REPAIRING') AND stage = ? AND progressed_at < now() - make_interval(secs => ?) ORDER BY created_at, request_id",
                String.class, stage.name(), deadline.toMillis() / 1000.0);
    }

    List<LeaseView> leases() {
        return jdbc.query("SELECT l.staging_table, l.request_id, l.acquired_at, r.status, r.stage, r.progressed_at, l.mode FROM"
                + " (SELECT staging_table, request_id, acquired_at, 'write' AS mode FROM dms_controller.table_leases"
                + "  UNION ALL SELECT staging_table, request_id, acquired_at, 'read' FROM dms_controller.table_read_leases) l"
                + " JOIN dms_controller.runs r USING (request_id) ORDER BY l.staging_table, l.acquired_at, l.request_id",
                (rs, i) -> new LeaseView(rs.getString(1), rs.getString(2), instant(rs, "acquired_at"), rs.getString(4),
                        rs.getString(5), instant(rs, "progressed_at"), rs.getString("mode")));
    }

    /** The runs holding the table: the one load, or every validate-only run reading it. */
    List<String> leaseHolders(String stagingTable) {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.table_leases WHERE staging_table = ? UNION"
                + " SELECT request_id FROM dms_controller.table_read_leases WHERE staging_table = ? ORDER BY 1", String.class,
                stagingTable, stagingTable);
    }

    void recordLeaseRelease(String stagingTable, String requestId, String by, String reason) {
        jdbc.update("INSERT INTO dms_controller.lease_releases (staging_table, request_id, released_by, reason) VALUES (?, ?, ?, ?)",
                stagingTable, requestId, by, reason);
    }

    /**
     * Runs whose task is still to be deleted, by this instance: the run's last owner deletes it (a local task lives in
     * its process, so only it can stop it), or anyone once that owner is gone.
     */
    List<String> pendingTaskDeletes() {
        return jdbc.queryForList("SELECT request_id FROM dms_controller.runs r WHERE task_delete_pending AND task_arn IS NOT NULL"
                + " AND (owner IS NULL OR owner = ? OR NOT EXISTS (SELECT 1 FROM dms_controller.controller_instances i"
                + " WHERE i.instance_id = r.owner AND i.heartbeat_at > now() - make_interval(secs => ?)))"
                + " ORDER BY created_at, request_id", String.class, instanceId, instanceTimeout.toMillis() / 1000.0);
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
                    + " WHERE request_id = ? AND attempt <= ?"
                    + " AND status IN ('LOADED', 'REPLICATING', 'VALIDATING', 'REPAIRING', 'RUNNING', 'STARTING', 'QUEUED')",
                    passed ? "COMPLETED" : "FAILED", requestId, attempt);
            if (updated > 0) {
                releaseLeases(requestId);
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
                releaseLeases(requestId);
            }
            return updated > 0;
        }));
    }

    /** What asking for a repair round did. */
    enum RepairRequest { REQUESTED, MOVED_ON, TABLES_BUSY }

    /**
     * The run, while in one of {@code from} at {@code attempt}, asks for a repair round: it is REPAIRING with write
     * leases on all its staging tables (a validate-only run's read leases become write leases, a failed run's are
     * taken again: the repair writes production), and its RepairRequested is stored to publish, in one transaction.
     * MOVED_ON when the run is no longer as the caller read it; TABLES_BUSY when another run holds or reads one of its
     * tables (nothing changes then).
     */
    RepairRequest requestRepair(String requestId, int attempt, Set<RunStatus> from, SpecificRecord repairRequested) {
        return transactions.execute(tx -> {
            List<String[]> locked = jdbc.query("SELECT staging_tables FROM dms_controller.runs WHERE request_id = ?"
                    + " AND attempt = ? AND status = ANY (?::text[]) FOR UPDATE", (rs, i) -> (String[]) rs.getArray(1).getArray(),
                    requestId, attempt, from.stream().map(RunStatus::name).toArray(String[]::new));
            if (locked.isEmpty()) {
                return RepairRequest.MOVED_ON;
            }
            String[] tables = locked.get(0);
            jdbc.query("SELECT pg_advisory_xact_lock(?)", rs -> { }, LEASE_LOCK);
            jdbc.update("DELETE FROM dms_controller.table_read_leases WHERE request_id = ?", requestId);
            jdbc.update("INSERT INTO dms_controller.table_leases (staging_table, request_id)"
                    + " SELECT unnest(?::text[]), ? ON CONFLICT (staging_table) DO NOTHING", tables, requestId);
            Integer held = jdbc.queryForObject("SELECT count(*) FROM dms_controller.table_leases WHERE request_id = ?"
                    + " AND staging_table = ANY (?)", Integer.class, requestId, tables);
            boolean read = !jdbc.queryForList("SELECT 1 FROM dms_controller.table_read_leases WHERE staging_table = ANY (?)"
                    + " LIMIT 1", Integer.class, (Object) tables).isEmpty();
            if (held == null || held < tables.length || read) {
                tx.setRollbackOnly();
                return RepairRequest.TABLES_BUSY;
            }
            jdbc.update("UPDATE dms_controller.runs SET status = 'REPAIRING', repair_round = repair_round + 1, failure = NULL,"
                    + " finished_at = NULL, stage = 'VALIDATION', progressed_at = now(), outcome = ?, outcome_published = false"
                    + " WHERE request_id = ?", serializer.serialize("runs", repairRequested), requestId);
            return RepairRequest.REQUESTED;
        });
    }

    /**
     * Validation planned the run's repair round: the REPAIRING run at {@code attempt}, in round {@code round}, goes on
     * as its next attempt with the plan stored. With keys or ranges to load it is STARTING, owned by this instance,
     * for a task that loads them; without ({@code validationRequested} set) it is VALIDATING, that event stored to
     * publish: validation compares the source with production again. False when the run is no longer so.
     */
    boolean repairPlanned(String requestId, int attempt, int round, SpecificRecord repairPlanned,
                          SpecificRecord validationRequested) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            List<Map<String, Object>> previous = jdbc.queryForList("SELECT task_id, task_delete_pending FROM dms_controller.runs"
                    + " WHERE request_id = ? AND status = 'REPAIRING' AND attempt = ? AND repair_round = ? FOR UPDATE",
                    requestId, attempt, round);
            if (previous.isEmpty()) {
                return false;
            }
            if (Boolean.TRUE.equals(previous.get(0).get("task_delete_pending"))) {
                log.warn("Run {}: the loaded attempt's task {} was not deleted yet; delete it by hand", requestId,
                        previous.get(0).get("task_id"));
            }
            boolean load = validationRequested == null;
            jdbc.update("UPDATE dms_controller.runs SET status = ?, attempt = attempt + 1, repair_plan = ?, migration_type = ?,"
                    + " task_id = NULL, task_arn = NULL, task_status = NULL, progress = 0, statistics = NULL, failure = NULL,"
                    + " engine_errors = 0, task_delete_pending = false, task_delete_attempts = 0, started_at = now(),"
                    + " loaded_at = NULL, last_progress_at = NULL, stage = ?, progressed_at = now(), owner = ?, outcome = ?,"
                    + " outcome_published = ? WHERE request_id = ?",
                    load ? RunStatus.STARTING.name() : RunStatus.VALIDATING.name(), serializer.serialize("runs", repairPlanned),
                    LoadTask.FULL_LOAD, load ? "LOAD" : "VALIDATION", load ? instanceId : null,
                    load ? null : serializer.serialize("runs", validationRequested), load, requestId);
            return true;
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

    /**
     * Publishes the outcome events stored but not yet acknowledged by the broker, oldest first, each marked published
     * in the transaction that holds its run's row while it goes out: another instance skips it, so an outcome is not
     * published twice by two instances at once.
     */
    void publishOutcomes(Consumer<SpecificRecord> publisher) {
        while (publishNext(publisher, null)) {
            // until none is left unpublished (or every one left is being published by another thread)
        }
    }

    /**
     * Publishes this run's stored outcome if it is not acknowledged yet, as {@link #publishOutcomes} does. A run that
     * just stored its outcome publishes it first, without waiting for older ones another step or instance is sending
     * (the housekeeping tick publishes whatever is left).
     */
    void publishOutcome(String requestId, Consumer<SpecificRecord> publisher) {
        publishNext(publisher, requestId);
    }

    /** Publishes the oldest unpublished outcome, of {@code requestId} only unless null; false when there was none. */
    private boolean publishNext(Consumer<SpecificRecord> publisher, String requestId) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            List<Map.Entry<String, SpecificRecord>> next = jdbc.query("SELECT request_id, outcome FROM dms_controller.runs"
                    + " WHERE NOT outcome_published" + (requestId == null ? "" : " AND request_id = ?")
                    + " ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED",
                    (rs, i) -> Map.entry(rs.getString(1), deserializer.deserialize("runs", rs.getBytes(2))),
                    requestId == null ? new Object[0] : new Object[] {requestId});
            if (next.isEmpty()) {
                return false;
            }
            publisher.accept(next.get(0).getValue());
            jdbc.update("UPDATE dms_controller.runs SET outcome_published = true WHERE request_id = ?", next.get(0).getKey());
            return true;
        }));
    }

    Optional<RunView> view(String requestId) {
        return jdbc.query("SELECT * FROM dms_controller.runs WHERE request_id = ?", (rs, i) -> new RunView(
                rs.getString("request_id"), rs.getString("kind"), rs.getString("status"), rs.getString("engine"),
                rs.getString("task_id"), rs.getString("task_arn"), rs.getString("task_status"), rs.getInt("progress"),
                tables(rs).stream().map(TableRef::getName).toList(), instant(rs, "window_from"), instant(rs, "window_to"),
                statistics(rs.getString("statistics")), rs.getString("failure"), instant(rs, "created_at"), instant(rs, "started_at"),
                instant(rs, "loaded_at"), instant(rs, "finished_at"), rs.getString("stage"), instant(rs, "progressed_at"),
                rs.getInt("attempt"), rs.getInt("ignored_duplicates"), instant(rs, "last_ignored_at"), rs.getInt("repair_round")),
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
                rs.getString("stage"), rs.getString("task_status"), rs.getInt("progress"), rs.getInt("repair_round"),
                repairScope(rs.getBytes("repair_plan")));
    }

    private RepairScope repairScope(byte[] plan) {
        return plan == null ? null : ((RepairPlanned) deserializer.deserialize("runs", plan)).getScope();
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
