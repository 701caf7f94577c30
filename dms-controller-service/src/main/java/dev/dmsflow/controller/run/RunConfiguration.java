package dev.dmsflow.controller.run;

import dev.dmsflow.controller.ControllerProperties;
import dev.dmsflow.controller.engine.ReplicationEngine;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import dev.dmsflow.controller.request.RequestResolver;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class RunConfiguration {

    @Bean
    RunCoordinator runCoordinator(JdbcTemplate jdbc, TransactionTemplate transactions, RequestResolver resolver,
                                  ReplicationEngine engine, ControllerEvents events, TaskSettingsProperties taskSettings,
                                  ControllerProperties controller) {
        return new RunCoordinator(new RunStore(jdbc, transactions), resolver, engine, events, Clock.systemUTC(),
                new RunCoordinator.Settings(taskSettings, controller.progressInterval(), controller.maxEngineErrors(),
                        controller.sourceUpperCase()));
    }
}
