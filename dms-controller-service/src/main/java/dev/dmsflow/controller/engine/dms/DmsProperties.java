package dev.dmsflow.controller.engine.dms;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The AWS DMS engine. Credentials and, unless set here, the region come from the AWS SDK's default provider chains.
 *
 * @param region                the AWS region of the replication instance; unset: the SDK's default region chain
 * @param replicationInstanceArn the replication instance the tasks run on
 * @param sourceEndpointArn     the DMS endpoint of the Oracle source
 * @param targetEndpointArn     the DMS endpoint of the PostgreSQL staging database
 * @param endpointOverride      another DMS endpoint (a VPC endpoint, or a stub in tests)
 * @param maxAttempts           attempts of a throttled or 5xx call, with the SDK's standard backoff
 * @param deleteTaskWhenDone    delete a full-load task once its statistics are read
 * @param cdcLatencyMetrics     read a replicating task's CDC latency from CloudWatch (needs cloudwatch:GetMetricData)
 * @param cloudwatchEndpointOverride another CloudWatch endpoint (a VPC endpoint, or a stub in tests)
 */
@ConfigurationProperties("dmsflow.controller.dms")
public record DmsProperties(String region,
                            URI endpointOverride,
                            String replicationInstanceArn,
                            String sourceEndpointArn,
                            String targetEndpointArn,
                            @DefaultValue("5") int maxAttempts,
                            @DefaultValue("true") boolean deleteTaskWhenDone,
                            @DefaultValue("true") boolean cdcLatencyMetrics,
                            URI cloudwatchEndpointOverride) {
}
