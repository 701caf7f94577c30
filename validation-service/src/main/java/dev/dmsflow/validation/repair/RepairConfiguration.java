package dev.dmsflow.validation.repair;

import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.event.TableRepairResult;
import dev.dmsflow.support.run.RunSkeletons;
import dev.dmsflow.validation.check.Validator;
import dev.dmsflow.validation.run.ValidationRunner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RepairProperties.class)
class RepairConfiguration {

    @Bean
    RepairStore repairStore(JdbcTemplate jdbc) {
        return new RepairStore(jdbc);
    }

    @Bean
    RepairMetrics repairMetrics(ObjectProvider<MeterRegistry> registry) {
        MeterRegistry meters = registry.getIfAvailable();
        return meters == null ? RepairMetrics.NONE : new MicrometerRepairMetrics(meters);
    }

    @Bean
    OutOfSyncKeys outOfSyncKeys(Validator validator) {
        return new OutOfSyncKeys(validator);
    }

    @Bean
    RepairConfirm repairConfirm(RunSkeletons skeletons, OutOfSyncKeys outOfSync, RepairStore store,
                                RepairProperties properties, Validator validator, RepairMetrics metrics) {
        // the catalog's cdc, as validate-only's confirm pass reads it (a table it does not name counts as fed)
        return new RepairConfirm(skeletons, outOfSync, store, properties.confirmDelay(), validator::replicated, metrics,
                Clock.systemUTC());
    }

    @Bean
    RepairRevalidation repairRevalidation(RunSkeletons skeletons, ValidationRunner runner, RepairStore store,
                                          RepairMetrics metrics) {
        return new RepairRevalidation(skeletons, runner, store, metrics);
    }

    /** dmsflow.repair.*: keys planned and dropped, rows repaired per table and action, rounds by verdict, duration. */
    private record MicrometerRepairMetrics(MeterRegistry meters) implements RepairMetrics {

        @Override
        public void planned(String table, long keys, long dropped) {
            meters.counter("dmsflow.repair.keys", "table", table, "confirm", "kept").increment(keys);
            meters.counter("dmsflow.repair.keys", "table", table, "confirm", "dropped").increment(dropped);
        }

        @Override
        public void completed(RepairCompleted completed) {
            for (TableRepairResult table : completed.getTables()) {
                rows(table.getTable(), "inserted", table.getInserted());
                rows(table.getTable(), "updated", table.getUpdated());
                rows(table.getTable(), "deleted", table.getDeleted());
                rows(table.getTable(), "kept_absent", table.getKeptAbsent());
                rows(table.getTable(), "skipped_cdc", table.getSkippedCdc());
            }
            meters.counter("dmsflow.repair.rounds", "healed", Boolean.toString(completed.getHealed())).increment();
            Timer.builder("dmsflow.repair.duration").register(meters)
                    .record(Duration.ofMillis(completed.getDurationMillis()));
        }

        private void rows(String table, String action, long rows) {
            meters.counter("dmsflow.repair.rows", "table", table, "action", action).increment(rows);
        }
    }
}
