package dev.dmsflow.controller.run;

import dev.dmsflow.controller.ControllerProperties;
import dev.dmsflow.controller.engine.ReplicationEngine;
import dev.dmsflow.controller.mapping.KeyRanges;
import dev.dmsflow.controller.mapping.ParallelLoadProperties;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import dev.dmsflow.controller.request.RequestResolver;
import dev.dmsflow.support.kafka.EventPublisher;
import java.time.Clock;
import dev.dmsflow.contracts.event.FailureStage;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class RunConfiguration {

    /** Outcomes and progress go to their topics; the broker has acknowledged each when publish returns. */
    @Bean
    ControllerEvents controllerEvents(EventPublisher publisher) {
        return event -> publisher.publish(event, Duration.ofSeconds(30));
    }

    @Bean
    ControllerInstance controllerInstance(JdbcTemplate jdbc, TransactionTemplate transactions, ReplicationEngine engine,
                                          ControllerProperties controller) {
        return new ControllerInstance(jdbc, transactions, engine, controller.instanceTimeout());
    }

    @Bean
    RunCoordinator runCoordinator(JdbcTemplate jdbc, TransactionTemplate transactions, RequestResolver resolver,
                                  ReplicationEngine engine, ControllerEvents events, TaskSettingsProperties taskSettings,
                                  ControllerProperties controller, ControllerInstance instance, ParallelLoadProperties parallelLoad,
                                  DataSource dataSource) {
        return new RunCoordinator(new RunStore(jdbc, transactions, instance.id(), instance.timeout()), resolver, engine, events, Clock.systemUTC(),
                new RunCoordinator.Settings(taskSettings, controller.progressInterval(), controller.maxEngineErrors(),
                        controller.sourceUpperCase(), controller.maxDeleteAttempts(), deadlines(controller.deadlines()),
                        controller.repair().maxRounds(), controller.repair().maxKeyConditions()),
                // production is in the controller's own database: its DataSource reads it
                new KeyRanges(dataSource, parallelLoad));
    }

    @Bean
    RunTicker runTicker(ControllerInstance instance, RunCoordinator coordinator, ReplicationEngine engine, ControllerProperties controller) {
        RunTicker ticker = new RunTicker(instance, coordinator, controller.pollInterval());
        engine.onTaskEnd(ticker::taskEnded);
        return ticker;
    }

    private static Map<FailureStage, Duration> deadlines(ControllerProperties.Deadlines deadlines) {
        Map<FailureStage, Duration> byStage = new EnumMap<>(FailureStage.class);
        byStage.put(FailureStage.LOAD, deadlines.load());
        byStage.put(FailureStage.STAGING, deadlines.stage());
        byStage.put(FailureStage.MERGE, deadlines.merge());
        byStage.put(FailureStage.VALIDATION, deadlines.validation());
        return byStage;
    }
}
