package dev.dmsflow.support.kafka;

import dev.dmsflow.support.jdbc.TransientFaults;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.listener.BackOffHandler;
import org.springframework.kafka.listener.ContainerPausingBackOffHandler;
import org.springframework.kafka.listener.DefaultBackOffHandler;
import org.springframework.kafka.listener.ListenerContainerPauseService;
import org.springframework.kafka.listener.ListenerContainerRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Waits out the error handler's back-offs. A record failing because the database is unreachable waits without limit,
 * longer than {@code max.poll.interval.ms} at the end: the container is paused for the back-off instead of its thread
 * sleeping, so the consumer keeps polling (nothing, while paused) and stays in its group, and resumed by a scheduler
 * afterwards. Other back-offs are bounded and short: the thread sleeps, as by default. A container that is stopping
 * is not paused (nothing would resume it): its consumer is closing, and the record, not committed, goes to another.
 */
final class OutageBackOffHandler implements BackOffHandler, DisposableBean {

    private final BackOffHandler sleeping = new DefaultBackOffHandler();
    private final ThreadPoolTaskScheduler resumes = new ThreadPoolTaskScheduler();
    private final BackOffHandler pausing;
    private volatile boolean closed;

    OutageBackOffHandler(ListenerContainerRegistry registry) {
        resumes.setThreadNamePrefix("dmsflow-consumer-resume-");
        resumes.setDaemon(true);
        resumes.initialize();
        pausing = new ContainerPausingBackOffHandler(new ListenerContainerPauseService(registry, resumes));
    }

    @Override
    public void onNextBackOff(@Nullable MessageListenerContainer container, @Nullable Exception exception, long nextBackOff) {
        if (exception != null && TransientFaults.isTransientFailure(exception) && container != null && container.isRunning() && !closed) {
            pausing.onNextBackOff(container, exception, nextBackOff);
        } else {
            // returns at once when the container is stopping
            sleeping.onNextBackOff(container, exception, nextBackOff);
        }
    }

    @Override
    public void onNextBackOff(MessageListenerContainer container, TopicPartition partition, long nextBackOff) {
        pausing.onNextBackOff(container, partition, nextBackOff);
    }

    @Override
    public void destroy() {
        closed = true;
        resumes.shutdown();
    }
}
