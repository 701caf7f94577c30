package dev.dmsflow.validation.check;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The data-diff approach: ranges whose digests differ are split into {@code fanout} parts and digested again, level by
 * level, until each mismatching range holds at most {@code leafRows} rows (or cannot be split, e.g. one leading-key
 * value of a composite key). Each level is two queries over all its ranges, whatever their number: the split points of
 * every range being split, then the digests of every part; the rows never leave the database, only the leaves are
 * then listed key by key.
 *
 * <p>Bounded whatever the number of differences: only the first mismatching ranges (in key order) that together hold
 * {@code keptKeys} differing rows are split further (each holds at least one, see {@link Digest#differing()}); the
 * ranges after them stay as they are, their differing rows counted by their digests ({@link Leaves#capped()}). A
 * systematic difference over a large window then costs a few levels over a few ranges, not one range per difference.
 */
final class Bisector {

    private final int fanout;
    private final int leafRows;
    private final long keptKeys;

    Bisector(int fanout, int leafRows, long keptKeys) {
        if (fanout < 2 || leafRows < 1 || keptKeys < 1) {
            throw new IllegalArgumentException("fanout must be at least 2, leafRows and keptKeys at least 1");
        }
        this.fanout = fanout;
        this.leafRows = leafRows;
        this.keptKeys = keptKeys;
    }

    /**
     * The mismatching ranges in ascending key order (so they can be laid out again for listing).
     *
     * @param narrowed         how many of the first {@code ranges} were bisected as far as they go; the others, when
     *                         {@code capped}, were left as they were once enough differing rows came before them
     * @param settledDiffering the differing rows the digests counted in the ranges left as they were
     * @param levels           bisection levels below the first digests (each two queries)
     */
    record Leaves(List<KeyRange> ranges, int narrowed, long settledDiffering, int levels) {

        boolean capped() {
            return narrowed < ranges.size();
        }

        List<KeyRange> narrowedRanges() {
            return ranges.subList(0, narrowed);
        }
    }

    /** A mismatching range; {@code children} are the buckets of its parts in the level being digested. */
    private record Pending(KeyRange range, long rows, long differing, List<Integer> children) {
    }

    /** The ranges that still mismatch, starting from a layout whose digests are known. */
    Leaves mismatchingLeaves(RangeComparison comparison, RangeLayout layout, Map<Integer, Digest> digests) throws SQLException {
        List<Pending> ranges = mismatches(layout, digests);
        int levels = 0;
        while (true) {
            int kept = kept(ranges);
            RangeLayout splitting = new RangeLayout();
            List<Integer> splitBuckets = new ArrayList<>();
            for (Pending pending : ranges.subList(0, kept)) {
                splitBuckets.add(pending.rows() > leafRows ? splitting.add(pending.range()) : null);
            }
            Map<Integer, List<String>> points = splitting.ranges().isEmpty() ? Map.of() : comparison.splitPoints(splitting, fanout);
            RangeLayout level = new RangeLayout();
            List<Pending> parents = new ArrayList<>();
            for (int i = 0; i < kept; i++) {
                Pending pending = ranges.get(i);
                Integer bucket = splitBuckets.get(i);
                List<String> rangePoints = bucket == null ? List.of() : points.getOrDefault(bucket, List.of());
                List<Integer> children = new ArrayList<>();
                String lo = pending.range().lo();
                for (String point : rangePoints) {
                    children.add(level.add(new KeyRange(lo, point)));
                    lo = point;
                }
                if (!rangePoints.isEmpty()) {
                    children.add(level.add(new KeyRange(lo, pending.range().hi())));
                }
                parents.add(new Pending(pending.range(), pending.rows(), pending.differing(), children));
            }
            List<Pending> settled = ranges.subList(kept, ranges.size());
            if (level.ranges().isEmpty()) {
                return new Leaves(ranges.stream().map(Pending::range).toList(), kept, settled.stream().mapToLong(Pending::differing).sum(), levels);
            }
            Map<Integer, Digest> levelDigests = comparison.digest(level);
            levels++;
            List<Pending> next = new ArrayList<>();
            for (Pending parent : parents) {
                if (parent.children().isEmpty()) {
                    // a leaf already: kept in place so the list stays in key order
                    next.add(new Pending(parent.range(), 0, parent.differing(), List.of()));
                }
                for (int child : parent.children()) {
                    Digest digest = levelDigests.get(child);
                    if (digest != null && !digest.matches()) {
                        next.add(new Pending(level.ranges().get(child), digest.rows(), digest.differing(), List.of()));
                    }
                }
            }
            // the ranges past the kept ones stay as they are, after the kept ones' parts: the list stays in key order
            next.addAll(settled);
            ranges = next;
        }
    }

    /** How many of the first ranges hold {@code keptKeys} differing rows together (all of them if they do not). */
    private int kept(List<Pending> ranges) {
        long differing = 0;
        for (int i = 0; i < ranges.size(); i++) {
            differing += Math.max(1, ranges.get(i).differing());
            if (differing >= keptKeys) {
                return i + 1;
            }
        }
        return ranges.size();
    }

    private static List<Pending> mismatches(RangeLayout layout, Map<Integer, Digest> digests) {
        List<Pending> ranges = new ArrayList<>();
        layout.ranges().forEach((bucket, range) -> {
            Digest digest = digests.get(bucket);
            if (digest != null && !digest.matches()) {
                ranges.add(new Pending(range, digest.rows(), digest.differing(), List.of()));
            }
        });
        return ranges;
    }
}
