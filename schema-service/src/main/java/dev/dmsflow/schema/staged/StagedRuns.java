package dev.dmsflow.schema.staged;

import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.contracts.serde.AvroEventSerializer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * schema-service's record of checked loads ({@code schema_service.staged_runs}), written in the check's transaction,
 * so a redelivered FullLoadCompleted republishes exactly the outcome first published instead of checking again.
 */
final class StagedRuns {

    private static final String TOPIC = "staged_runs";
    private static final Logger log = LoggerFactory.getLogger(StagedRuns.class);
    private final AvroEventSerializer serializer = new AvroEventSerializer();
    private final AvroEventDeserializer deserializer = new AvroEventDeserializer();

    /**
     * Serialises the handling of one run across consumers until {@link #unlock}: a session lock, taken outside the
     * check's transaction, so that transaction's snapshot is taken after the lock is held.
     */
    void lock(Connection connection, String requestId) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(hashtextextended(?, 0))")) {
            lock.setString(1, key(requestId));
            lock.execute();
        }
    }

    /**
     * Releases {@link #lock}. A pooled connection must not keep it: when releasing fails, the connection is aborted
     * (its session, and the lock with it, ends) rather than returned to the pool holding it.
     */
    void unlock(Connection connection, String requestId) {
        try {
            connection.setAutoCommit(true);
            try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(hashtextextended(?, 0))")) {
                unlock.setString(1, key(requestId));
                unlock.execute();
            }
        } catch (SQLException e) {
            log.warn("Could not release the lock of run {} ({}); closing its connection instead", requestId, e.getMessage());
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // the connection is gone already, and its lock with it
            }
        }
    }

    private static String key(String requestId) {
        return "dmsflow.schema-run:" + requestId;
    }

    Optional<SpecificRecord> find(Connection connection, String requestId, int attempt) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement(
                "SELECT outcome FROM schema_service.staged_runs WHERE request_id = ? AND attempt = ?")) {
            find.setString(1, requestId);
            find.setInt(2, attempt);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? Optional.of((SpecificRecord) deserializer.deserialize(TOPIC, rs.getBytes(1))) : Optional.empty();
            }
        }
    }

    void record(Connection connection, String requestId, int attempt, SpecificRecord outcome) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO schema_service.staged_runs (request_id, attempt, outcome_type, outcome) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, requestId);
            insert.setInt(2, attempt);
            insert.setString(3, outcome instanceof TaskFailed ? "TaskFailed" : "WindowStaged");
            insert.setBytes(4, serializer.serialize(TOPIC, outcome));
            insert.executeUpdate();
        }
    }
}
