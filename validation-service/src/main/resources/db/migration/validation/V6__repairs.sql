-- Repair rounds. The confirm pass (RepairRequested -> RepairPlanned) is a run skeleton stage of its own: its outcome
-- has the failed validation's (request_id, attempt), whose ValidationFailed validation_outcomes already holds.
CREATE TABLE validation_service.repair_outcomes (
    request_id   text        NOT NULL,
    attempt      integer     NOT NULL,
    outcome_type text        NOT NULL,   -- RepairPlanned or TaskFailed
    outcome      bytea       NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, attempt)
);
-- A re-validation ends in two events: its verdict is validation_outcomes' row, its RepairCompleted is recorded here in
-- the same transaction and published before the verdict, on every delivery.
CREATE TABLE validation_service.repair_completions (
    request_id  text        NOT NULL,
    attempt     integer     NOT NULL,
    outcome     bytea       NOT NULL,   -- RepairCompleted, Avro single-object encoding
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (request_id, attempt)
);

-- The confirmed plan of each round, for ops' dry run (GET /api/validations/{requestId}/repair-plan). Not tied to
-- admin.validation_runs, whose row each re-validation replaces.
CREATE TABLE admin.repair_rounds (
    request_id   text        NOT NULL,
    round        integer     NOT NULL,
    attempt      integer     NOT NULL,   -- the failed attempt the keys come from
    requested_by text        NOT NULL,
    requested_at timestamptz NOT NULL,   -- RepairRequested's occurredAt: a round's duration runs from it
    planned_at   timestamptz NOT NULL,
    PRIMARY KEY (request_id, round)
);
CREATE TABLE admin.repair_plan_tables (
    request_id   text    NOT NULL,
    round        integer NOT NULL,
    table_name   text    NOT NULL,   -- catalog name
    deletes      boolean NOT NULL,   -- the catalog allows the repair to delete what the source lacks
    dropped_keys bigint  NOT NULL,   -- recorded keys the confirm found in sync or changed by CDC
    lower_bounds text[]  NOT NULL,   -- the recorded key ranges, reloaded whole: [lower, upper), NULL unbounded
    upper_bounds text[]  NOT NULL,
    PRIMARY KEY (request_id, round, table_name),
    FOREIGN KEY (request_id, round) REFERENCES admin.repair_rounds ON DELETE CASCADE
);
CREATE TABLE admin.repair_plans (
    request_id text    NOT NULL,
    round      integer NOT NULL,
    table_name text    NOT NULL,
    position   integer NOT NULL,   -- key order
    key_text   text    NOT NULL,
    action     text    NOT NULL CHECK (action IN ('load', 'delete')),   -- delete: the source lacks the key
    columns    text[]  NOT NULL,   -- for a key both hold: the columns that differ
    PRIMARY KEY (request_id, round, table_name, position),
    FOREIGN KEY (request_id, round, table_name) REFERENCES admin.repair_plan_tables ON DELETE CASCADE
);
