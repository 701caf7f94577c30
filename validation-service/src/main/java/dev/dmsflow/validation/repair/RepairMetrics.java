package dev.dmsflow.validation.repair;

import dev.dmsflow.contracts.event.RepairCompleted;

/** What repair rounds did, for dashboards: counted when a round's outcome is recorded. */
interface RepairMetrics {

    RepairMetrics NONE = new RepairMetrics() {
        @Override
        public void planned(String table, long keys, long dropped) {
        }

        @Override
        public void completed(RepairCompleted completed) {
        }
    };

    /** A table's confirmed keys and those the confirm dropped. */
    void planned(String table, long keys, long dropped);

    /** A re-validated round: rows repaired per table and action, the round, its duration. */
    void completed(RepairCompleted completed);
}
