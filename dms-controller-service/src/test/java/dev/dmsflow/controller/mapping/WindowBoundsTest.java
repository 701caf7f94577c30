package dev.dmsflow.controller.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowBoundsTest {

    private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");

    @Test
    void theUpperBoundIsTheLastValueBeforeToAtTheColumnsPrecision() {
        assertThat(WindowBounds.of(JAN, FEB, 0)).isEqualTo(new WindowBounds("2026-01-01 00:00:00", "2026-01-31 23:59:59"));
        assertThat(WindowBounds.of(JAN, FEB, 3)).isEqualTo(new WindowBounds("2026-01-01 00:00:00.000", "2026-01-31 23:59:59.999"));
        assertThat(WindowBounds.of(JAN, FEB, 6)).isEqualTo(new WindowBounds("2026-01-01 00:00:00.000000", "2026-01-31 23:59:59.999999"));
        assertThat(WindowBounds.of(JAN, FEB, 9)).isEqualTo(new WindowBounds("2026-01-01 00:00:00.000000000", "2026-01-31 23:59:59.999999999"));
    }

    @Test
    void boundsBetweenStepsRoundInward() {
        Instant from = Instant.parse("2026-01-01T10:00:00.4Z");
        Instant to = Instant.parse("2026-01-01T10:00:05.5Z");

        // a DATE column holds no value in [10:00:00.4, 10:00:01) nor (10:00:05, 10:00:05.5)
        assertThat(WindowBounds.of(from, to, 0)).isEqualTo(new WindowBounds("2026-01-01 10:00:01", "2026-01-01 10:00:05"));
    }

    @Test
    void anEmptyWindowIsRefused() {
        assertThatThrownBy(() -> WindowBounds.of(FEB, JAN, 6)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty window");
    }
}
