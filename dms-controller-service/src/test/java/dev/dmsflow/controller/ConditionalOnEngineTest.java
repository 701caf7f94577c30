package dev.dmsflow.controller;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ConditionalOnEngineTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Engines.class);

    @Test
    void awsDmsUnlessTheLocalEngineIsConfigured() {
        context.run(c -> assertThat(c).hasSingleBean(String.class).getBean(String.class).isEqualTo("aws"));
        context.withPropertyValues("dmsflow.controller.engine=aws-dms")
                .run(c -> assertThat(c.getBean(String.class)).isEqualTo("aws"));
    }

    @Test
    void theLocalEngineInEitherSpelling() {
        context.withPropertyValues("dmsflow.controller.engine=local-jdbc")
                .run(c -> assertThat(c).hasSingleBean(String.class).getBean(String.class).isEqualTo("local"));
        context.withPropertyValues("dmsflow.controller.engine=LOCAL_JDBC")
                .run(c -> assertThat(c.getBean(String.class)).isEqualTo("local"));
    }

    @Test
    void anUnknownEngineStopsTheStartNamingTheProperty() {
        context.withPropertyValues("dmsflow.controller.engine=goldengate")
                .run(c -> assertThat(c).hasFailed().getFailure().hasStackTraceContaining("dmsflow.controller.engine")
                        .hasStackTraceContaining("goldengate"));
    }

    @Configuration(proxyBeanMethods = false)
    static class Engines {
        @Bean
        @ConditionalOnEngine(EngineKind.AWS_DMS)
        String aws() {
            return "aws";
        }

        @Bean
        @ConditionalOnEngine(EngineKind.LOCAL_JDBC)
        String local() {
            return "local";
        }
    }
}
