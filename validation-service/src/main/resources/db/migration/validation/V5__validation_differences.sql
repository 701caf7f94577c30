-- Every offending key a failed check kept (up to sample-keys + repair-keys per table and check, in key order), so a
-- repair can target exactly them and ops can list them all; validation_checks.sample_keys are the first of them.
CREATE TABLE admin.validation_differences (
    request_id text    NOT NULL REFERENCES admin.validation_runs ON DELETE CASCADE,
    ordinal    integer NOT NULL,   -- the check's, as in admin.validation_checks
    position   integer NOT NULL,   -- the key's place in key order
    key_text   text    NOT NULL,
    PRIMARY KEY (request_id, ordinal, position)
);
-- How many keys the check kept: fewer than it counted (actual) when the cap was reached.
ALTER TABLE admin.validation_checks ADD COLUMN kept_keys integer NOT NULL DEFAULT 0;
