package dev.dmsflow.validation.run;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.TaskKind;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.event.KeyDifference;
import dev.dmsflow.validation.check.CheckReport;
import dev.dmsflow.validation.check.ColumnValues;
import dev.dmsflow.validation.check.KeyRange;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What users query of validated runs: {@code admin.validation_runs} / {@code admin.validation_checks}, written in the
 * transaction that records the run's outcome (the run skeleton's {@code validation_service.validation_outcomes}).
 */
public class RunStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;

    public RunStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<RecordedRun> find(String requestId) {
        List<RecordedRun> runs = jdbc.query("""
                SELECT request_id, attempt, outcome, kind, multi_stage, window_from, window_to, event_id, occurred_at, started_at, duration_millis,
                       reason
                  FROM admin.validation_runs WHERE request_id = ?""", (row, n) -> run(row, checks(requestId)), requestId);
        return runs.stream().findFirst();
    }

    /**
     * Records {@code run} in the caller's transaction, replacing what an earlier attempt of the same run recorded: users
     * see the latest validation of a run.
     */
    public void record(Connection connection, RecordedRun run) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM admin.validation_runs WHERE request_id = ?")) {
            delete.setString(1, run.requestId());
            delete.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO admin.validation_runs (request_id, attempt, outcome, kind, multi_stage, window_from, window_to, event_id, occurred_at,
                                                   started_at, duration_millis, failed_checks, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, run.requestId());
            insert.setInt(2, run.attempt());
            insert.setString(3, run.outcome().name());
            insert.setString(4, run.kind().name());
            insert.setString(5, run.multiStage());
            insert.setObject(6, utc(run.windowFrom()), Types.TIMESTAMP_WITH_TIMEZONE);
            insert.setObject(7, utc(run.windowTo()), Types.TIMESTAMP_WITH_TIMEZONE);
            insert.setObject(8, run.eventId());
            insert.setObject(9, utc(run.occurredAt()));
            insert.setObject(10, utc(run.startedAt()));
            insert.setLong(11, run.durationMillis());
            insert.setLong(12, run.checks().stream().filter(c -> !c.result().getPassed()).count());
            insert.setString(13, run.reason());
            insert.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO admin.validation_checks (request_id, ordinal, table_name, check_name, passed, expected, actual, sample_keys, in_flight,
                                                     detail, differences, column_values, kept_keys)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)""")) {
            for (int i = 0; i < run.checks().size(); i++) {
                CheckResult check = run.checks().get(i).result();
                insert.setString(1, run.requestId());
                insert.setInt(2, i + 1);
                insert.setString(3, check.getTable());
                insert.setString(4, check.getCheck());
                insert.setBoolean(5, check.getPassed());
                insert.setString(6, check.getExpected());
                insert.setString(7, check.getActual());
                insert.setArray(8, connection.createArrayOf("text", check.getSampleKeys().toArray(String[]::new)));
                insert.setLong(9, check.getInFlight());
                insert.setString(10, run.checks().get(i).detail());
                insert.setString(11, json(check.getDifferences().stream().map(d -> new Difference(d.getKey(), d.getColumns())).toList()));
                insert.setString(12, json(run.checks().get(i).values()));
                insert.setInt(13, check.getPassed() ? 0 : run.checks().get(i).keys().size());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        // one statement per failed check, its keys (and below its ranges) as arrays: up to sample-keys + repair-keys rows each
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO admin.validation_differences (request_id, ordinal, position, key_text)
                SELECT ?, ?, k.position, k.key_text FROM unnest(?::text[]) WITH ORDINALITY AS k (key_text, position)""")) {
            for (int i = 0; i < run.checks().size(); i++) {
                CheckReport check = run.checks().get(i);
                if (!check.result().getPassed() && !check.keys().isEmpty()) {
                    insert.setString(1, run.requestId());
                    insert.setInt(2, i + 1);
                    insert.setArray(3, connection.createArrayOf("text", check.keys().toArray(String[]::new)));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO admin.validation_difference_ranges (request_id, ordinal, position, lower_bound, upper_bound)
                SELECT ?, ?, r.position, r.lower_bound, r.upper_bound
                  FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS r (lower_bound, upper_bound, position)""")) {
            for (int i = 0; i < run.checks().size(); i++) {
                CheckReport check = run.checks().get(i);
                if (!check.result().getPassed() && !check.ranges().isEmpty()) {
                    insert.setString(1, run.requestId());
                    insert.setInt(2, i + 1);
                    insert.setArray(3, connection.createArrayOf("text", check.ranges().stream().map(KeyRange::lo).toArray(String[]::new)));
                    insert.setArray(4, connection.createArrayOf("text", check.ranges().stream().map(KeyRange::hi).toArray(String[]::new)));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }

    /**
     * A failed check's differences: how many it counted (its actual figure), the keys it kept in key order, and when it
     * kept fewer than it found, the key ranges {@code [from, to)} of its leading key column that hold them all.
     */
    public record CheckDifferences(String table, String check, String counted, List<String> keys, List<Range> ranges) {
    }

    /** Bounds in the key type's text form; null is unbounded. */
    public record Range(String from, String to) {
    }

    /** Every failed check's differences in the run's latest validation; empty when the run was not validated. */
    public Optional<List<CheckDifferences>> differences(String requestId) {
        if (jdbc.queryForList("SELECT 1 FROM admin.validation_runs WHERE request_id = ?", Integer.class, requestId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(jdbc.query("""
                SELECT c.table_name, c.check_name, c.actual,
                       coalesce((SELECT array_agg(d.key_text ORDER BY d.position) FROM admin.validation_differences d
                                  WHERE d.request_id = c.request_id AND d.ordinal = c.ordinal), '{}'),
                       coalesce((SELECT json_agg(json_build_array(r.lower_bound, r.upper_bound) ORDER BY r.position)
                                   FROM admin.validation_difference_ranges r
                                  WHERE r.request_id = c.request_id AND r.ordinal = c.ordinal), '[]')
                  FROM admin.validation_checks c WHERE c.request_id = ? AND NOT c.passed ORDER BY c.ordinal""",
                (row, n) -> new CheckDifferences(row.getString(1), row.getString(2), row.getString(3), textList(row.getArray(4)),
                        read(row.getString(5), BOUNDS).stream().map(b -> new Range(b.get(0), b.get(1))).toList()), requestId));
    }

    private static final TypeReference<List<List<String>>> BOUNDS = new TypeReference<>() {
    };

    private List<CheckReport> checks(String requestId) {
        return jdbc.query("""
                SELECT table_name, check_name, passed, expected, actual, sample_keys, in_flight, detail, differences, column_values
                  FROM admin.validation_checks WHERE request_id = ? ORDER BY ordinal""",
                (row, n) -> new CheckReport(new CheckResult(row.getString(1), row.getString(2), row.getBoolean(3), row.getString(4), row.getString(5),
                        textList(row.getArray(6)), row.getLong(7), row.getString(8),
                        read(row.getString(9), DIFFERENCES).stream().map(d -> new KeyDifference(d.key(), d.columns())).toList()),
                        row.getString(8), read(row.getString(10), VALUES)),
                requestId);
    }

    private static RecordedRun run(ResultSet row, List<CheckReport> checks) throws SQLException {
        return new RecordedRun(row.getString(1), row.getInt(2), Outcome.valueOf(row.getString(3)), TaskKind.valueOf(row.getString(4)),
                row.getString(5), instant(row.getTimestamp(6)), instant(row.getTimestamp(7)), row.getObject(8, UUID.class),
                instant(row.getTimestamp(9)), instant(row.getTimestamp(10)), row.getLong(11), checks, row.getString(12));
    }

    /** A {@link KeyDifference} as stored: Avro records do not map to JSON by themselves. */
    private record Difference(String key, List<String> columns) {
    }

    private static final TypeReference<List<Difference>> DIFFERENCES = new TypeReference<>() {
    };
    private static final TypeReference<List<ColumnValues>> VALUES = new TypeReference<>() {
    };

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable check differences", e);
        }
    }

    private static List<String> textList(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
