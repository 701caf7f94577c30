package dev.dmsflow.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param pageSize     runs per page when the caller names no size
 * @param maxPageSize  the most runs one page may hold (a larger {@code size} is cut to it)
 * @param recentAlerts alerts and dead-letter records the alerts page lists
 * @param feedTimeout  how long one live alert feed (server-sent events) stays open; the browser reconnects after it
 * @param mergedDays   days of "rows merged per day" the tables page shows
 */
@ConfigurationProperties("dmsflow.console")
public record ConsoleProperties(@DefaultValue("50") int pageSize,
                                @DefaultValue("200") int maxPageSize,
                                @DefaultValue("100") int recentAlerts,
                                @DefaultValue("30m") Duration feedTimeout,
                                @DefaultValue("14") int mergedDays) {
}
