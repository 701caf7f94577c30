-- A VALIDATE_ONLY run reads its tables (source and production) and writes none: it holds read leases, which any number
-- of validate-only runs share and no load may take while they are held (a load waits for them, as for a write lease).
-- Leases of either kind are taken under one advisory lock, so a load and a validate-only run never lease a table at once.
CREATE TABLE table_read_leases (
    staging_table text        NOT NULL,
    request_id    text        NOT NULL REFERENCES runs (request_id),
    acquired_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (staging_table, request_id)
);
CREATE INDEX table_read_leases_request_idx ON table_read_leases (request_id);
