package dev.dmsflow.controller.engine.local;

import dev.dmsflow.support.jdbc.JdbcSource;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The local JDBC engine: the source it reads (Oracle through ojdbc11, or PostgreSQL); it writes the controller's
 * PostgreSQL (spring.datasource), where the staging tables are.
 *
 * @param source    {@code dmsflow.controller.local.source.url}, {@code .username}, {@code .password}
 * @param fetchSize rows fetched from the source per round trip: memory stays bounded whatever the table size
 */
@ConfigurationProperties("dmsflow.controller.local")
public record LocalEngineProperties(@NestedConfigurationProperty JdbcSource source, @DefaultValue("5000") int fetchSize) {
}
