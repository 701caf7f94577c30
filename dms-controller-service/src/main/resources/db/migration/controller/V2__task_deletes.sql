-- A finished run's task is deleted on the ticks after it finished; a failed delete (a missing
-- dms:DeleteReplicationTask permission, a task still stopping) is tried again, a bounded number of times, without
-- touching the run's status or leases.
ALTER TABLE runs
    ADD COLUMN task_delete_pending  boolean NOT NULL DEFAULT false,
    ADD COLUMN task_delete_attempts integer NOT NULL DEFAULT 0;
CREATE INDEX runs_task_delete_pending_idx ON runs (created_at) WHERE task_delete_pending;
