-- validation-service's idempotency marker: a requestId is recorded here in the same transaction as its results.
CREATE TABLE validation_service.processed_requests (
    request_id   text PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);

-- What users query: one row per validated run, one row per check. Other services create their tables in admin too.
CREATE SCHEMA IF NOT EXISTS admin;

CREATE TABLE admin.validation_runs (
    request_id      text PRIMARY KEY,
    outcome         text NOT NULL CHECK (outcome IN ('PASSED', 'FAILED', 'REJECTED')),
    kind            text NOT NULL,
    multi_stage     text,
    window_from     timestamptz,
    window_to       timestamptz,
    event_id        uuid NOT NULL,
    occurred_at     timestamptz NOT NULL,
    started_at      timestamptz NOT NULL,
    duration_millis bigint NOT NULL,
    failed_checks   integer NOT NULL,
    reason          text
);

CREATE TABLE admin.validation_checks (
    request_id  text NOT NULL REFERENCES admin.validation_runs ON DELETE CASCADE,
    ordinal     integer NOT NULL,
    table_name  text NOT NULL,
    check_name  text NOT NULL,
    passed      boolean NOT NULL,
    expected    text NOT NULL,
    actual      text NOT NULL,
    sample_keys text[] NOT NULL,
    in_flight   bigint NOT NULL,
    PRIMARY KEY (request_id, ordinal)
);

CREATE INDEX validation_runs_failed ON admin.validation_runs (occurred_at) WHERE outcome <> 'PASSED';
