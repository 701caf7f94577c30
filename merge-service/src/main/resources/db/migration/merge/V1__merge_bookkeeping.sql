-- The audit tables users know from the seed (admin.merge_logs, admin.merge_summary), with what a run needs beside
-- the seed's columns, and merge-service's record of merged runs (its idempotency key).
CREATE SCHEMA IF NOT EXISTS admin;

CREATE TABLE IF NOT EXISTS admin.merge_logs (
    id                    bigserial PRIMARY KEY,
    table_name            varchar(200) NOT NULL,   -- seed: the target table
    merge_time            timestamptz  NOT NULL,   -- seed
    records_updated       bigint       NOT NULL,   -- seed
    records_inserted      bigint       NOT NULL,   -- seed
    records_skipped_stale bigint       NOT NULL,
    records_duplicate     bigint       NOT NULL,
    staged_rows           bigint       NOT NULL,
    full_load_rows        bigint       NOT NULL,
    request_id            text         NOT NULL,
    source_table          text         NOT NULL,   -- staging table, or the view of a multi-stage load
    window_from           timestamptz,
    window_to             timestamptz,
    duration_ms           bigint       NOT NULL
);
CREATE INDEX IF NOT EXISTS merge_logs_request_idx ON admin.merge_logs (request_id);
CREATE INDEX IF NOT EXISTS merge_logs_source_idx ON admin.merge_logs (source_table, merge_time);

CREATE TABLE IF NOT EXISTS admin.merge_summary (
    id          bigserial PRIMARY KEY,
    merge_start timestamptz NOT NULL,   -- seed
    merge_end   timestamptz NOT NULL,   -- seed
    status      varchar(20) NOT NULL,   -- seed: SUCCESS or FAILED
    notes       text,                   -- seed: what was merged, or the error
    request_id  text        NOT NULL,
    attempt     integer     NOT NULL,
    retryable   boolean                 -- FAILED rows: whether sending the run again may succeed
);
CREATE INDEX IF NOT EXISTS merge_summary_request_idx ON admin.merge_summary (request_id);

-- One row per merged run, written in the merge's transaction: a redelivered WindowStaged finds it and republishes
-- the recorded MergeCompleted (Avro single-object encoding) instead of merging again.
CREATE TABLE merge_runs (
    request_id      text        PRIMARY KEY,
    merge_completed bytea       NOT NULL,
    completed_at    timestamptz NOT NULL DEFAULT now()
);
