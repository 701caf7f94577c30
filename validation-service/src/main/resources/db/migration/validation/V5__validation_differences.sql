-- What a failed check found, kept so a repair can target exactly it and ops can list it all: its offending keys, up
-- to sample-keys + repair-keys per table and check in key order (validation_checks.sample_keys are the first), and,
-- when it found more than it kept, the key ranges that hold them all.
CREATE TABLE admin.validation_differences (
    request_id text    NOT NULL REFERENCES admin.validation_runs ON DELETE CASCADE,
    ordinal    integer NOT NULL,   -- the check's, as in admin.validation_checks
    position   integer NOT NULL,   -- the key's place in key order
    key_text   text    NOT NULL,
    PRIMARY KEY (request_id, ordinal, position)
);
CREATE TABLE admin.validation_difference_ranges (
    request_id  text    NOT NULL REFERENCES admin.validation_runs ON DELETE CASCADE,
    ordinal     integer NOT NULL,
    position    integer NOT NULL,
    lower_bound text,              -- inclusive, the leading key column's text form; NULL: unbounded
    upper_bound text,              -- exclusive; NULL: unbounded
    PRIMARY KEY (request_id, ordinal, position)
);
-- How many keys the check kept: fewer than it counted when the cap was reached (its ranges then hold them all).
ALTER TABLE admin.validation_checks ADD COLUMN kept_keys integer NOT NULL DEFAULT 0;
