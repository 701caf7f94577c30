package dev.dmsflow.merge;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import dev.dmsflow.merge.window.ChangeLogPruner;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/** Prunes the change logs of the catalog's tracked tables to the retention, on a schedule. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ChangeLogPruning {

    private static final Logger log = LoggerFactory.getLogger(ChangeLogPruning.class);

    private final ChangeLogPruner pruner;
    private final List<CatalogTable> tracked;
    private final MergeProperties properties;
    private final Clock clock = Clock.systemUTC();

    ChangeLogPruning(DataSource dataSource, ObjectProvider<MigrationCatalog> catalog, MergeProperties properties) {
        this.pruner = new ChangeLogPruner(dataSource);
        MigrationCatalog migrationCatalog = catalog.getIfAvailable();
        this.tracked = migrationCatalog == null ? List.of()
                : migrationCatalog.tables().values().stream().filter(CatalogTable::changeTracking).toList();
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${dmsflow.merge.change-log-prune-interval:1h}", initialDelayString = "${dmsflow.merge.change-log-prune-interval:1h}")
    void prune() {
        if (tracked.isEmpty()) {
            return;
        }
        try {
            long deleted = pruner.prune(tracked.stream().map(CatalogTable::production).toList(),
                    clock.instant().minus(properties.changeLogRetention()));
            log.info("Pruned {} change-log entries older than {} from {} tracked table(s)", deleted, properties.changeLogRetention(), tracked.size());
        } catch (SQLException e) {
            // the next round tries again; merges prune their own table's log meanwhile
            log.warn("Pruning the change logs failed: {}", e.getMessage());
        }
    }
}
