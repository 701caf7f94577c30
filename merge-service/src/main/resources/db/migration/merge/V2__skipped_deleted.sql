-- Staged keys a merge left deleted because CDC deleted them after the load started (MergeCompleted skippedDeleted).
ALTER TABLE admin.merge_logs ADD COLUMN IF NOT EXISTS records_skipped_deleted bigint NOT NULL DEFAULT 0;
