package dev.dmsflow.controller.run;

import dev.dmsflow.controller.engine.ReplicationEngine;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * This controller instance among any number of others on one database: its heartbeat row in
 * {@code dms_controller.controller_instances}, beaten on a thread of its own (the tick thread may be busy in a long
 * engine call), and the ticks it runs. Peers take over its loading runs once the heartbeat is older than the instance
 * timeout. The heartbeat is only as good as the local tasks behind it: an instance that cannot beat for half the timeout
 * stops its local tasks before a peer may claim their runs, and ticks again only with a fresh beat. Shutting down, it
 * lets the running tick finish, stops its local tasks and waits for their COPY sessions to end, and only then gives up
 * its heartbeat and its runs, so a peer takes them over at its next tick.
 */
final class ControllerInstance implements SmartLifecycle {

    /** Its lifecycle phase: it starts before and stops after the {@link RunTicker} that ticks through it. */
    static final int PHASE = Integer.MAX_VALUE - 1;
    private static final Logger log = LoggerFactory.getLogger(ControllerInstance.class);

    private final String id = ManagementFactory.getRuntimeMXBean().getName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ReplicationEngine engine;
    private final Duration timeout;
    /**
     * Ticks hold it shared (the tick thread, a listener thread ticking at once, a loading thread completing its run: the
     * run store's row locks keep their transitions apart, as they keep other instances'); shutdown holds it exclusively.
     */
    private final ReentrantReadWriteLock ticking = new ReentrantReadWriteLock();
    private volatile ScheduledExecutorService heartbeat;
    private volatile boolean closing;
    /** System.nanoTime() of the last beat the database took; 0 before the first. */
    private volatile long lastBeat;
    private volatile boolean fenced;

    ControllerInstance(JdbcTemplate jdbc, TransactionTemplate transactions, ReplicationEngine engine, Duration timeout) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.engine = engine;
        this.timeout = timeout;
    }

    String id() {
        return id;
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * Runs a tick unless this instance is shutting down or its heartbeat is stale (peers may be taking over its runs).
     * The tick holds a lock that shutdown waits for, so no tick starts a task after the local tasks were stopped.
     */
    void tick(Runnable tick) {
        ticking.readLock().lock();
        try {
            if (closing || !fresh()) {
                return;
            }
            tick.run();
        } finally {
            ticking.readLock().unlock();
        }
    }

    /**
     * {@link #tick} unless a shutdown holds the lock right now; false when one did (then nothing ran). For callers that
     * must not wait for it: a local task's loading thread, which a shutdown waits for while holding it, and listener
     * threads, which a shutdown stops.
     */
    boolean tryTick(Runnable tick) {
        if (!ticking.readLock().tryLock()) {
            return false;
        }
        try {
            if (!closing && fresh()) {
                tick.run();
            }
            return true;
        } finally {
            ticking.readLock().unlock();
        }
    }

    @Override
    public void start() {
        closing = false;
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "controller-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, timeout.toMillis() / 5);
        executor.scheduleWithFixedDelay(this::beat, 0, period, TimeUnit.MILLISECONDS);
        heartbeat = executor;
        log.info("Controller instance {} started (instance timeout {})", id, timeout);
    }

    @Override
    public void stop() {
        closing = true;
        ticking.writeLock().lock();
        try {
            stopHeartbeat();
            try {
                engine.abandonLocalTasks();
            } catch (RuntimeException e) {
                // peers take over once the heartbeat times out, not before: a COPY of ours may still be writing
                log.error("Controller instance {}: its local tasks did not stop; peers take over after the instance timeout", id, e);
                return;
            }
            transactions.executeWithoutResult(tx -> {
                jdbc.update("UPDATE dms_controller.runs SET owner = NULL WHERE owner = ?", id);
                jdbc.update("DELETE FROM dms_controller.controller_instances WHERE instance_id = ?", id);
            });
            log.info("Controller instance {} stopped and gave up its runs", id);
        } catch (RuntimeException e) {
            log.warn("Controller instance {} could not give up its runs (peers take over after the instance timeout): {}", id, e.getMessage());
        } finally {
            ticking.writeLock().unlock();
        }
    }

    @Override
    public boolean isRunning() {
        return heartbeat != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    private void stopHeartbeat() {
        ScheduledExecutorService executor = heartbeat;
        heartbeat = null;
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            // a beat in flight must not write the row again after it is deleted
            executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void beat() {
        try {
            jdbc.update("INSERT INTO dms_controller.controller_instances (instance_id) VALUES (?)"
                    + " ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now()", id);
            lastBeat = System.nanoTime();
            if (fenced) {
                fenced = false;
                log.info("Controller instance {}: heartbeat back", id);
            }
        } catch (RuntimeException e) {
            log.warn("Controller instance {}: heartbeat failed: {}", id, e.getMessage());
            if (!fresh() && !fenced && !closing) {
                fenced = true;
                log.warn("Controller instance {}: no heartbeat for {}; stopping its local tasks before peers take over", id,
                        timeout.dividedBy(2));
                abandonLocalTasks();
            }
        }
    }

    private void abandonLocalTasks() {
        try {
            engine.abandonLocalTasks();
        } catch (RuntimeException e) {
            log.error("Controller instance {}: its local tasks did not stop", id, e);
        }
    }

    /** A beat reached the database within half the timeout: peers cannot have taken this instance's runs. */
    private boolean fresh() {
        long last = lastBeat;
        return last != 0 && System.nanoTime() - last < timeout.toNanos() / 2;
    }
}
