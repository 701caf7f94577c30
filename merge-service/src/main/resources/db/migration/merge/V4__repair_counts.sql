-- Repair rounds: production rows of repaired keys the source lacks, deleted or kept (MergeCompleted deleted, keptAbsent).
ALTER TABLE admin.merge_logs ADD COLUMN IF NOT EXISTS records_deleted bigint NOT NULL DEFAULT 0;
ALTER TABLE admin.merge_logs ADD COLUMN IF NOT EXISTS records_kept_absent bigint NOT NULL DEFAULT 0;
