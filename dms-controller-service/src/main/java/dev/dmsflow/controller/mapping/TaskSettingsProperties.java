package dev.dmsflow.controller.mapping;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * DMS task settings of the tasks the controller creates; defaults are the seed's, except the prep mode (below).
 *
 * @param targetTablePrepMode TRUNCATE_BEFORE_LOAD by default, not the seed's DO_NOTHING: a run's staging table then
 *                            holds exactly that run's rows, so a retried run starts clean, staged counts match
 *                            FullLoadRows, and staging does not grow with every window
 * @param maxFullLoadSubTasks tables loaded in parallel ({@code FullLoadSettings.MaxFullLoadSubTasks})
 * @param commitRate          rows per commit of a full load ({@code FullLoadSettings.CommitRate})
 * @param transactionConsistencyTimeout seconds DMS waits for open source transactions before the full load
 *                            ({@code FullLoadSettings.TransactionConsistencyTimeout})
 * @param supportLobs         load LOB columns ({@code TargetMetadata.SupportLobs})
 * @param fullLobMode         load LOBs whole, piece by piece (slow; {@code TargetMetadata.FullLobMode})
 * @param lobChunkSize        KB per LOB piece in full LOB mode ({@code TargetMetadata.LobChunkSize})
 * @param limitedSizeLobMode  truncate LOBs to {@code lobMaxSize} (fast; {@code TargetMetadata.LimitedSizeLobMode})
 * @param lobMaxSize          KB a LOB is truncated to in limited-size LOB mode ({@code TargetMetadata.LobMaxSize})
 * @param enableLogging       CloudWatch logging of the task ({@code Logging.EnableLogging})
 */
@ConfigurationProperties("dmsflow.controller.task-settings")
public record TaskSettingsProperties(@DefaultValue("TRUNCATE_BEFORE_LOAD") String targetTablePrepMode,
                                     @DefaultValue("8") int maxFullLoadSubTasks,
                                     @DefaultValue("10000") int commitRate,
                                     @DefaultValue("600") int transactionConsistencyTimeout,
                                     @DefaultValue("true") boolean supportLobs,
                                     @DefaultValue("false") boolean fullLobMode,
                                     @DefaultValue("64") int lobChunkSize,
                                     @DefaultValue("true") boolean limitedSizeLobMode,
                                     @DefaultValue("32") int lobMaxSize,
                                     @DefaultValue("true") boolean enableLogging) {
}
