-- The run skeleton's outcome table (service-support RunSkeleton): the outcome event as published, per (request_id,
-- attempt), so a redelivery republishes it and a retried run (attempt + 1) is validated again. It replaces
-- processed_requests, which was keyed by request_id alone.
CREATE TABLE validation_service.validation_outcomes (
    request_id   text        NOT NULL,
    attempt      integer     NOT NULL,
    outcome_type text        NOT NULL,   -- ValidationPassed, ValidationFailed or TaskFailed
    outcome      bytea       NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, attempt)
);
DROP TABLE validation_service.processed_requests;

-- The attempt users see: admin.validation_runs holds the latest validated attempt of a run.
ALTER TABLE admin.validation_runs ADD COLUMN attempt integer NOT NULL DEFAULT 1;
