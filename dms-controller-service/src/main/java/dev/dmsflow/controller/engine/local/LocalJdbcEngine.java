package dev.dmsflow.controller.engine.local;

import com.zaxxer.hikari.HikariDataSource;
import dev.dmsflow.contracts.event.EngineType;
import dev.dmsflow.controller.engine.CdcLatency;
import dev.dmsflow.controller.engine.EngineException;
import dev.dmsflow.controller.engine.LoadTask;
import dev.dmsflow.controller.engine.ReplicationEngine;
import dev.dmsflow.controller.engine.TableStatistics;
import dev.dmsflow.controller.engine.TaskHandle;
import dev.dmsflow.controller.engine.TaskPhase;
import dev.dmsflow.controller.engine.TaskStatus;
import dev.dmsflow.support.jdbc.JdbcSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * dmsflow's own full-load engine: reads the source over JDBC and writes the staging tables with COPY, following the
 * same table-mapping and task-settings JSON the controller sends to AWS DMS, and reporting the same per-table
 * statistics. Tables load in parallel up to MaxFullLoadSubTasks, and so do the key-range segments of a table with a
 * {@code parallel-load} (each its own COPY; the table's statistics add them up). Tasks live in this process: a
 * controller restarted during a load finds its task {@link TaskPhase#LOST} and runs it again (it starts clean: the prep
 * mode truncates), and so does the instance that takes over the run of one that stopped.
 */
public final class LocalJdbcEngine implements ReplicationEngine, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalJdbcEngine.class);
    static final String ARN_PREFIX = "local:";
    /** Source connections beyond the copies' for the catalog reads of tasks being created. */
    private static final int CATALOG_CONNECTIONS = 4;
    /** How long an abandoned task's loading threads get to end their COPY sessions. */
    private static final Duration ABANDON_WAIT = Duration.ofSeconds(60);
    /** DMS's table states. */
    private static final String BEFORE_LOAD = "Before load";
    private static final String FULL_LOAD = "Full load";
    private static final String COMPLETED = "Table completed";
    private static final String ERROR = "Table error";

    private final LocalEngineProperties properties;
    private final DataSource target;
    private final HikariDataSource sourcePool;
    private final SourceDialect dialect;
    private final Map<String, LocalTask> tasks = new ConcurrentHashMap<>();
    /** Told when a task ends: the controller's ticker, so a finished load does not wait for the next poll. */
    private volatile Consumer<String> taskEnded = taskId -> { };

    /**
     * @param target      the staging database's connections
     * @param connections the most copies (tables, or segments of one) loading at once: as many as target connections;
     *                    copies beyond it wait
     */
    public LocalJdbcEngine(LocalEngineProperties properties, DataSource target, int connections) {
        if (properties.source() == null || properties.source().url() == null) {
            throw new IllegalStateException("the local engine needs its source: set dmsflow.controller.local.source.url");
        }
        this.properties = properties;
        this.target = target;
        this.dialect = SourceDialect.forUrl(properties.source().url());
        this.sourcePool = sourcePool(properties.source(), dialect, connections);
    }

    /**
     * Pooled source connections: opening one per task (its catalog) and per table (its copy) cost a run a few hundred
     * milliseconds on a busy machine before its copy began. The pool opens none until the first task (a source that is
     * down fails that task, not the service's start). Its connections only read,
     * set up once for the dialect.
     */
    private static HikariDataSource sourcePool(JdbcSource source, SourceDialect dialect, int connections) {
        HikariDataSource pool = source.pool("local-engine-source", connections + CATALOG_CONNECTIONS);
        // kept open once the first task opened the pool: a pool that must first open connections hands them out one
        // by one (its single adder thread), and a burst of copies then waited seconds before their first row
        pool.setMinimumIdle(pool.getMaximumPoolSize());
        pool.setConnectionTimeout(Duration.ofMinutes(30).toMillis());
        pool.setReadOnly(true);
        pool.setAutoCommit(dialect.autoCommit());
        pool.setConnectionInitSql(dialect.sessionSetup());
        return pool;
    }

    /** Closed with the context, after the tasks were abandoned. */
    @Override
    public void close() {
        sourcePool.close();
    }

    @Override
    public void onTaskEnd(Consumer<String> listener) {
        taskEnded = listener;
    }

    @Override
    public EngineType type() {
        return EngineType.LOCAL_JDBC;
    }

    @Override
    public TaskHandle create(LoadTask task) {
        TaskHandle handle = new TaskHandle(task.identifier(), ARN_PREFIX + task.identifier(), task.migrationType());
        if (tasks.containsKey(task.identifier())) {
            return handle;
        }
        TaskPlan plan;
        try {
            plan = TaskPlan.parse(task.migrationType(), task.tableMappings(), task.taskSettings());
        } catch (IllegalArgumentException e) {
            throw new EngineException("the local engine refuses task " + task.identifier() + ": " + e.getMessage(), false, e);
        }
        List<TableLoad> loads;
        try (Connection source = source()) {
            loads = PlanCompiler.compile(plan, source, dialect);
        } catch (IllegalArgumentException e) {
            throw new EngineException("task " + task.identifier() + ": " + e.getMessage(), false, e);
        } catch (SQLException e) {
            throw new EngineException("task " + task.identifier() + ": cannot read the source catalog: " + e.getMessage(), true, e);
        }
        tasks.put(task.identifier(), new LocalTask(plan, loads));
        return handle;
    }

    @Override
    public void start(TaskHandle handle) {
        task(handle).start(handle.taskId());
    }

    @Override
    public TaskStatus describe(TaskHandle handle) {
        LocalTask task = tasks.get(handle.taskId());
        if (task == null) {
            return new TaskStatus(TaskPhase.LOST, "lost", 0, "local task " + handle.taskId()
                    + " is not in this controller instance: the instance that ran it stopped during the load");
        }
        return task.status();
    }

    @Override
    public List<TableStatistics> tableStatistics(TaskHandle handle) {
        return task(handle).statistics();
    }

    /** Full loads only (TaskPlan refuses CDC), so there is never a latency to report. */
    @Override
    public Optional<CdcLatency> cdcLatency(TaskHandle handle) {
        return Optional.empty();
    }

    @Override
    public void stop(TaskHandle handle) {
        LocalTask task = tasks.get(handle.taskId());
        if (task != null) {
            task.stop();
        }
    }

    @Override
    public void delete(TaskHandle handle) {
        LocalTask task = tasks.remove(handle.taskId());
        if (task != null) {
            task.stop();
        }
    }

    /** Every task stops and is forgotten; returns once their loading threads (and so their COPY sessions) ended. */
    @Override
    public void abandonLocalTasks() {
        List<LocalTask> abandoned = new ArrayList<>();
        tasks.keySet().forEach(taskId -> {
            LocalTask task = tasks.remove(taskId);
            if (task != null) {
                task.stop();
                abandoned.add(task);
            }
        });
        for (LocalTask task : abandoned) {
            if (!task.awaitEnd(ABANDON_WAIT)) {
                throw new IllegalStateException("a stopped local task still loads after " + ABANDON_WAIT.toSeconds() + "s");
            }
        }
    }

    private LocalTask task(TaskHandle handle) {
        LocalTask task = tasks.get(handle.taskId());
        if (task == null) {
            throw new EngineException("local task " + handle.taskId() + " is not in this controller", false, null);
        }
        return task;
    }

    private Connection source() throws SQLException {
        return sourcePool.getConnection();
    }

    /** One copy's progress (a table's, or one segment's of a parallel load), in the words of DMS table states. */
    private static final class CopyRun {
        final TableCopy copy;
        final AtomicLong rows = new AtomicLong();
        volatile String state = BEFORE_LOAD;
        volatile Instant start;
        volatile Instant end;

        CopyRun(TableCopy copy) {
            this.copy = copy;
        }
    }

    /** A table and its copies: the first of them to start applies the prep mode, the others wait for it. */
    private static final class TableRun {
        final TableLoad load;
        final List<CopyRun> copies;
        /** Guarded by this: whether the prep mode was applied. */
        boolean prepared;

        TableRun(TableLoad load) {
            this.load = load;
            this.copies = load.segments().stream().map(CopyRun::new).toList();
        }

        /** The table's state: an error if any copy failed, completed once all are, loading once one began. */
        String state() {
            if (copies.stream().anyMatch(c -> c.state.equals(ERROR))) {
                return ERROR;
            }
            if (copies.stream().allMatch(c -> c.state.equals(COMPLETED))) {
                return COMPLETED;
            }
            return copies.stream().allMatch(c -> c.state.equals(BEFORE_LOAD)) ? BEFORE_LOAD : FULL_LOAD;
        }

        TableStatistics statistics() {
            Instant start = copies.stream().map(c -> c.start).filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
            Instant end = copies.stream().allMatch(c -> c.end != null)
                    ? copies.stream().map(c -> c.end).max(Comparator.naturalOrder()).orElseThrow() : null;
            return new TableStatistics(load.schema(), load.table(), copies.stream().mapToLong(c -> c.rows.get()).sum(), state(), start, end);
        }
    }

    private final class LocalTask {
        private final TaskPlan plan;
        private final List<TableRun> tables = new ArrayList<>();
        private volatile String status = "ready";
        private volatile String failure;
        private ExecutorService pool;
        private String taskId;

        LocalTask(TaskPlan plan, List<TableLoad> loads) {
            this.plan = plan;
            loads.forEach(load -> tables.add(new TableRun(load)));
        }

        synchronized void start(String taskId) {
            if (!status.equals("ready")) {
                return;
            }
            status = "running";
            this.taskId = taskId;
            int copies = tables.stream().mapToInt(t -> t.copies.size()).sum();
            pool = Executors.newFixedThreadPool(Math.min(plan.maxSubTasks(), Math.max(1, copies)), runnable -> {
                Thread thread = new Thread(runnable, "local-engine-" + taskId);
                thread.setDaemon(true);
                return thread;
            });
            for (TableRun table : tables) {
                for (CopyRun copy : table.copies) {
                    pool.submit(() -> load(table, copy));
                }
            }
            pool.shutdown();
        }

        /** Copies not begun are skipped and the loading threads interrupted; the task ends failed, "stopped". */
        synchronized void stop() {
            if (!status.equals("running")) {
                return;
            }
            failure = "stopped by the controller";
            pool.shutdownNow();
        }

        boolean awaitEnd(Duration wait) {
            ExecutorService running;
            synchronized (this) {
                running = pool;
            }
            try {
                return running == null || running.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        private void load(TableRun table, CopyRun run) {
            if (failure != null) {
                return;
            }
            run.state = FULL_LOAD;
            run.start = Instant.now();
            // staging first: a copy waiting for one of the (bounded) staging connections holds no source connection,
            // so the source pool always has some left for the catalog reads of tasks being created
            try (Connection staging = target.getConnection(); Connection source = source()) {
                synchronized (table) {
                    if (!table.prepared) {
                        run.copy.prepare(staging, plan.prepMode());
                        table.prepared = true;
                    }
                }
                run.copy.copy(source, staging, dialect, plan.commitRate(), properties.fetchSize(), run.rows);
                run.state = COMPLETED;
            } catch (SQLException | RuntimeException e) {
                run.state = ERROR;
                failure = "table " + table.load.schema() + "." + table.load.table()
                        + (table.copies.size() > 1 ? " (segment " + (table.copies.indexOf(run) + 1) + " of " + table.copies.size() + ")" : "")
                        + " failed: " + e.getMessage();
                log.warn("Local load {}", failure);
            } finally {
                run.end = Instant.now();
                finishIfDone();
            }
        }

        /** The listener is told outside this task's lock: it may wait for the controller, whose shutdown stops this task. */
        private void finishIfDone() {
            boolean done;
            synchronized (this) {
                done = tables.stream().flatMap(t -> t.copies.stream()).allMatch(c -> c.end != null || (failure != null && c.start == null));
                if (done) {
                    status = failure == null ? "stopped" : "failed";
                }
            }
            if (done) {
                taskEnded.accept(taskId);
            }
        }

        TaskStatus status() {
            long completed = tables.stream().filter(t -> t.state().equals(COMPLETED)).count();
            int percent = tables.isEmpty() ? 100 : (int) (completed * 100 / tables.size());
            return switch (status) {
                case "ready" -> new TaskStatus(TaskPhase.READY, status, 0, null);
                case "stopped" -> new TaskStatus(TaskPhase.FULL_LOAD_COMPLETE, status, 100, null);
                case "failed" -> new TaskStatus(TaskPhase.FAILED, status, percent, failure);
                default -> new TaskStatus(TaskPhase.RUNNING, status, percent, null);
            };
        }

        List<TableStatistics> statistics() {
            return tables.stream().map(TableRun::statistics).toList();
        }
    }
}
