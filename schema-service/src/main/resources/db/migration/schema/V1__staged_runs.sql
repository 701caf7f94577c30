-- schema-service's record of checked loads, written in the check's transaction: a redelivered FullLoadCompleted finds
-- it and republishes the recorded outcome (WindowStaged or TaskFailed, Avro single-object encoding) unchanged.
-- Keyed by attempt too: a run the controller retries (attempt + 1) after fixing drift is checked again.
CREATE TABLE staged_runs (
    request_id   text        NOT NULL,
    attempt      integer     NOT NULL,
    outcome_type text        NOT NULL,   -- WindowStaged or TaskFailed
    outcome      bytea       NOT NULL,
    checked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, attempt)
);
