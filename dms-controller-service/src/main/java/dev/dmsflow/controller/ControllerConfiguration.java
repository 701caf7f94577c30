package dev.dmsflow.controller;

import com.zaxxer.hikari.HikariDataSource;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.controller.engine.ReplicationEngine;
import dev.dmsflow.controller.engine.dms.AwsDmsEngine;
import dev.dmsflow.controller.engine.dms.DmsProperties;
import dev.dmsflow.controller.engine.local.LocalEngineProperties;
import dev.dmsflow.controller.engine.local.LocalJdbcEngine;
import dev.dmsflow.controller.mapping.ParallelLoadProperties;
import dev.dmsflow.controller.mapping.TaskSettingsProperties;
import dev.dmsflow.controller.request.RequestResolver;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.databasemigration.DatabaseMigrationClient;
import software.amazon.awssdk.services.databasemigration.DatabaseMigrationClientBuilder;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ControllerProperties.class, DmsProperties.class, LocalEngineProperties.class, TaskSettingsProperties.class,
        ParallelLoadProperties.class})
class ControllerConfiguration {

    @Bean
    RequestResolver requestResolver(ObjectProvider<MigrationCatalog> catalog) {
        // without a catalog every request is rejected, saying why, instead of the service refusing to start
        return new RequestResolver(catalog.getIfAvailable(() ->
                new MigrationCatalog("(none: set dmsflow.catalog.location)", Map.of(), Map.of())));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEngine(EngineKind.AWS_DMS)
    static class AwsDms {
        @Bean
        ReplicationEngine replicationEngine(DmsProperties dms) {
            return new AwsDmsEngine(memoized(() -> dmsClient(dms)), memoized(() -> cloudWatchClient(dms)), dms);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEngine(EngineKind.LOCAL_JDBC)
    static class LocalJdbc {
        /**
         * The local engine's own connections to the staging database. A load holds one per table for the whole copy, so
         * on the service's pool a few parallel loads would leave the heartbeat, the ticks and the listeners waiting (and
         * an instance whose heartbeat cannot reach the database stops its loads). Loads beyond its size wait for one.
         */
        @Bean
        LocalEngineConnections localEngineConnections(DataSource dataSource, TaskSettingsProperties taskSettings) {
            HikariDataSource pool = DataSourceBuilder.derivedFrom(dataSource).type(HikariDataSource.class).build();
            pool.setPoolName("local-engine");
            pool.setMaximumPoolSize(Math.max(8, 2 * taskSettings.maxFullLoadSubTasks()));
            pool.setConnectionTimeout(Duration.ofMinutes(30).toMillis());
            return new LocalEngineConnections(pool);
        }

        @Bean
        ReplicationEngine replicationEngine(LocalEngineProperties local, LocalEngineConnections connections) {
            return new LocalJdbcEngine(local, connections.pool(), connections.pool().getMaximumPoolSize());
        }
    }

    /** Closed with the context, after the engine's tasks were abandoned. */
    record LocalEngineConnections(HikariDataSource pool) implements AutoCloseable {
        @Override
        public void close() {
            pool.close();
        }
    }

    private static DatabaseMigrationClient dmsClient(DmsProperties dms) {
        DatabaseMigrationClientBuilder builder = DatabaseMigrationClient.builder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(dms.maxAttempts()).build()));
        if (dms.region() != null && !dms.region().isBlank()) {
            builder.region(Region.of(dms.region()));
        }
        if (dms.endpointOverride() != null) {
            builder.endpointOverride(dms.endpointOverride());
        }
        return builder.build();
    }

    private static CloudWatchClient cloudWatchClient(DmsProperties dms) {
        CloudWatchClientBuilder builder = CloudWatchClient.builder()
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(dms.maxAttempts()).build()));
        if (dms.region() != null && !dms.region().isBlank()) {
            builder.region(Region.of(dms.region()));
        }
        if (dms.cloudwatchEndpointOverride() != null) {
            builder.endpointOverride(dms.cloudwatchEndpointOverride());
        }
        return builder.build();
    }

    private static <T> Supplier<T> memoized(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = supplier.get();
                }
                return value;
            }
        };
    }
}
