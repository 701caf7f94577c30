package dev.dmsflow.controller.run;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.TableLoadStatistics;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskProgress;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.controller.engine.CdcLatency;
import dev.dmsflow.controller.engine.EngineException;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.ReplicationEngine;
import dev.dmsflow.controller.engine.TaskHandle;
import dev.dmsflow.controller.engine.TaskPhase;
import dev.dmsflow.controller.engine.TaskStatus;
import dev.dmsflow.controller.mapping.KeyRanges;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import dev.dmsflow.controller.request.RequestResolver;
import dev.dmsflow.controller.request.ResolvedRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes reload requests to FullLoadCompleted. Requests are checked against the catalog (rejections publish TaskFailed
 * and touch no database), recorded as QUEUED runs (one per requestId), and then driven by {@link #tick()}: a run whose
 * staging tables are all free leases them and gets its DMS task created and started, its progress is published, and
 * once every table is loaded its statistics are read and FullLoadCompleted goes out. Everything a tick needs is in
 * the run table, so a restarted service resumes where the last one stopped. Leases go back with the run's outcome.
 * Any number of instances may run: a loading or replicating run is advanced only by the instance that owns it (see
 * {@link ControllerInstance}), and every transition holds only if the run is still as the tick read it. A
 * FULL_LOAD_AND_CDC run replicates on after its full load (REPLICATING), watched and reported with its CDC latency,
 * until it is stopped or fails; a reload of a table its task writes into is rejected.
 */
public final class RunCoordinator {

    private static final Logger log = LoggerFactory.getLogger(RunCoordinator.class);

    /**
     * @param progressInterval  minimum time between two TaskProgress events of a run
     * @param maxEngineErrors   consecutive transient engine errors a run survives before it fails
     * @param sourceUpperCase   the source folds names to upper case (Oracle), so filters name columns in upper case
     * @param maxDeleteAttempts attempts to delete a finished run's task, one per tick
     * @param deadlines         per stage (LOAD, STAGING, MERGE, VALIDATION), how long a run may go without progress
     * @param maxRepairRounds   repair rounds a run takes on its own (repair: auto) before a failed validation ends it
     * @param maxKeyConditions  keys per table a repair task selects one by one; more go in key ranges
     */
    public record Settings(TaskSettingsProperties taskSettings, Duration progressInterval, int maxEngineErrors, boolean sourceUpperCase,
                           int maxDeleteAttempts, Map<FailureStage, Duration> deadlines, int maxRepairRounds,
                           int maxKeyConditions) {
    }

    /** Who asks for the repair rounds the catalog's {@code repair: auto} brings about. */
    static final String AUTO_REPAIR = "repair-policy auto";

    private final RunStore store;
    private final RequestResolver resolver;
    private final ReplicationEngine engine;
    private final ControllerEvents events;
    private final Clock clock;
    private final RunEvents runEvents;
    private final Settings settings;
    private final KeyRanges keyRanges;
    /** Runs whose step is under way on the step executor. */
    private final Set<String> stepping = ConcurrentHashMap.newKeySet();
    /** The step asked for while a run's step was under way, taken right after it. */
    private final Map<String, Step> again = new ConcurrentHashMap<>();

    RunCoordinator(RunStore store, RequestResolver resolver, ReplicationEngine engine, ControllerEvents events, Clock clock, Settings settings,
                   KeyRanges keyRanges) {
        this.store = store;
        this.resolver = resolver;
        this.engine = engine;
        this.events = events;
        this.clock = clock;
        this.runEvents = new RunEvents(clock, engine.type());
        this.settings = settings;
        this.keyRanges = keyRanges;
    }

    /** A request from the topic: rejected with TaskFailed, or recorded as a queued run (once per requestId). */
    public void onTaskRequested(TaskRequested request) {
        RequestResolver.Resolution resolution = resolver.resolve(request);
        if (resolution instanceof RequestResolver.Rejected rejected) {
            log.info("Rejected request {}: {}", request.getHeader().getRequestId(), rejected.reason());
            events.publish(runEvents.taskFailed(request.getHeader().getRequestId(), request.getHeader().getAttempt(), FailureStage.REQUEST,
                    rejected.reason(), false, request.getTables().stream().map(t -> t.getName()).toList(), "InvalidRequest"));
            return;
        }
        ResolvedRun run = ((RequestResolver.Accepted) resolution).run();
        // a validate-only run writes nothing, so a live CDC task's staging table is no reason to refuse it
        List<RunStore.Replicated> replicated = run.kind() == TaskKind.VALIDATE_ONLY ? List.of()
                : store.replicatedTables(run.stagingTables(), run.requestId());
        if (!replicated.isEmpty()) {
            // its lease would never come free, and a load would truncate what a live CDC task keeps writing
            String reason = replicated.stream().map(r -> "staging table " + r.stagingTable() + " is written by CDC task " + r.taskId()
                    + " of run " + r.requestId() + " (REPLICATING); stop it first: POST /api/runs/" + r.requestId() + "/stop")
                    .collect(Collectors.joining("; "));
            log.info("Rejected request {}: {}", run.requestId(), reason);
            events.publish(runEvents.taskFailed(run.requestId(), run.attempt(), FailureStage.REQUEST, reason, true,
                    request.getTables().stream().map(t -> t.getName()).toList(), "TableReplicating"));
            return;
        }
        String migrationType = switch (run.kind()) {
            case FULL_LOAD_AND_CDC -> LoadTask.FULL_LOAD_AND_CDC;
            case VALIDATE_ONLY -> RunStore.NO_TASK;
            default -> LoadTask.FULL_LOAD;
        };
        switch (store.admit(run, engine.type().name(), migrationType)) {
            case RETRIED -> log.info("Request {}: attempt {} runs again", run.requestId(), run.attempt());
            case IGNORED -> log.info("Request {} (attempt {}) is already a run; ignored", run.requestId(), run.attempt());
            case QUEUED -> log.debug("Request {} queued", run.requestId());
        }
    }

    /** A loaded run reached a later stage (WindowStaged: MERGE, MergeCompleted: VALIDATION): that is its progress. */
    public void onStage(String requestId, int attempt, FailureStage stage) {
        store.stage(requestId, attempt, stage);
    }

    /**
     * The outcome of a loaded run arrived: its leases go back, and queued runs may start. A replicating run that passed
     * keeps its leases and its task; one that failed has its task stopped first.
     */
    public void onOutcome(String requestId, int attempt, boolean passed) {
        Optional<StoredRun> replicating = store.find(requestId).filter(run -> run.status() == RunStatus.REPLICATING && run.attempt() <= attempt);
        if (replicating.isPresent() && passed) {
            if (store.validatedWhileReplicating(requestId, attempt)) {
                log.info("Run {} validated; its CDC task {} replicates on (POST /api/runs/{}/stop ends it)", requestId,
                        replicating.get().handle().taskId(), requestId);
            }
            return;
        }
        replicating.ifPresent(this::stopTask);
        if (store.finish(requestId, attempt, passed)) {
            log.info("Run {} finished ({}), leases released", requestId, passed ? "validated" : "failed downstream");
        }
    }

    /**
     * A validation of the run failed. When its differences are repairable (every failed check a key difference) and
     * some of its failed tables repair themselves (catalog {@code repair: auto}, single-column key), and rounds are
     * left, the run keeps its leases and asks for a repair round of those tables (RepairRequested): validation
     * confirms the keys, the run loads them as its next attempt ({@link #onRepairPlanned}). Otherwise the run ends.
     */
    public void onValidationFailed(String requestId, int attempt, Set<String> failedTables, boolean repairable) {
        if (!repairable || !autoRepair(requestId, attempt, failedTables)) {
            onOutcome(requestId, attempt, false);
        }
    }

    private boolean autoRepair(String requestId, int attempt, Set<String> failedTables) {
        Optional<StoredRun> found = store.find(requestId).filter(run -> run.attempt() == attempt
                && (run.status() == RunStatus.LOADED || run.status() == RunStatus.VALIDATING));
        if (found.isEmpty()) {
            return false;
        }
        StoredRun run = found.get();
        List<TableRef> tables = repairableTables(run).stream().filter(t -> failedTables.contains(t.getName()))
                .filter(t -> repairable(t, CatalogTable.Repair.Policy.AUTO)).toList();
        if (tables.isEmpty()) {
            return false;
        }
        if (run.repairRound() >= settings.maxRepairRounds()) {
            log.warn("Run {}: validation failed again after {} repair round(s), the most dmsflow.controller.repair.max-rounds"
                    + " allows; the run fails", requestId, run.repairRound());
            return false;
        }
        return requestRepair(run, tables, AUTO_REPAIR, EnumSet.of(RunStatus.LOADED, RunStatus.VALIDATING))
                == RunStore.RepairRequest.REQUESTED;
    }

    /** What POST /api/runs/{id}/repair did. */
    public enum RepairResult { REQUESTED, NOT_FOUND, NOT_FAILED, NOT_REPAIRABLE, TABLES_BUSY }

    /**
     * Ops ask for a repair round of a FAILED run (its tables' policy {@code manual} or {@code auto}): the run takes its
     * leases again and is REPAIRING, as after an automatic request. One round per call, whatever the rounds so far; a
     * run that did not fail in validation has no recorded keys, and validation's confirm then fails it again, saying so.
     */
    public RepairResult repair(String requestId, String requestedBy) {
        Optional<StoredRun> found = store.find(requestId);
        if (found.isEmpty()) {
            return RepairResult.NOT_FOUND;
        }
        StoredRun run = found.get();
        if (run.status() != RunStatus.FAILED) {
            return RepairResult.NOT_FAILED;
        }
        List<TableRef> tables = repairableTables(run).stream().filter(t -> repairable(t, CatalogTable.Repair.Policy.MANUAL)
                || repairable(t, CatalogTable.Repair.Policy.AUTO)).toList();
        if (tables.isEmpty()) {
            return RepairResult.NOT_REPAIRABLE;
        }
        return switch (requestRepair(run, tables, requestedBy, EnumSet.of(RunStatus.FAILED))) {
            case REQUESTED -> RepairResult.REQUESTED;
            case MOVED_ON -> RepairResult.NOT_FAILED;
            case TABLES_BUSY -> RepairResult.TABLES_BUSY;
        };
    }

    /**
     * The run's tables a repair may reload: none of a multi-stage run, whose validation compares the final table the
     * view feeds (a repair merges into the tables' own production tables).
     */
    private static List<TableRef> repairableTables(StoredRun run) {
        return run.multiStage() != null ? List.of() : run.tables();
    }

    /** The table's catalog entry has the policy, and its key is one column (a repair selects keys by value). */
    private boolean repairable(TableRef table, CatalogTable.Repair.Policy policy) {
        return table.getKeyColumns().size() == 1
                && resolver.repair(table.getName()).map(repair -> repair.policy() == policy).orElse(false);
    }

    private RunStore.RepairRequest requestRepair(StoredRun run, List<TableRef> tables, String requestedBy, Set<RunStatus> from) {
        int round = run.repairRound() + 1;
        List<String> deletes = tables.stream().map(TableRef::getName)
                .filter(name -> resolver.repair(name).map(CatalogTable.Repair::deletes).orElse(false)).toList();
        RunStore.RepairRequest result = store.requestRepair(run.requestId(), run.attempt(), from,
                runEvents.repairRequested(run, round, tables, deletes, requestedBy));
        switch (result) {
            case REQUESTED -> {
                log.info("Run {}: repair round {} of {} requested by {}", run.requestId(), round,
                        tables.stream().map(TableRef::getName).toList(), requestedBy);
                store.publishOutcome(run.requestId(), events::publish);
            }
            case TABLES_BUSY -> log.warn("Run {}: no repair round, another run holds or reads one of its tables",
                    run.requestId());
            case MOVED_ON -> log.info("Run {}: no repair round, the run moved on meanwhile", run.requestId());
        }
        return result;
    }

    /**
     * Validation confirmed the keys of the run's repair round: the run goes on as its next attempt, keeping its
     * leases. With keys or ranges left to load it is STARTING (true: a tick creates its task, whose mappings select
     * them); with none (CDC or time healed every one) it is VALIDATING, its ValidationRequested published, so the
     * verdict comes from comparing the source with production again. A plan for a run that moved on is ignored.
     */
    public boolean onRepairPlanned(RepairPlanned planned) {
        String requestId = planned.getHeader().getRequestId();
        int attempt = planned.getHeader().getAttempt();
        RepairScope scope = planned.getScope();
        Optional<StoredRun> found = store.find(requestId).filter(run -> run.status() == RunStatus.REPAIRING
                && run.attempt() == attempt && run.repairRound() == scope.getRound());
        if (found.isEmpty()) {
            log.info("Run {}: repair plan of attempt {}, round {} ignored, the run moved on", requestId, attempt,
                    scope.getRound());
            return false;
        }
        boolean load = scope.getTables().stream().anyMatch(StoredRun::hasWork);
        ValidationRequested validate = load ? null : runEvents.validationRequested(found.get(), attempt + 1,
                scope.getTables().stream().map(TableRepairScope::getTable).toList(), clock.instant());
        if (!store.repairPlanned(requestId, attempt, scope.getRound(), planned, validate)) {
            return false;
        }
        if (load) {
            log.info("Run {}: repair round {} loads {} key(s) and {} range(s) as attempt {}", requestId, scope.getRound(),
                    scope.getTables().stream().mapToInt(t -> t.getKeys().size()).sum(),
                    scope.getTables().stream().mapToInt(t -> t.getRanges().size()).sum(), attempt + 1);
        } else {
            log.info("Run {}: repair round {} has no key left to load; validating again as attempt {}", requestId,
                    scope.getRound(), attempt + 1);
            store.publishOutcome(requestId, events::publish);
        }
        return load;
    }

    /** What POST /api/runs/{id}/stop did. */
    public enum StopResult { STOPPED, NOT_FOUND, NOT_REPLICATING }

    /**
     * Stops a replicating run's CDC task and ends the run (STOPPED), giving back its leases. Only a REPLICATING run
     * can be stopped this way; a loading one is failed by releasing its lease. Engine errors propagate: the task may
     * still run, so the run stays as it is.
     */
    public StopResult stop(String requestId) {
        Optional<StoredRun> run = store.find(requestId);
        if (run.isEmpty()) {
            return StopResult.NOT_FOUND;
        }
        if (run.get().status() != RunStatus.REPLICATING) {
            return StopResult.NOT_REPLICATING;
        }
        engine.stop(run.get().handle());
        if (!store.stopped(requestId)) {
            return StopResult.NOT_REPLICATING;
        }
        log.info("Run {}: CDC task {} stopped on request, leases released", requestId, run.get().handle().taskId());
        events.publish(runEvents.stopped(run.get()));
        return StopResult.STOPPED;
    }

    public List<LeaseView> leases() {
        return store.leases();
    }

    /**
     * Ops release a lease by hand (its run's outcome was lost, say): the release is recorded, and the run holding it
     * fails with TaskFailed of its stage, its loading task stopped first, giving back all its leases. Empty when
     * nobody holds the table; every validate-only run reading it when they hold it.
     */
    public List<String> releaseLease(String stagingTable, String by, String reason) {
        List<StoredRun> holders = store.leaseHolders(stagingTable).stream().flatMap(id -> store.find(id).stream()).toList();
        holders.forEach(run -> {
            store.recordLeaseRelease(stagingTable, run.requestId(), by, reason);
            fail(run, run.stage() == null ? FailureStage.LOAD : FailureStage.valueOf(run.stage()),
                    "lease released by " + by + ": " + reason, true, "LeaseReleased", false);
        });
        return holders.stream().map(StoredRun::requestId).toList();
    }

    /** The run's request again with the next attempt (POST /api/runs/{requestId}/retry); empty when there is no such run. */
    public Optional<TaskRequested> retryRequest(String requestId) {
        return store.find(requestId).map(runEvents::retry);
    }

    /** Throws a DataAccessException when the run store cannot be reached, so a request now could not be recorded. */
    public void checkStore() {
        store.ping();
    }

    public Optional<RunView> view(String requestId) {
        return store.view(requestId);
    }

    /**
     * One pass over every unfinished run: queued runs are leased by anyone, loading runs advanced by their owner, each
     * in a step of its own on {@code steps}. With {@code housekeeping}, first what only time brings about: outcomes left
     * unpublished, runs of instances that stopped, task deletes to retry, deadlines passed (each engine call a step too,
     * so a slow DMS API holds up no lease), and every loading or replicating run's task polled; without it, only the
     * runs whose local tasks are among {@code endedTasks}.
     */
    public void tick(Executor steps, boolean housekeeping, Set<String> endedTasks) {
        if (housekeeping) {
            publishStoredOutcomes();
            store.claimOrphans().forEach((requestId, previous) -> log.info("Run {}: taken over from {}", requestId,
                    previous.isEmpty() ? "no owner" : "instance " + previous + ", whose heartbeat stopped"));
            for (String requestId : store.pendingTaskDeletes()) {
                step(steps, requestId, null, this::deleteTask);
            }
            failOverdue(steps);
        }
        lease(steps);
        steps(steps, RunStatus.STARTING, this::advanceStarting);
        if (housekeeping) {
            steps(steps, RunStatus.RUNNING, this::poll);
            steps(steps, RunStatus.REPLICATING, this::replicate);
        } else {
            completeEnded(steps, endedTasks);
        }
    }

    /**
     * The part of a tick a request or an outcome changes: queued runs whose tables are free take their leases, a load
     * then has its task created and started in a step, a validate-only run its ValidationRequested published.
     */
    public void lease(Executor steps) {
        for (String requestId : store.leasableRequestIds()) {
            if (store.tryLease(requestId)) {
                // its task is created and started now, not after the other leases and the queries below
                step(steps, requestId, RunStatus.STARTING, this::advanceStarting);
            }
        }
        boolean validating = false;
        for (String requestId : store.readLeasableRequestIds()) {
            Optional<StoredRun> run = store.find(requestId);
            validating |= run.isPresent() && store.tryReadLease(requestId, runEvents.validationRequested(run.get(), run.get().attempt(),
                    run.get().tables(), clock.instant()));
        }
        if (validating) {
            publishStoredOutcomes();
        }
    }

    /** This instance's loading runs whose local tasks are among {@code endedTasks} take their step: they complete (or fail). */
    public void completeEnded(Executor steps, Set<String> endedTasks) {
        if (endedTasks.isEmpty()) {
            return;
        }
        for (String requestId : store.ownedRequestIdsOfTasks(RunStatus.RUNNING, endedTasks)) {
            step(steps, requestId, RunStatus.RUNNING, this::poll);
        }
    }

    /**
     * Each owned run of the status takes its step on the executor, and the tick does not wait for them: one slow engine
     * call holds up neither the other runs nor the next tick (which leases what an outcome just gave back). A run whose
     * last step is still under way is left to a later tick, so no run takes two steps at once.
     */
    private void steps(Executor steps, RunStatus status, Consumer<StoredRun> step) {
        for (String requestId : store.ownedRequestIds(status)) {
            step(steps, requestId, status, step);
        }
    }

    /**
     * Hands the run's step to the executor: taken on the run as it is then, if it still has {@code status} (any when
     * null), since a run moves on between the query that chose it and its step (another tick completed it, say).
     */
    private void step(Executor steps, String requestId, RunStatus status, Consumer<StoredRun> step) {
        Step next = new Step(status, step);
        if (!stepping.add(requestId)) {
            // a step of the run is under way (a poll, say, while its task ended): this one follows it, not a tick later
            again.put(requestId, next);
            if (!stepping.add(requestId)) {
                return;
            }
            // the step under way ended meanwhile, without seeing this one
            again.remove(requestId, next);
        }
        try {
            steps.execute(() -> {
                try {
                    store.find(requestId).filter(run -> status == null || run.status() == status)
                            .ifPresent(run -> guarded(run, () -> step.accept(run)));
                } finally {
                    stepping.remove(requestId);
                    Step following = again.remove(requestId);
                    if (following != null) {
                        step(steps, requestId, following.status(), following.step());
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            stepping.remove(requestId);
            throw e;
        }
    }

    /** A run's step, taken while the run has the status (any when null). */
    private record Step(RunStatus status, Consumer<StoredRun> step) {
    }

    private void advanceStarting(StoredRun run) {
        TaskHandle handle = run.handle();
        if (handle == null) {
            // a repair round loads a few keys: no segments
            handle = engine.create(LoadTasks.loadTask(run, settings.taskSettings(), settings.sourceUpperCase(),
                    run.repair() != null ? Map.of() : keyRanges.boundaries(run.tables(), run.window()),
                    settings.maxKeyConditions()));
            if (!store.recordHandle(run.requestId(), handle)) {
                log.info("Run {}: no longer this instance's to start", run.requestId());
                return;
            }
            log.info("Run {}: created task {}", run.requestId(), handle.taskId());
        }
        TaskStatus status = engine.describe(handle);
        if (status.phase() != TaskPhase.LOST) {
            answered(run);
        }
        if (status.phase() == TaskPhase.READY) {
            start(run, handle);
        } else if (status.phase() == TaskPhase.FAILED) {
            fail(run, status.failureMessage(), false);
        } else if (status.phase() == TaskPhase.LOST) {
            rerun(run, status);
        } else if (status.phase() != TaskPhase.CREATING) {
            store.running(run.requestId());
        }
    }

    /**
     * The run moves to RUNNING and its task starts in one transaction: the update holds the run's row locked while the
     * task starts, so no other transition, on any instance, moves it meanwhile; a start that fails rolls it back.
     */
    private void start(StoredRun run, TaskHandle handle) {
        boolean started = store.inTransaction(() -> {
            if (!store.running(run.requestId())) {
                return false;
            }
            engine.start(handle);
            return true;
        });
        if (started) {
            log.info("Run {}: started task {}", run.requestId(), handle.taskId());
        } else {
            log.info("Run {}: no longer this instance's to start", run.requestId());
        }
    }

    private void poll(StoredRun run) {
        TaskStatus status = engine.describe(run.handle());
        if (status.phase() != TaskPhase.LOST) {
            answered(run);
        }
        switch (status.phase()) {
            case FULL_LOAD_COMPLETE -> completeLoad(run, status);
            case FAILED -> fail(run, status.failureMessage(), false);
            case LOST -> rerun(run, status);
            default -> progress(run, status);
        }
    }

    /** A replicating task is watched on: its progress carries its CDC latency, and if it stops or fails so does the run. */
    private void replicate(StoredRun run) {
        TaskStatus status = engine.describe(run.handle());
        answered(run);
        if (status.phase() == TaskPhase.FAILED || status.phase() == TaskPhase.LOST) {
            fail(run, "CDC task " + run.handle().taskId() + " stopped replicating: " + status.failureMessage(), true);
        } else {
            progress(run, status);
        }
    }

    private void progress(StoredRun run, TaskStatus status) {
        Instant now = clock.instant();
        boolean due = run.lastProgressAt() == null || !run.lastProgressAt().plus(settings.progressInterval()).isAfter(now);
        if (!due) {
            if (!Objects.equals(status.status(), run.taskStatus()) || status.percent() != run.progress()) {
                store.progress(run.requestId(), status.status(), status.percent(), null, false);
            }
            return;
        }
        List<TableLoadStatistics> tables = RunEvents.tableStatistics(run, engine.tableStatistics(run.handle()));
        Optional<CdcLatency> latency = run.status() == RunStatus.REPLICATING ? engine.cdcLatency(run.handle()) : Optional.empty();
        events.publish(runEvents.progress(run, status, tables, latency));
        store.progress(run.requestId(), status.status(), status.percent(), RunEvents.statisticsJson(tables), true);
    }

    private void completeLoad(StoredRun run, TaskStatus status) {
        List<TableLoadStatistics> tables = RunEvents.tableStatistics(run, engine.tableStatistics(run.handle()));
        FullLoadCompleted completed = runEvents.fullLoadCompleted(run, tables);
        if (!store.loaded(run.requestId(), completed, RunEvents.statisticsJson(tables))) {
            log.info("Run {}: loaded, but no longer this instance's RUNNING run; left as it is", run.requestId());
            return;
        }
        log.info("Run {}: every table loaded ({}), task {}", run.requestId(), status.status(), run.handle().taskId());
        // its own FullLoadCompleted first: sweeping older outcomes here made a finished load wait for their acknowledgements
        store.publishOutcome(run.requestId(), events::publish);
        deleteTask(run);
    }

    /**
     * Runs without progress for longer than their stage's deadline fail, so their leases go back; in steps, as stopping
     * a task is an engine call (and a run whose step is under way is failed by a later tick, not beside it).
     */
    private void failOverdue(Executor steps) {
        settings.deadlines().forEach((stage, deadline) -> {
            for (String requestId : store.overdue(stage, deadline)) {
                step(steps, requestId, null, run -> fail(run, stage, stage.name().toLowerCase(Locale.ROOT)
                        + " timed out: no progress for " + deadline.toString().substring(2).toLowerCase(Locale.ROOT), true, "Timeout", false));
            }
        });
    }

    /** The engine answered a poll: the run's transient errors were not consecutive, so their count starts again. */
    private void answered(StoredRun run) {
        if (run.engineErrors() > 0) {
            store.resetEngineErrors(run.requestId());
        }
    }

    /**
     * Deletes a finished run's task, as the engine's policy says. A failure (a missing dms:DeleteReplicationTask
     * permission, a task still stopping) changes neither the run's status nor its leases: the delete is tried again on
     * later ticks, up to max-delete-attempts.
     */
    private void deleteTask(StoredRun run) {
        try {
            engine.delete(run.handle());
            store.taskDeleted(run.requestId());
        } catch (EngineException e) {
            int attempts = store.taskDeleteFailed(run.requestId(), settings.maxDeleteAttempts());
            if (attempts >= settings.maxDeleteAttempts()) {
                log.error("Run {}: gave up deleting task {} after {} attempts, delete it by hand: {}", run.requestId(),
                        run.handle().taskId(), attempts, e.getMessage());
            } else {
                log.warn("Run {}: could not delete task {} (attempt {} of {}, tried again next tick): {}", run.requestId(),
                        run.handle().taskId(), attempts, settings.maxDeleteAttempts(), e.getMessage());
            }
        }
    }

    /**
     * The task vanished with the process that ran it: the run keeps its leases and goes back to STARTING, so the next
     * tick creates and starts the task again (the prep mode truncates what the lost one loaded). Counted as an engine
     * error, so a task that keeps vanishing fails the run in the end.
     */
    private void rerun(StoredRun run, TaskStatus status) {
        Optional<Integer> errors = store.engineError(run.requestId(), run.status(), status.failureMessage());
        if (errors.isEmpty()) {
            return;
        }
        if (errors.get() >= settings.maxEngineErrors()) {
            fail(run, status.failureMessage(), true);
            return;
        }
        log.warn("Run {}: {}; running the task again", run.requestId(), status.failureMessage());
        store.restart(run.requestId(), run.status());
    }

    /** Engine errors: a retryable one is tried again next tick, up to the limit; any other fails the run. */
    private void guarded(StoredRun run, Runnable step) {
        try {
            step.run();
        } catch (EngineException e) {
            Optional<Integer> errors = e.retryable() ? store.engineError(run.requestId(), run.status(), e.getMessage()) : Optional.of(0);
            if (errors.isEmpty()) {
                log.info("Run {}: {} (the run moved on meanwhile)", run.requestId(), e.getMessage());
                return;
            }
            if (e.retryable() && errors.get() < settings.maxEngineErrors()) {
                log.warn("Run {}: {} (will retry)", run.requestId(), e.getMessage());
                return;
            }
            fail(run, e.getMessage(), e.retryable());
        }
    }

    /** The owner's own poll failed the load. */
    private void fail(StoredRun run, String reason, boolean retryable) {
        fail(run, FailureStage.LOAD, reason, retryable, "LoadFailed", true);
    }

    /**
     * A loading task is stopped before the run's leases go back, so it no longer writes into tables the next run
     * loads; its delete follows on the next ticks (a stopping DMS task cannot be deleted yet). A loaded run's task has
     * finished (a CDC task keeps replicating, as it must).
     */
    private void fail(StoredRun run, FailureStage stage, String reason, boolean retryable, String errorType, boolean owned) {
        stopTask(run);
        if (store.failed(run.requestId(), run.status(), owned, reason, runEvents.taskFailed(run.requestId(), run.attempt(), stage, reason,
                retryable, run.tables().stream().map(TableRef::getName).toList(), errorType))) {
            log.warn("Run {} failed: {}", run.requestId(), reason);
        } else {
            log.info("Run {}: not failed ({}), it moved on meanwhile", run.requestId(), reason);
        }
        publishStoredOutcomes();
    }

    /** Stops the run's task if it may still write into staging (loading, or replicating after its full load). */
    private void stopTask(StoredRun run) {
        if (run.handle() != null && (run.status() == RunStatus.STARTING || run.status() == RunStatus.RUNNING
                || run.status() == RunStatus.REPLICATING)) {
            try {
                engine.stop(run.handle());
            } catch (EngineException e) {
                log.warn("Run {}: could not stop task {}: {}", run.requestId(), run.handle().taskId(), e.getMessage());
            }
        }
    }

    private void publishStoredOutcomes() {
        store.publishOutcomes(events::publish);
    }
}
