-- ops-console's read model. Every event is kept once (by eventId); a run's row and its tables' rows are worked out
-- again from all its events whenever one arrives, so order, duplicates and redeliveries do not change the result.

CREATE TABLE events (
    event_id     text PRIMARY KEY,
    request_id   text        NOT NULL,
    event_type   text        NOT NULL,
    topic        text        NOT NULL,
    attempt      int         NOT NULL,
    occurred_at  timestamptz NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    -- the event as Avro single-object encoding: decoded again by the contracts' serde (schema by fingerprint)
    payload      bytea       NOT NULL
);
CREATE INDEX events_request_id_idx ON events (request_id);
CREATE INDEX events_alerts_idx ON events (occurred_at DESC) WHERE event_type IN ('TaskFailed', 'ValidationFailed');

CREATE TABLE runs (
    request_id    text PRIMARY KEY,
    kind          text,
    tables        text[]      NOT NULL,
    window_from   timestamptz,
    window_to     timestamptz,
    requested_by  text,
    attempt       int         NOT NULL,
    stage         text        NOT NULL,
    status        text        NOT NULL,
    requested_at  timestamptz NOT NULL,
    finished_at   timestamptz,
    duration_ms   bigint,
    last_event_at timestamptz NOT NULL,
    holds_leases  boolean     NOT NULL
);
CREATE INDEX runs_requested_at_idx ON runs (requested_at DESC, request_id);
CREATE INDEX runs_tables_idx ON runs USING gin (tables);

CREATE TABLE run_tables (
    request_id  text   NOT NULL REFERENCES runs ON DELETE CASCADE,
    table_name  text   NOT NULL,
    loaded      bigint,
    staged      bigint,
    inserted    bigint,
    updated     bigint,
    stale       bigint,
    duplicates  bigint,
    deleted     bigint,
    merged_at   timestamptz,
    validation  text,
    PRIMARY KEY (request_id, table_name)
);

-- one row per dead-lettered record, whichever consumer group dead-lettered it (each group that gives up on a record
-- publishes it again): the original topic, partition and offset name it
CREATE TABLE dead_letters (
    original_topic     text        NOT NULL,
    original_partition int         NOT NULL,
    original_offset    bigint      NOT NULL,
    dlt_topic          text        NOT NULL,
    record_key         text,
    reason             text,
    exception          text,
    dead_lettered_at   timestamptz NOT NULL,
    PRIMARY KEY (original_topic, original_partition, original_offset)
);
CREATE INDEX dead_letters_at_idx ON dead_letters (dead_lettered_at DESC);
