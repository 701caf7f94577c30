-- The stage a run is in (LOAD, STAGING, MERGE, VALIDATION, as FailureStage names them) and when it last made
-- progress: a run with no progress within its stage's deadline fails, so a lost outcome cannot hold leases forever.
ALTER TABLE runs
    ADD COLUMN stage         text,
    ADD COLUMN progressed_at timestamptz;
-- runs already under way get a full deadline from the upgrade on
UPDATE runs SET stage = CASE WHEN status = 'LOADED' THEN 'STAGING' ELSE 'LOAD' END, progressed_at = now()
WHERE status IN ('STARTING', 'RUNNING', 'LOADED');
