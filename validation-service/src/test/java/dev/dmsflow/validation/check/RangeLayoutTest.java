package dev.dmsflow.validation.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.support.sql.SqlQuery;
import org.junit.jupiter.api.Test;

/** How a layout restricts a scan: runs of adjacent ranges as key predicates, a bucket lookup only for many runs. */
class RangeLayoutTest {

    @Test
    void adjacentRangesAreOneRunAndGapsStartAnother() {
        RangeLayout layout = new RangeLayout();
        layout.add(new KeyRange("10", "20"));
        layout.add(new KeyRange("20", "30"));
        layout.add(new KeyRange("40", "50"));
        layout.add(new KeyRange("50", null));

        assertThat(layout.runs()).containsExactly(new KeyRange("10", "30"), new KeyRange("40", null));
        assertThat(layout.restrict(new SqlQuery(), "k", "int8").text())
                .isEqualTo(" AND (false OR (true AND k >= ?::int8 AND k < ?::int8) OR (true AND k >= ?::int8))");
    }

    @Test
    void aBisectionLevelOfManyPartsInAFewPlacesIsAFewKeyRangesNotABucketLookup() {
        RangeLayout level = new RangeLayout();
        for (int place : new int[] {1_000, 50_000, 90_000}) {
            for (int part = 0; part < 32; part++) {
                level.add(new KeyRange(Integer.toString(place + part * 10), Integer.toString(place + part * 10 + 10)));
            }
        }

        assertThat(level.ranges()).hasSize(96);
        assertThat(level.runs()).containsExactly(new KeyRange("1000", "1320"), new KeyRange("50000", "50320"), new KeyRange("90000", "90320"));
        assertThat(level.restrict(new SqlQuery(), "k", "int8").text()).doesNotContain("bool[]");
    }

    @Test
    void aFewHundredScatteredRunsAreEachAKeyRangeOfTheirOwn() {
        RangeLayout layout = new RangeLayout();
        for (int i = 0; i < 200; i++) {
            layout.add(new KeyRange(Integer.toString(i * 10), Integer.toString(i * 10 + 5)));
        }

        String text = layout.restrict(new SqlQuery(), "k", "int8").text();
        assertThat(text.split(" OR \\(true", -1)).hasSize(201);
        assertThat(text).doesNotContain("bool[]");
    }

    @Test
    void manyRunsAreGroupedIntoAsManyKeyRangesAsThereArePredicatesAndLookedUpByBucket() {
        RangeLayout layout = new RangeLayout();
        for (int i = 0; i < 400; i++) {
            layout.add(new KeyRange(Integer.toString(i * 10), Integer.toString(i * 10 + 5)));
        }

        assertThat(layout.runs()).hasSize(400);
        SqlQuery restricted = layout.restrict(new SqlQuery(), "k", "int8");
        String text = restricted.text();
        // 256 key ranges an index serves, consecutive runs together, then each row's bucket looked up
        assertThat(text.split(" OR \\(true", -1)).hasSize(257);
        assertThat(text).startsWith(" AND (false OR (true AND k >= ?::int8 AND k < ?::int8)")
                .endsWith(") AND (?::bool[])[width_bucket(k, ?::text[]::int8[]) + 1]");
        // 400 runs in 256 groups: the first is run 0 alone, the second runs 1 and 2 with the gap between them
        assertThat(restricted.params().subList(0, 4)).containsExactly("0", "5", "10", "25");
    }
}
