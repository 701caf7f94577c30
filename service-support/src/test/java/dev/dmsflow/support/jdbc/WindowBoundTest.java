package dev.dmsflow.support.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WindowBoundTest {

    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aColumnWithTimeZoneTakesTheInstantWhicheverWayItsTypeIsNamed() {
        OffsetDateTime instant = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        assertThat(WindowBound.value(FROM, "timestamptz")).isEqualTo(instant);
        assertThat(WindowBound.value(FROM, "timestamp(6) with time zone")).isEqualTo(instant);
        assertThat(WindowBound.value(FROM, "timestamp with time zone")).isEqualTo(instant);
    }

    @Test
    void aColumnWithoutTimeZoneTakesUtcWallClockTime() {
        LocalDateTime wallClock = LocalDateTime.of(2026, 1, 1, 0, 0);
        assertThat(WindowBound.value(FROM, "timestamp")).isEqualTo(wallClock);
        assertThat(WindowBound.value(FROM, "timestamp(3) without time zone")).isEqualTo(wallClock);
        assertThat(WindowBound.value(FROM, "date")).isEqualTo(wallClock);
    }
}
