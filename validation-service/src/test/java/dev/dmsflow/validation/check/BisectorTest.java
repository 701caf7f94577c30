package dev.dmsflow.validation.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BisectorTest {

    /** Two in-memory sides keyed by integers; the key text is the number, as PostgreSQL renders a bigint. */
    private static final class Sides implements RangeComparison {
        final TreeMap<Long, Integer> left = new TreeMap<>();
        final TreeMap<Long, Integer> right = new TreeMap<>();
        int digestQueries;
        int splitQueries;

        @Override
        public Map<Integer, Digest> digest(RangeLayout layout) {
            digestQueries++;
            Map<Integer, Digest> digests = new HashMap<>();
            layout.ranges().forEach((bucket, range) -> {
                long[] l = sum(left, range);
                long[] r = sum(right, range);
                digests.put(bucket, new Digest(l[0], r[0], l[1], r[1]));
            });
            return digests;
        }

        @Override
        public Map<Integer, List<String>> splitPoints(RangeLayout ranges, int parts) {
            splitQueries++;
            Map<Integer, List<String>> points = new HashMap<>();
            ranges.ranges().forEach((bucket, range) -> points.put(bucket, splitPoints(range, parts)));
            return points;
        }

        private List<String> splitPoints(KeyRange range, int parts) {
            List<Long> keys = new ArrayList<>(slice(right, range).keySet());
            keys.remove(range.lo() == null ? null : Long.valueOf(range.lo()));
            List<String> points = new ArrayList<>();
            for (int i = 1; i < parts; i++) {
                if (!keys.isEmpty()) {
                    String point = Long.toString(keys.get(Math.min(keys.size() - 1, i * keys.size() / parts)));
                    if ((points.isEmpty() || !points.get(points.size() - 1).equals(point)) && !point.equals(range.lo())) {
                        points.add(point);
                    }
                }
            }
            return points;
        }

        private static Map<Long, Integer> slice(TreeMap<Long, Integer> side, KeyRange range) {
            long lo = range.lo() == null ? Long.MIN_VALUE : Long.parseLong(range.lo());
            long hi = range.hi() == null ? Long.MAX_VALUE : Long.parseLong(range.hi());
            return side.subMap(lo, true, hi, false);
        }

        private static long[] sum(TreeMap<Long, Integer> side, KeyRange range) {
            Map<Long, Integer> rows = slice(side, range);
            return new long[] {rows.size(), rows.values().stream().mapToLong(Integer::longValue).sum()};
        }
    }

    private static Sides identical(int rows) {
        Sides sides = new Sides();
        for (long key = 1; key <= rows; key++) {
            sides.left.put(key, (int) (key * 31));
            sides.right.put(key, (int) (key * 31));
        }
        return sides;
    }

    private static List<KeyRange> leaves(Sides sides, RangeLayout layout, int fanout, int leafRows) throws Exception {
        return new Bisector(fanout, leafRows, 1_000).mismatchingLeaves(sides, layout, sides.digest(layout)).ranges();
    }

    @Test
    void narrowsThreeDifferencesInTenThousandRowsToSmallLeavesInKeyOrder() throws Exception {
        Sides sides = identical(10_000);
        sides.right.put(17L, 0);
        sides.right.put(5_000L, 0);
        sides.right.remove(9_999L);
        RangeLayout layout = RangeLayout.covering(List.of("1000", "2000", "3000", "4000", "5000", "6000", "7000", "8000", "9000"));

        List<KeyRange> leaves = leaves(sides, layout, 4, 8);

        assertThat(leaves).hasSize(3).allSatisfy(leaf -> assertThat(Sides.slice(sides.left, leaf).size()).isLessThanOrEqualTo(8));
        assertThat(leaves.stream().map(leaf -> Sides.slice(sides.left, leaf).keySet()))
                .satisfiesExactly(k -> assertThat(k).contains(17L), k -> assertThat(k).contains(5_000L), k -> assertThat(k).contains(9_999L));
        // one digest and one split query per level, not per range
        assertThat(sides.digestQueries).isLessThanOrEqualTo(1 + 6);
        assertThat(sides.splitQueries).isEqualTo(sides.digestQueries - 1);
    }

    @Test
    void narrowsOnlyTheFirstKeptRangesWhenEveryRowDiffers() throws Exception {
        Sides sides = identical(10_000);
        sides.right.replaceAll((key, hash) -> hash + 1);
        RangeLayout layout = RangeLayout.covering(List.of("1000", "2000", "3000", "4000", "5000", "6000", "7000", "8000", "9000"));

        Bisector.Leaves leaves = new Bisector(4, 8, 20).mismatchingLeaves(sides, layout, sides.digest(layout));

        assertThat(leaves.capped()).isTrue();
        assertThat(leaves.narrowed()).isEqualTo(20);
        assertThat(leaves.narrowedRanges()).allSatisfy(leaf -> assertThat(Sides.slice(sides.left, leaf).size()).isLessThanOrEqualTo(8));
        // the ranges left as they were still cover every differing key, in key order, without overlap
        long covered = 0;
        String previousHi = null;
        for (KeyRange range : leaves.ranges()) {
            assertThat(range.lo()).isEqualTo(previousHi == null ? range.lo() : previousHi);
            covered += Sides.slice(sides.left, range).size();
            previousHi = range.hi();
        }
        assertThat(covered).isEqualTo(10_000);
        assertThat(leaves.ranges().get(0).lo()).isNull();
        assertThat(previousHi).isNull();
        // levels stay few, the ranges split per level bounded by the cap
        assertThat(sides.splitQueries).isEqualTo(leaves.levels()).isLessThanOrEqualTo(5);
    }

    @Test
    void identicalSidesNeedNoFurtherQuery() throws Exception {
        Sides sides = identical(1_000);

        assertThat(leaves(sides, RangeLayout.covering(List.of("500")), 4, 8)).isEmpty();
        assertThat(sides.digestQueries).isEqualTo(1);
    }

    @Test
    void aRangeThatCannotBeSplitIsALeaf() throws Exception {
        Sides sides = identical(100);
        sides.left.put(50L, 1);

        RangeComparison unsplittable = new RangeComparison() {
            @Override
            public Map<Integer, Digest> digest(RangeLayout layout) {
                return sides.digest(layout);
            }

            @Override
            public Map<Integer, List<String>> splitPoints(RangeLayout ranges, int parts) {
                return Map.of();
            }
        };
        List<KeyRange> leaves = new Bisector(4, 1, 1_000).mismatchingLeaves(unsplittable, RangeLayout.covering(List.of()),
                sides.digest(RangeLayout.covering(List.of()))).ranges();

        assertThat(leaves).containsExactly(new KeyRange(null, null));
    }

    @Test
    void rangeLayoutSharesAdjacentBoundsAndNumbersBucketsAsWidthBucketDoes() {
        RangeLayout layout = new RangeLayout();
        int first = layout.add(new KeyRange(null, "10"));
        int second = layout.add(new KeyRange("10", "20"));
        int third = layout.add(new KeyRange("30", "40"));
        int last = layout.add(new KeyRange("40", null));

        assertThat(layout.thresholds()).containsExactly("10", "20", "30", "40");
        // width_bucket(key, {10,20,30,40}): <10 → 0, [10,20) → 1, [20,30) → 2 (a gap here), [30,40) → 3, >=40 → 4
        assertThat(List.of(first, second, third, last)).containsExactly(0, 1, 3, 4);
        assertThat(layout.ranges().keySet()).isEqualTo(Set.of(0, 1, 3, 4));
    }
}
