package dev.dmsflow.support.run;

import java.time.Clock;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;

/** Makes a service's {@link RunSkeleton}s with the shared database, retry policy and outcome publication. */
public final class RunSkeletons {

    private final DataSource dataSource;
    private final RetryPolicy retry;
    private final OutcomeSink publisher;
    private final Clock clock;

    public RunSkeletons(DataSource dataSource, RetryPolicy retry, OutcomeSink publisher, Clock clock) {
        this.dataSource = dataSource;
        this.retry = retry;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** A skeleton publishing its outcomes with the shared publisher. */
    public <E extends SpecificRecord> RunSkeleton<E> create(RunSkeleton.Stage stage, StageWork<E> work) {
        return create(stage, work, publisher);
    }

    /** A skeleton publishing its outcomes through {@code sink} (which may wrap {@link #publisher()}, e.g. to count them). */
    public <E extends SpecificRecord> RunSkeleton<E> create(RunSkeleton.Stage stage, StageWork<E> work, OutcomeSink sink) {
        return new RunSkeleton<>(dataSource, stage, work, sink, retry, clock);
    }

    /** Publishes an outcome to its topic within {@code dmsflow.kafka.publish-timeout}. */
    public OutcomeSink publisher() {
        return publisher;
    }
}
