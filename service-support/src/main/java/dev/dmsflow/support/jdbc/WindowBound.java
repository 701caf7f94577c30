package dev.dmsflow.support.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * A window bound as the value to compare a window column with. Windows are UTC instants; a
 * {@code timestamp with time zone} column takes the instant, a {@code timestamp} (or {@code date}) column holds UTC
 * wall-clock time (what DMS writes) and takes the bound as a UTC local date-time, so no session time zone takes part.
 */
public final class WindowBound {

    private WindowBound() {
    }

    /**
     * @param columnType the column's PostgreSQL type as {@code pg_type.typname} ({@code timestamptz}) or as
     *                   {@code format_type} ({@code timestamp(6) with time zone}): both are recognised
     */
    public static Object value(Instant bound, String columnType) {
        return withTimeZone(columnType) ? OffsetDateTime.ofInstant(bound, ZoneOffset.UTC) : LocalDateTime.ofInstant(bound, ZoneOffset.UTC);
    }

    public static void bind(PreparedStatement statement, int index, Instant bound, String columnType) throws SQLException {
        statement.setObject(index, value(bound, columnType));
    }

    static boolean withTimeZone(String columnType) {
        String type = columnType.toLowerCase(Locale.ROOT);
        return type.equals("timestamptz") || type.endsWith("with time zone");
    }
}
