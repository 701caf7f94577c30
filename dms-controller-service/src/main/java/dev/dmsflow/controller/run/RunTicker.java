package dev.dmsflow.controller.run;

import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;

/**
 * Advances runs: a tick every poll interval on a thread of its own, and a lease pass at once, on the listener's thread,
 * when something a lease acts on arrived (a request was queued, an outcome gave leases back), so a request does not
 * wait a poll interval for its lease nor a queued run for the tick after its predecessor's outcome. Ticks may overlap,
 * as the ticks of several instances do: the run store's row locks keep their transitions apart, and a run takes one
 * step at a time. A tick hands each run's step to a few step threads and does not wait for them, so a slow engine call
 * of one run holds up no other.
 */
public final class RunTicker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RunTicker.class);

    /** How many runs advance at once; each holds a database connection while it does. */
    private static final int STEP_THREADS = 4;

    private final ControllerInstance instance;
    private final RunCoordinator coordinator;
    private final Duration pollInterval;
    private final Semaphore wake = new Semaphore(0);
    /** Local tasks that ended since the last tick: their runs take their step in the next one, whatever its kind. */
    private final Set<String> endedTasks = ConcurrentHashMap.newKeySet();
    private volatile Thread thread;
    private volatile ExecutorService steps;

    RunTicker(ControllerInstance instance, RunCoordinator coordinator, Duration pollInterval) {
        this.instance = instance;
        this.coordinator = coordinator;
        this.pollInterval = pollInterval;
    }

    /**
     * Leases what it can at once, on the calling thread (a listener's, after it recorded a request or gave leases
     * back): waking the tick thread for it cost a wake-up, and a wait behind a tick already under way (polling every
     * running task). Only when a shutdown holds the tick lock, or the lease pass fails, is it left to the tick thread;
     * the rest of a tick (retrying runs whose start failed) waits for the poll interval, as it does without any event.
     */
    public void tickNow() {
        try {
            if (steps != null && instance.tryTick(() -> coordinator.lease(this::step))) {
                return;
            }
        } catch (RuntimeException e) {
            logFailure(e);
        }
        wake.release();
    }

    /** Something a tick acts on changed (a repair round's run is STARTING): the tick thread ticks now. */
    public void wake() {
        wake.release();
    }

    private void step(Runnable step) {
        steps.execute(() -> logged(step));
    }

    /**
     * A local task ended: its run completes at once, from the ending thread, without a tick's lease and start queries
     * before it (under load they held a finished load back by hundreds of milliseconds). The thread never waits for the
     * tick lock (a shutdown holds it while it waits for this very thread to end): when a tick or the store is busy or
     * failing, the next tick does it. The completion runs on this thread, as a step would (a shutdown waits for it as
     * for the step threads: it waits for the loading threads).
     */
    void taskEnded(String taskId) {
        Queue<Runnable> completions = new ConcurrentLinkedQueue<>();
        try {
            if (steps != null && instance.tryTick(() -> coordinator.completeEnded(completions::add, Set.of(taskId)))) {
                // on this thread, whose load is done, after the tick lock is given back: when loads end while others
                // start, the step threads are busy creating tasks, and a finished load waited behind them (a step
                // that followed one under way is queued here too)
                for (Runnable completion = completions.poll(); completion != null; completion = completions.poll()) {
                    logged(completion);
                }
                return;
            }
        } catch (RuntimeException e) {
            logFailure(e);
        }
        endedTasks.add(taskId);
        wake.release();
    }

    @Override
    public void start() {
        AtomicInteger stepThreads = new AtomicInteger();
        steps = Executors.newFixedThreadPool(STEP_THREADS, runnable -> {
            Thread step = new Thread(runnable, "controller-step-" + stepThreads.incrementAndGet());
            step.setDaemon(true);
            return step;
        });
        Thread ticker = new Thread(this::loop, "controller-tick");
        ticker.setDaemon(true);
        thread = ticker;
        ticker.start();
    }

    /** Lets a running tick finish: interrupting it could cut an engine call or a COPY half-way. */
    @Override
    public void stop() {
        Thread ticker = thread;
        thread = null;
        if (ticker == null) {
            return;
        }
        wake.release();
        try {
            ticker.join(Duration.ofMinutes(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the run steps a last tick handed out finish before the instance stops its local tasks and gives up its runs
        steps.shutdown();
        try {
            steps.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    /** Stops before the instance gives up its heartbeat and runs (its phase is lower, so it stops after this). */
    @Override
    public int getPhase() {
        return ControllerInstance.PHASE + 1;
    }

    private static void logged(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            logFailure(e);
        }
    }

    private static void logFailure(RuntimeException e) {
        if (e instanceof DataAccessException) {
            // the run state is in the database: every step is taken again from it on the next tick once it is back
            log.warn("Tick cut short, the run store is unreachable (tried again next tick): {}", e.getMessage());
        } else {
            log.error("Tick failed (tried again next tick)", e);
        }
    }

    /**
     * A tick every poll interval does the housekeeping and polls every running task; one a wake brings about in between
     * (a task end or a lease pass that could not run at once) only leases, starts and completes the runs whose local
     * tasks ended, which is all a request, an outcome or a task end changes. Polling every running run on each wake
     * kept the step threads busy with runs that had not changed, and the run whose load had just ended waited behind
     * them.
     */
    private void loop() {
        long lastHousekeeping = System.nanoTime() - pollInterval.toNanos();
        while (thread == Thread.currentThread()) {
            boolean housekeeping = System.nanoTime() - lastHousekeeping >= pollInterval.toNanos();
            if (housekeeping) {
                lastHousekeeping = System.nanoTime();
            }
            Set<String> ended = Set.copyOf(endedTasks);
            endedTasks.removeAll(ended);
            try {
                instance.tick(() -> coordinator.tick(this::step, housekeeping, ended));
            } catch (RuntimeException e) {
                logFailure(e);
            }
            try {
                wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
