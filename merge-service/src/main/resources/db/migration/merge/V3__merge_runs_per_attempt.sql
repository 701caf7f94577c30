-- The record of ended runs becomes the run skeleton's outcome table (service-support RunSkeleton): keyed by
-- (request_id, attempt), so a retried run (attempt + 1) is merged again instead of republishing attempt 1's outcome,
-- and holding a TaskFailed as well as a MergeCompleted. Runs recorded before were attempt 1 as far as is known.
ALTER TABLE merge_runs ADD COLUMN attempt integer NOT NULL DEFAULT 1;
ALTER TABLE merge_runs ADD COLUMN outcome_type text NOT NULL DEFAULT 'MergeCompleted';   -- MergeCompleted or TaskFailed
ALTER TABLE merge_runs RENAME COLUMN merge_completed TO outcome;
ALTER TABLE merge_runs DROP CONSTRAINT merge_runs_pkey;
ALTER TABLE merge_runs ADD PRIMARY KEY (request_id, attempt);
ALTER TABLE merge_runs ALTER COLUMN attempt DROP DEFAULT, ALTER COLUMN outcome_type DROP DEFAULT;
