package dev.dmsflow.controller.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ParallelLoadPropertiesTest {

    @Test
    void oneSegmentPerMinRowsRowsAtLeastTwoAtMostMaxSegments() {
        ParallelLoadProperties properties = new ParallelLoadProperties(2_000_000, 4);

        assertThat(properties.segments(2_000_000)).isEqualTo(1);
        assertThat(properties.segments(2_000_001)).isEqualTo(2);
        assertThat(properties.segments(3_000_000)).isEqualTo(2);
        assertThat(properties.segments(6_000_001)).isEqualTo(4);
        assertThat(properties.segments(Long.MAX_VALUE)).isEqualTo(4);
    }

    @Test
    void zeroMinRowsOrFewerThanTwoSegmentsTurnSegmentationOff() {
        assertThat(new ParallelLoadProperties(0, 4).segments(Long.MAX_VALUE)).isEqualTo(1);
        assertThat(new ParallelLoadProperties(1000, 1).segments(Long.MAX_VALUE)).isEqualTo(1);
    }
}
