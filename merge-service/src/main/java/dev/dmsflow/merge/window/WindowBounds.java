package dev.dmsflow.merge.window;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Binds a window bound for the window column's type. Windows are UTC instants; a {@code timestamp without time zone}
 * column holds UTC wall-clock time (what DMS writes), so it is compared with the bound as a UTC local date-time rather
 * than through the session time zone.
 */
public final class WindowBounds {

    private WindowBounds() {
    }

    public static void bind(PreparedStatement statement, int index, Instant bound, String columnType) throws SQLException {
        if ("timestamptz".equals(columnType)) {
            statement.setObject(index, OffsetDateTime.ofInstant(bound, ZoneOffset.UTC));
        } else {
            statement.setObject(index, LocalDateTime.ofInstant(bound, ZoneOffset.UTC));
        }
    }
}
