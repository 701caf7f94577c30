package dev.dmsflow.validation.check;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The data-diff approach: ranges whose digests differ are split into {@code fanout} parts and digested again, level by
 * level, until each mismatching range holds at most {@code leafRows} rows (or cannot be split, e.g. one leading-key
 * value of a composite key). Each level is one query over all its ranges, so the rows never leave the database; only
 * the leaves are then listed key by key.
 */
final class Bisector {

    private final int fanout;
    private final int leafRows;

    Bisector(int fanout, int leafRows) {
        if (fanout < 2 || leafRows < 1) {
            throw new IllegalArgumentException("fanout must be at least 2 and leafRows at least 1");
        }
        this.fanout = fanout;
        this.leafRows = leafRows;
    }

    /** A mismatching range; {@code children} are the buckets of its parts in the level being digested. */
    private record Pending(KeyRange range, long rows, List<Integer> children) {
    }

    /**
     * The smallest ranges that still mismatch, in ascending key order (so they can be laid out again for listing),
     * starting from a layout whose digests are known.
     */
    List<KeyRange> mismatchingLeaves(RangeComparison comparison, RangeLayout layout, Map<Integer, Digest> digests) throws SQLException {
        List<Pending> ranges = mismatches(layout, digests);
        while (true) {
            RangeLayout level = new RangeLayout();
            List<Pending> splitting = new ArrayList<>();
            for (Pending pending : ranges) {
                List<String> points = pending.rows() <= leafRows ? List.of() : comparison.splitPoints(pending.range(), fanout);
                List<Integer> children = new ArrayList<>();
                String lo = pending.range().lo();
                for (String point : points) {
                    children.add(level.add(new KeyRange(lo, point)));
                    lo = point;
                }
                if (!points.isEmpty()) {
                    children.add(level.add(new KeyRange(lo, pending.range().hi())));
                }
                splitting.add(new Pending(pending.range(), pending.rows(), children));
            }
            if (level.ranges().isEmpty()) {
                return ranges.stream().map(Pending::range).toList();
            }
            Map<Integer, Digest> levelDigests = comparison.digest(level);
            List<Pending> next = new ArrayList<>();
            for (Pending pending : splitting) {
                if (pending.children().isEmpty()) {
                    // a leaf already: kept in place so the list stays in key order
                    next.add(new Pending(pending.range(), 0, List.of()));
                }
                for (int child : pending.children()) {
                    Digest digest = levelDigests.get(child);
                    if (digest != null && !digest.matches()) {
                        next.add(new Pending(level.ranges().get(child), digest.rows(), List.of()));
                    }
                }
            }
            ranges = next;
        }
    }

    private static List<Pending> mismatches(RangeLayout layout, Map<Integer, Digest> digests) {
        List<Pending> ranges = new ArrayList<>();
        layout.ranges().forEach((bucket, range) -> {
            Digest digest = digests.get(bucket);
            if (digest != null && !digest.matches()) {
                ranges.add(new Pending(range, digest.rows(), List.of()));
            }
        });
        return ranges;
    }
}
