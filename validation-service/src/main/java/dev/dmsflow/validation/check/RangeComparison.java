package dev.dmsflow.validation.check;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Two sides of a comparison that can be digested per key range, which is all {@link Bisector} needs. */
interface RangeComparison {

    /** Digest of each laid-out range (bucket number → digest); ranges without rows on either side may be absent. */
    Map<Integer, Digest> digest(RangeLayout layout) throws SQLException;

    /**
     * For each laid-out range (bucket number → points), up to {@code parts - 1} ascending, distinct key values strictly
     * inside it, splitting it into similar parts; ranges without rows may be absent. One query for all of them.
     */
    Map<Integer, List<String>> splitPoints(RangeLayout ranges, int parts) throws SQLException;
}
