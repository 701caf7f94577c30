package dev.dmsflow.merge.window;

/**
 * How a merge statement finds the target rows of the staged keys, chosen from where the staged keys fall in the
 * target. Both read one snapshot and write the same rows; only the plan differs.
 */
enum KeyAccess {

    /**
     * The target's first key column bounded by the batch's min and max key. When the staged keys are the recent ones
     * (ids that grow with time), the range is a small part of the target and the planner reads just that; it also
     * suits keys dense in their range, where the planner hash-joins the range read in one pass.
     */
    RANGE,

    /**
     * The staged keys as one list searched in the target's key index ({@code key = ANY(ARRAY(...))}, which the
     * b-tree walks in key order), once for the keys the target holds, whose rows the update then reads. For keys
     * spread thinly over the target (customers, UUIDs), where the range is most of the target and the planner would
     * hash-join a scan of all of it; the planner estimates a list it cannot see as short, so it takes the index by
     * itself, without any planner setting. Single-column keys only: a list of a composite key's first column may
     * match many rows per value.
     */
    KEY_LIST;

    /**
     * Target rows in the key range per staged row above which the list is cheaper. Measured on the merge benchmark's
     * tables (2,000,000-row target, keys spread evenly): the range plan wins at 2 (1,000,000 staged rows), they are
     * even at 4, the list wins by 2 x at 8 and 20.
     */
    static final double SPARSE = 4;

    static KeyAccess choose(int keyColumns, long stagedRows, double targetRowsInRange) {
        return keyColumns == 1 && targetRowsInRange > SPARSE * stagedRows ? KEY_LIST : RANGE;
    }
}
