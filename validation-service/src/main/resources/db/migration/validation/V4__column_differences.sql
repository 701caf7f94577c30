-- The columns that differ for each key a check names (validate-only CONTENTS), and both copies' values of them: the
-- values are business data, so only the admin role sees them through the API and they never travel in events.
ALTER TABLE admin.validation_checks
    ADD COLUMN differences   jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN column_values jsonb NOT NULL DEFAULT '[]';
