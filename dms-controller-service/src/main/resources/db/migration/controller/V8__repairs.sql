-- A run whose validation failed with a repairable difference may be repaired instead of ending: it keeps its leases
-- (REPAIRING) while validation confirms the recorded keys, then loads, merges and re-validates just those keys as its
-- next attempt. repair_round counts the rounds asked for; repair_plan is the RepairPlanned (Avro single-object
-- encoding) of the round being loaded, whose scope its task's mappings select and its FullLoadCompleted carries.
ALTER TABLE runs
    ADD COLUMN repair_round integer NOT NULL DEFAULT 0,
    ADD COLUMN repair_plan  bytea;
