package dev.dmsflow.schema.staged;

import static dev.dmsflow.contracts.catalog.Identifiers.quote;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.support.jdbc.WindowBound;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Rows of a staging table inside the run's window [from, to), outside it, and with a NULL window column. */
record StagingCounts(long inWindow, long outsideWindow, long nullWindow) {

    static StagingCounts whole(Connection connection, QualifiedName staging) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM " + staging.quoted());
             ResultSet rs = count.executeQuery()) {
            rs.next();
            return new StagingCounts(rs.getLong(1), 0, 0);
        }
    }

    /**
     * @param columnType the window column's {@code format_type}: a timestamp without time zone holds UTC wall-clock
     *                   time (what DMS writes), so the bounds are bound as UTC local date-times, not through the session zone
     */
    static StagingCounts window(Connection connection, QualifiedName staging, String column, String columnType, TimeWindow window) throws SQLException {
        String c = quote(column);
        try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FILTER (WHERE " + c + " >= ? AND " + c + " < ?), "
                + "count(*) FILTER (WHERE " + c + " IS NULL), count(*) FROM " + staging.quoted())) {
            WindowBound.bind(count, 1, window.getFrom(), columnType);
            WindowBound.bind(count, 2, window.getTo(), columnType);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                long inside = rs.getLong(1);
                long nulls = rs.getLong(2);
                return new StagingCounts(inside, rs.getLong(3) - inside - nulls, nulls);
            }
        }
    }
}
