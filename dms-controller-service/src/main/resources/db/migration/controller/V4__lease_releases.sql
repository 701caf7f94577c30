-- Leases ops released by hand (DELETE /api/leases/{stagingTable}): who, when, why, and the run that held the table.
CREATE TABLE lease_releases (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staging_table text        NOT NULL,
    request_id    text        NOT NULL REFERENCES runs (request_id),
    released_by   text        NOT NULL,
    reason        text        NOT NULL,
    released_at   timestamptz NOT NULL DEFAULT now()
);
