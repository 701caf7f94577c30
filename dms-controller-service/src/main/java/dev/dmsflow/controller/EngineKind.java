package dev.dmsflow.controller;

/**
 * Where the controller's tasks run ({@code dmsflow.controller.engine}); written {@code aws-dms} or {@code local-jdbc}
 * (Spring's lenient enum binding also takes {@code AWS_DMS}). Exactly one engine's beans exist, chosen by
 * {@link ConditionalOnEngine}.
 */
public enum EngineKind {
    /** AWS DMS through the AWS SDK v2: the replication instance and endpoints of {@code dmsflow.controller.dms.*}. */
    AWS_DMS,
    /** dmsflow's own JDBC engine ({@code dmsflow.controller.local.*}), honouring the same task documents. */
    LOCAL_JDBC
}
