package dev.dmsflow.validation.repair;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dmsflow.contracts.event.RepairCompleted;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.contracts.serde.AvroEventSerializer;
import dev.dmsflow.validation.run.Outcome;
import dev.dmsflow.validation.run.RunStore;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A repair's tables: what the failed validation recorded (read), the confirmed plan of each round
 * ({@code admin.repair_rounds}, {@code repair_plan_tables}, {@code repair_plans}) and each re-validation's
 * RepairCompleted ({@code validation_service.repair_completions}). Writes join the caller's run transaction.
 */
class RepairStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Only names the records to the serde, as the run skeleton's outcome table does. */
    private static final String TOPIC = "outcomes";

    private final JdbcTemplate jdbc;
    private final AvroEventSerializer serializer = new AvroEventSerializer();
    private final AvroEventDeserializer deserializer = new AvroEventDeserializer();

    RepairStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The run's latest validation as recorded: its attempt, outcome, start, and per table (catalog name) the keys its
     * failed checks kept, distinct, and the key ranges they recorded, distinct, in check and key order.
     */
    record Recorded(int attempt, String outcome, Instant startedAt, Map<String, Set<String>> keys,
                    Map<String, Set<RunStore.Range>> ranges) {

        /** Only a failed validation recorded keys to repair. */
        boolean failed() {
            return outcome.equals(Outcome.FAILED.name());
        }
    }

    /**
     * The run's latest validation as {@link #latestValidation(Connection, String)} reads it, outside any run's
     * transaction: in one snapshot, so a re-validation replacing it meanwhile is not seen half done.
     */
    Optional<Recorded> latestValidation(String requestId) throws SQLException {
        try (Connection connection = Objects.requireNonNull(jdbc.getDataSource()).getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                return latestValidation(connection, requestId);
            } finally {
                connection.rollback();
            }
        }
    }

    Optional<Recorded> latestValidation(Connection connection, String requestId) throws SQLException {
        int attempt;
        String outcome;
        Instant startedAt;
        try (PreparedStatement run = connection.prepareStatement(
                "SELECT attempt, outcome, started_at FROM admin.validation_runs WHERE request_id = ?")) {
            run.setString(1, requestId);
            try (ResultSet row = run.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                attempt = row.getInt(1);
                outcome = row.getString(2);
                startedAt = row.getTimestamp(3).toInstant();
            }
        }
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT c.table_name, d.key_text
                  FROM admin.validation_checks c
                  JOIN admin.validation_differences d ON d.request_id = c.request_id AND d.ordinal = c.ordinal
                 WHERE c.request_id = ? AND NOT c.passed ORDER BY c.ordinal, d.position""")) {
            select.setString(1, requestId);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    keys.computeIfAbsent(row.getString(1), t -> new LinkedHashSet<>()).add(row.getString(2));
                }
            }
        }
        Map<String, Set<RunStore.Range>> ranges = new LinkedHashMap<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT c.table_name, r.lower_bound, r.upper_bound
                  FROM admin.validation_checks c
                  JOIN admin.validation_difference_ranges r ON r.request_id = c.request_id AND r.ordinal = c.ordinal
                 WHERE c.request_id = ? AND NOT c.passed ORDER BY c.ordinal, r.position""")) {
            select.setString(1, requestId);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    // the checks of one table record the same mismatching ranges: once each
                    ranges.computeIfAbsent(row.getString(1), t -> new LinkedHashSet<>())
                            .add(new RunStore.Range(row.getString(2), row.getString(3)));
                }
            }
        }
        return Optional.of(new Recorded(attempt, outcome, startedAt, keys, ranges));
    }

    /** One key of a plan: {@code load} (production lacks it or differs) or {@code delete} (the source lacks it). */
    record PlannedKey(String key, String action, List<String> columns) {
    }

    record PlannedTable(String table, boolean deletes, long droppedKeys, List<RunStore.Range> ranges,
                        List<PlannedKey> keys) {
    }

    /** A round's confirmed plan, as ops see it before (and after) the controller loads it. */
    record Plan(String requestId, int round, int attempt, String requestedBy, Instant requestedAt, Instant plannedAt,
                List<PlannedTable> tables) {
    }

    /** Records a round's plan, replacing what an earlier confirm of the same round recorded. */
    void recordPlan(Connection connection, Plan plan) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM admin.repair_rounds WHERE request_id = ? AND round = ?")) {
            delete.setString(1, plan.requestId());
            delete.setInt(2, plan.round());
            delete.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO admin.repair_rounds (request_id, round, attempt, requested_by, requested_at, planned_at)
                VALUES (?, ?, ?, ?, ?, ?)""")) {
            insert.setString(1, plan.requestId());
            insert.setInt(2, plan.round());
            insert.setInt(3, plan.attempt());
            insert.setString(4, plan.requestedBy());
            insert.setObject(5, utc(plan.requestedAt()));
            insert.setObject(6, utc(plan.plannedAt()));
            insert.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO admin.repair_plan_tables
                       (request_id, round, table_name, deletes, dropped_keys, lower_bounds, upper_bounds)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            for (PlannedTable table : plan.tables()) {
                insert.setString(1, plan.requestId());
                insert.setInt(2, plan.round());
                insert.setString(3, table.table());
                insert.setBoolean(4, table.deletes());
                insert.setLong(5, table.droppedKeys());
                insert.setArray(6, texts(connection, table.ranges().stream().map(RunStore.Range::from)));
                insert.setArray(7, texts(connection, table.ranges().stream().map(RunStore.Range::to)));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        // one statement per table, its keys as arrays (a key's differing columns as a JSON array each)
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO admin.repair_plans (request_id, round, table_name, position, key_text, action, columns)
                SELECT ?, ?, ?, k.position, k.key_text, k.action,
                       ARRAY(SELECT jsonb_array_elements_text(k.columns::jsonb))
                  FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY
                       AS k (key_text, action, columns, position)""")) {
            for (PlannedTable table : plan.tables()) {
                if (table.keys().isEmpty()) {
                    continue;
                }
                insert.setString(1, plan.requestId());
                insert.setInt(2, plan.round());
                insert.setString(3, table.table());
                insert.setArray(4, texts(connection, table.keys().stream().map(PlannedKey::key)));
                insert.setArray(5, texts(connection, table.keys().stream().map(PlannedKey::action)));
                insert.setArray(6, texts(connection, table.keys().stream().map(k -> json(k.columns()))));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** The plans of the run's confirmed repair rounds, oldest first; empty when no repair of the run was confirmed. */
    List<Plan> rounds(String requestId) {
        // the rounds first: each is committed with its tables and keys, so the reads after it find them
        List<Plan> rounds = jdbc.query("""
                SELECT round, attempt, requested_by, requested_at, planned_at FROM admin.repair_rounds
                 WHERE request_id = ? ORDER BY round""",
                (row, n) -> new Plan(requestId, row.getInt(1), row.getInt(2), row.getString(3),
                        instant(row.getTimestamp(4)), instant(row.getTimestamp(5)), List.of()), requestId);
        if (rounds.isEmpty()) {
            return rounds;
        }
        Map<Integer, Map<String, List<PlannedKey>>> keys = new HashMap<>();
        jdbc.query("""
                SELECT round, table_name, key_text, action, columns FROM admin.repair_plans
                 WHERE request_id = ? ORDER BY round, table_name, position""",
                row -> {
                    keys.computeIfAbsent(row.getInt(1), r -> new HashMap<>())
                            .computeIfAbsent(row.getString(2), t -> new ArrayList<>())
                            .add(new PlannedKey(row.getString(3), row.getString(4), texts(row.getArray(5))));
                }, requestId);
        Map<Integer, List<PlannedTable>> tables = new HashMap<>();
        jdbc.query("""
                SELECT round, table_name, deletes, dropped_keys, lower_bounds, upper_bounds
                  FROM admin.repair_plan_tables
                 WHERE request_id = ? ORDER BY round, table_name""",
                row -> {
                    int round = row.getInt(1);
                    String table = row.getString(2);
                    List<String> lower = texts(row.getArray(5));
                    List<String> upper = texts(row.getArray(6));
                    List<RunStore.Range> ranges = new ArrayList<>();
                    for (int i = 0; i < lower.size(); i++) {
                        ranges.add(new RunStore.Range(lower.get(i), upper.get(i)));
                    }
                    tables.computeIfAbsent(round, r -> new ArrayList<>()).add(new PlannedTable(table, row.getBoolean(3),
                            row.getLong(4), ranges, keys.getOrDefault(round, Map.of()).getOrDefault(table, List.of())));
                }, requestId);
        return rounds.stream().map(round -> new Plan(requestId, round.round(), round.attempt(), round.requestedBy(),
                round.requestedAt(), round.plannedAt(), tables.getOrDefault(round.round(), List.of()))).toList();
    }

    /** When the round was requested, if this service confirmed it. */
    Optional<Instant> requestedAt(Connection connection, String requestId, int round) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT requested_at FROM admin.repair_rounds WHERE request_id = ? AND round = ?")) {
            select.setString(1, requestId);
            select.setInt(2, round);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getTimestamp(1).toInstant()) : Optional.empty();
            }
        }
    }

    void recordCompletion(Connection connection, RepairCompleted completed) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO validation_service.repair_completions (request_id, attempt, outcome) VALUES (?, ?, ?)")) {
            insert.setString(1, completed.getHeader().getRequestId());
            insert.setInt(2, completed.getHeader().getAttempt());
            insert.setBytes(3, serializer.serialize(TOPIC, completed));
            insert.executeUpdate();
        }
    }

    Optional<RepairCompleted> completion(String requestId, int attempt) {
        return jdbc.query("""
                        SELECT outcome FROM validation_service.repair_completions
                         WHERE request_id = ? AND attempt = ?""",
                        (row, n) -> (RepairCompleted) deserializer.deserialize(TOPIC, row.getBytes(1)),
                        requestId, attempt)
                .stream().findFirst();
    }

    private static String json(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Array texts(Connection connection, Stream<String> values) throws SQLException {
        return connection.createArrayOf("text", values.toArray(String[]::new));
    }

    private static List<String> texts(Array array) throws SQLException {
        // bounds may be NULL (unbounded): no List.of
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
