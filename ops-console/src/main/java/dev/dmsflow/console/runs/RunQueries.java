package dev.dmsflow.console.runs;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The runs list: filtered, newest first, paged. */
@Repository
class RunQueries {

    /** One row of the runs list. */
    record RunRow(String requestId, String kind, List<String> tables, Instant windowFrom, Instant windowTo, String requestedBy,
                  int attempt, String stage, String status, Instant requestedAt, Instant finishedAt, Long durationMillis,
                  Instant lastEventAt) {
    }

    /** @param total runs matching the filter, over all pages */
    record RunPage(int page, int size, long total, List<RunRow> runs) {
    }

    /** Every filter may be null: a run of {@code table} (requested or merged), with {@code status}, requested in [from, to). */
    record Filter(String table, String status, Instant from, Instant to) {
    }

    private static final String WHERE = """
             WHERE (CAST(:table AS text) IS NULL OR :table = ANY (tables))
               AND (CAST(:status AS text) IS NULL OR status = :status)
               AND (CAST(:from AS timestamptz) IS NULL OR requested_at >= :from)
               AND (CAST(:to AS timestamptz) IS NULL OR requested_at < :to)""";

    private final JdbcClient jdbc;

    RunQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    RunPage page(Filter filter, int page, int size) {
        long total = bind(jdbc.sql("SELECT count(*) FROM ops_console.runs " + WHERE), filter).query(Long.class).single();
        List<RunRow> runs = bind(jdbc.sql("SELECT * FROM ops_console.runs " + WHERE
                + " ORDER BY requested_at DESC, request_id LIMIT :limit OFFSET :offset"), filter)
                .param("limit", size)
                .param("offset", (long) page * size)
                .query((rs, row) -> row(rs))
                .list();
        return new RunPage(page, size, total, runs);
    }

    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, Filter filter) {
        return statement.param("table", filter.table())
                .param("status", filter.status())
                .param("from", JdbcRunStore.timestamp(filter.from()))
                .param("to", JdbcRunStore.timestamp(filter.to()));
    }

    private static RunRow row(ResultSet rs) throws SQLException {
        Array tables = rs.getArray("tables");
        long duration = rs.getLong("duration_ms");
        return new RunRow(rs.getString("request_id"), rs.getString("kind"), List.of((String[]) tables.getArray()),
                instant(rs, "window_from"), instant(rs, "window_to"), rs.getString("requested_by"), rs.getInt("attempt"),
                rs.getString("stage"), rs.getString("status"), instant(rs, "requested_at"), instant(rs, "finished_at"),
                rs.wasNull() ? null : duration, instant(rs, "last_event_at"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        var timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
