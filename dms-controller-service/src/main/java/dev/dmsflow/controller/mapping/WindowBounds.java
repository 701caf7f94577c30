package dev.dmsflow.controller.mapping;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A half-open window [from, to) as the closed range DMS filters understand. DMS has no strict less-than, so the
 * upper bound is the last value before {@code to} at the column's precision: for Oracle DATE (precision 0)
 * {@code to - 1 s}, for TIMESTAMP(6) {@code to - 1 µs}. A row at {@code to} is outside; a row one step before it is in.
 * Values are rendered in UTC as {@code yyyy-MM-dd HH:mm:ss[.fraction]}, with as many fractional digits as the column has.
 */
public record WindowBounds(String start, String end) {

    public static WindowBounds of(Instant from, Instant to, int precision) {
        if (precision < 0 || precision > 9) {
            throw new IllegalArgumentException("precision must be 0 to 9 fractional digits, not " + precision);
        }
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("empty window: from " + from + " is not before to " + to);
        }
        long stepNanos = (long) Math.pow(10, 9 - precision);
        Instant lastIncluded = truncate(to.minusNanos(1), stepNanos);
        Instant firstIncluded = ceil(from, stepNanos);
        return new WindowBounds(render(firstIncluded, precision), render(lastIncluded, precision));
    }

    /** The largest multiple of the step that is <= the instant. */
    private static Instant truncate(Instant instant, long stepNanos) {
        long nanos = instant.getNano() - instant.getNano() % stepNanos;
        return instant.truncatedTo(ChronoUnit.SECONDS).plusNanos(nanos);
    }

    /** The smallest multiple of the step that is >= the instant: a value between steps cannot exist in the column. */
    private static Instant ceil(Instant instant, long stepNanos) {
        Instant down = truncate(instant, stepNanos);
        return down.equals(instant) ? down : down.plusNanos(stepNanos);
    }

    private static String render(Instant instant, int precision) {
        String pattern = precision == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss." + "S".repeat(precision);
        return DateTimeFormatter.ofPattern(pattern).format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
}
