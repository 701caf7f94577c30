package dev.dmsflow.controller;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param engine           {@code aws-dms}: tasks run on AWS DMS (dmsflow.controller.dms.*); {@code local-jdbc}: on
 *                         dmsflow's own JDBC engine (dmsflow.controller.local.*), which honours the same task documents
 * @param pollInterval     how often unfinished runs are advanced (task status polled, queued runs started)
 * @param progressInterval minimum time between two TaskProgress events of one run
 * @param maxEngineErrors  consecutive transient engine errors (throttling left after the client's retries, 5xx,
 *                         network) a run survives before it fails with a retryable TaskFailed; a successful poll
 *                         starts the count again
 * @param sourceUpperCase  the source folds unquoted names to upper case (Oracle): catalog column names, which are
 *                         PostgreSQL's, are upper-cased where a DMS document names a source column
 * @param maxDeleteAttempts attempts, one per poll, to delete a finished run's task before the controller gives up
 *                         (logged; the task is then to be deleted by hand); the run keeps its status meanwhile
 * @param deadlines        how long a run may go without progress in each stage
 * @param instanceTimeout  how old a controller instance's heartbeat may get before another instance takes over its
 *                         loading runs (a local-engine task is then loaded again); the heartbeat is refreshed every
 *                         fifth of it, and an instance that cannot refresh it for half of it stops its local tasks
 * @param requestTimeout   how long POST /api/reloads and retries wait for the run store and the broker before they
 *                         answer 503
 * @param repair           repair rounds of runs whose validation failed with differences a targeted reload can fix
 */
@ConfigurationProperties("dmsflow.controller")
public record ControllerProperties(@DefaultValue("aws-dms") EngineKind engine,
                            @DefaultValue("5s") Duration pollInterval,
                            @DefaultValue("10s") Duration progressInterval,
                            @DefaultValue("10") int maxEngineErrors,
                            @DefaultValue("true") boolean sourceUpperCase,
                            @DefaultValue("20") int maxDeleteAttempts,
                            @DefaultValue Deadlines deadlines,
                            @DefaultValue("20s") Duration instanceTimeout,
                            @DefaultValue("10s") Duration requestTimeout,
                            @DefaultValue Repair repair) {

    /**
     * A run with no progress for longer than its stage's deadline fails with TaskFailed of that stage and releases its
     * leases, so a lost outcome cannot hold its tables forever.
     *
     * @param load       leased to FullLoadCompleted: progress is a change of the task's status, percentage or rows
     * @param stage      FullLoadCompleted to WindowStaged
     * @param merge      WindowStaged to MergeCompleted
     * @param validation MergeCompleted to ValidationPassed or ValidationFailed
     */
    public record Deadlines(@DefaultValue("6h") Duration load, @DefaultValue("1h") Duration stage,
                            @DefaultValue("1h") Duration merge, @DefaultValue("1h") Duration validation) {
    }

    /**
     * @param maxRounds        repair rounds a run may take (repair: auto) before its failed validation ends it; a
     *                         POST /api/runs/{id}/repair is one more round whatever the count
     * @param maxKeyConditions keys per table a repair task selects one by one ({@code eq} conditions of one filter);
     *                         more are selected as as many {@code between} ranges of consecutive keys
     */
    public record Repair(@DefaultValue("3") int maxRounds, @DefaultValue("1000") int maxKeyConditions) {
    }
}
