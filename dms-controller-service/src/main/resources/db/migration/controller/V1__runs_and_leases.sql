-- One row per run (requestId), driving its task from request to outcome; the state survives restarts, so a new
-- instance resumes polling where the last one stopped.
CREATE TABLE runs (
    request_id        text        PRIMARY KEY,
    kind              text        NOT NULL,
    requested_by      text        NOT NULL,
    multi_stage       text,
    window_from       timestamptz,
    window_to         timestamptz,
    tables            jsonb       NOT NULL,  -- the resolved tables (TableRef fields and window precision)
    staging_tables    text[]      NOT NULL,  -- what the run leases
    status            text        NOT NULL,  -- QUEUED, STARTING, RUNNING, LOADED, COMPLETED, FAILED
    engine            text        NOT NULL,
    migration_type    text        NOT NULL,
    task_id           text,
    task_arn          text,
    task_status       text,
    progress          integer     NOT NULL DEFAULT 0,
    statistics        jsonb,
    failure           text,
    engine_errors     integer     NOT NULL DEFAULT 0,
    -- the outcome event (FullLoadCompleted or TaskFailed, Avro single-object encoding), stored with the state change
    -- and published after it: a crash in between republishes the same event instead of losing it
    outcome           bytea,
    outcome_published boolean     NOT NULL DEFAULT true,
    attempt           integer     NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    loaded_at         timestamptz,
    finished_at       timestamptz,
    last_progress_at  timestamptz
);
CREATE INDEX runs_active_idx ON runs (created_at) WHERE status IN ('QUEUED', 'STARTING', 'RUNNING');

-- A staging table is loaded, merged and validated by one run at a time: held from load start to the run's outcome.
CREATE TABLE table_leases (
    staging_table text        PRIMARY KEY,
    request_id    text        NOT NULL REFERENCES runs (request_id),
    acquired_at   timestamptz NOT NULL DEFAULT now()
);
