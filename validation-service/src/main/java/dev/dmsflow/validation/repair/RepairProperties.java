package dev.dmsflow.validation.repair;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param confirmDelay how long after a RepairRequested the confirm pass looks at the recorded keys again: CDC may still
 *                     be applying changes that settle some of them. Waited only when at least one table of the request
 *                     is CDC-fed by the migration catalog ({@code cdc: true}; a table it does not name, or no catalog,
 *                     counts as fed): a table without CDC has no lag to wait for
 */
@ConfigurationProperties("dmsflow.validation.repair")
record RepairProperties(@DefaultValue("PT5S") Duration confirmDelay) {

    RepairProperties {
        if (confirmDelay.isNegative()) {
            throw new IllegalArgumentException("dmsflow.validation.repair.confirm-delay must not be negative");
        }
    }
}
