package dev.dmsflow.validation.check;

import dev.dmsflow.support.sql.SqlQuery;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Disjoint key ranges laid out as one sorted thresholds array, so that a single scan assigns every row to its range
 * with {@code width_bucket(key, thresholds)}: bucket {@code i} holds {@code thresholds[i-1] <= key < thresholds[i]}
 * (0-based list), bucket 0 everything below the first threshold, the last bucket everything from the last one up.
 * Ranges must be added in ascending key order.
 */
final class RangeLayout {

    private static final int MAX_RANGE_PREDICATES = 256;

    private final List<String> thresholds = new ArrayList<>();
    private final Map<Integer, KeyRange> ranges = new LinkedHashMap<>();

    /** Consecutive ranges covering every key, split at {@code points} (ascending, distinct). */
    static RangeLayout covering(List<String> points) {
        RangeLayout layout = new RangeLayout();
        String lo = null;
        for (String point : points) {
            layout.add(new KeyRange(lo, point));
            lo = point;
        }
        layout.add(new KeyRange(lo, null));
        return layout;
    }

    /** Adds {@code range} above every range added so far and returns its bucket number. */
    int add(KeyRange range) {
        int bucket;
        if (range.lo() == null) {
            if (!thresholds.isEmpty()) {
                throw new IllegalArgumentException("only the first range can be unbounded below");
            }
            bucket = 0;
        } else {
            if (thresholds.isEmpty() || !thresholds.get(thresholds.size() - 1).equals(range.lo())) {
                thresholds.add(range.lo());
            }
            bucket = thresholds.size();
        }
        if (range.hi() != null) {
            thresholds.add(range.hi());
        }
        ranges.put(bucket, range);
        return bucket;
    }

    List<String> thresholds() {
        return Collections.unmodifiableList(thresholds);
    }

    /** Bucket number → range, in ascending key order. */
    Map<Integer, KeyRange> ranges() {
        return Collections.unmodifiableMap(ranges);
    }

    /** {@code width_bucket(keyExpression, thresholds)} with the thresholds bound as text and cast to {@code keyType}. */
    SqlQuery bucket(SqlQuery query, String keyExpression, String keyType) {
        // width_bucket rejects an empty thresholds array; with no threshold every row is in bucket 0
        if (thresholds.isEmpty()) {
            return query.sql("0");
        }
        return query.sql("width_bucket(" + keyExpression + ", ")
                .param("?::text[]::" + keyType + "[]", new SqlQuery.TextArray(thresholds)).sql(")");
    }

    /**
     * The laid-out ranges merged where one ends where the next begins: a bisection level's parts of one range are a
     * single run, so a level of many parts in a few places is a few key ranges.
     */
    List<KeyRange> runs() {
        List<KeyRange> runs = new ArrayList<>();
        for (KeyRange range : ranges.values()) {
            KeyRange last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.hi() != null && last.hi().equals(range.lo())) {
                runs.set(runs.size() - 1, new KeyRange(last.lo(), range.hi()));
            } else {
                runs.add(range);
            }
        }
        return runs;
    }

    /**
     * Restricts a scan to the laid-out ranges: a few runs of adjacent ranges as key-range predicates, which an index on
     * the key serves (bisection levels touch a few thousand rows, not the window). Many runs are grouped, consecutive
     * ones together, into as many key ranges as there are predicates for, which the index still serves, and each row
     * found is kept if its bucket is laid out: a lookup in an array of booleans, one per bucket (constant time per row,
     * where {@code = ANY(buckets)} would compare each row with every bucket). Bounding all runs by one range instead
     * read the whole window on every bisection level once CDC had changed rows in more than that many places.
     */
    SqlQuery restrict(SqlQuery query, String keyExpression, String keyType) {
        List<KeyRange> runs = runs();
        if (runs.size() > MAX_RANGE_PREDICATES) {
            List<KeyRange> groups = new ArrayList<>();
            for (int group = 0; group < MAX_RANGE_PREDICATES; group++) {
                int first = group * runs.size() / MAX_RANGE_PREDICATES;
                int end = (group + 1) * runs.size() / MAX_RANGE_PREDICATES;
                if (first < end) {
                    groups.add(new KeyRange(runs.get(first).lo(), runs.get(end - 1).hi()));
                }
            }
            anyOf(query, groups, keyExpression, keyType);
            List<Boolean> laidOut = new ArrayList<>();
            for (int bucket = 0; bucket <= thresholds.size(); bucket++) {
                laidOut.add(ranges.containsKey(bucket));
            }
            query.param(" AND (?::bool[])[", new SqlQuery.BoolArray(laidOut));
            bucket(query, keyExpression, keyType);
            // arrays are 1-based, buckets 0-based
            return query.sql(" + 1]");
        }
        return anyOf(query, runs, keyExpression, keyType);
    }

    /** {@code AND (key in the first range OR key in the second ...)}, each range's bounds bound. */
    private static SqlQuery anyOf(SqlQuery query, List<KeyRange> keyRanges, String keyExpression, String keyType) {
        query.sql(" AND (false");
        for (KeyRange range : keyRanges) {
            query.sql(" OR (true");
            if (range.lo() != null) {
                query.sql(" AND " + keyExpression).param(" >= ?::" + keyType, range.lo());
            }
            if (range.hi() != null) {
                query.sql(" AND " + keyExpression).param(" < ?::" + keyType, range.hi());
            }
            query.sql(")");
        }
        return query.sql(")");
    }
}
