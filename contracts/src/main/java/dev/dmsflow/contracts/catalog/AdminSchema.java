package dev.dmsflow.contracts.catalog;

/**
 * The {@code admin} schema users query (the seed's names), shared by three services, each owning its own objects in
 * it: merge-service's migrations create {@value #MERGE_LOGS} and {@code merge_summary}, validation-service's
 * {@code validation_runs} and {@code validation_checks}, and schema-service provisions the status views over them.
 * Its name is fixed: the owners' migrations create their tables in it, so a configurable name could only ever be
 * honoured by some of them.
 */
public final class AdminSchema {

    public static final String NAME = "admin";
    /** merge-service's audit of merged windows, one row per merged table; schema-service's status view reads it. */
    public static final String MERGE_LOGS = "merge_logs";

    private AdminSchema() {
    }
}
