-- Any number of controller instances share one database: each beats its row here from its own thread, and a
-- STARTING or RUNNING run is advanced only by its owner. A run with no owner, or one whose owner's heartbeat is older
-- than dmsflow.controller.instance-timeout, is claimed by the next instance that ticks (a local-engine task is then
-- loaded again from the start). An instance that shuts down deletes its row and gives up its runs.
CREATE TABLE controller_instances (
    instance_id  text        PRIMARY KEY,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE runs ADD COLUMN owner text;
