-- A request again with the same requestId and no higher attempt does nothing; the run says how often and when last.
ALTER TABLE runs
    ADD COLUMN ignored_duplicates integer NOT NULL DEFAULT 0,
    ADD COLUMN last_ignored_at    timestamptz;
