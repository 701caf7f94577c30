package dev.dmsflow.console.runs;

import dev.dmsflow.console.alerts.AlertRaised;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
class RunsConfiguration {

    /** New alerts go out as {@link AlertRaised} inside the event's transaction; the live feed sends them once it commits. */
    @Bean
    ReadModel readModel(RunStore store, ApplicationEventPublisher events, RunMetrics metrics) {
        return new ReadModel(store, alert -> events.publishEvent(new AlertRaised(alert)), metrics::ended);
    }
}
