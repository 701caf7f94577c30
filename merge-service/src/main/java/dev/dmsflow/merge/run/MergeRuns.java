package dev.dmsflow.merge.run;

import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.contracts.serde.AvroEventSerializer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * merge-service's record of merged runs ({@code merge_service.merge_runs}), written in the merge's own transaction,
 * so a redelivered event can tell a merged run and republish its outcome exactly as it was first published.
 */
final class MergeRuns {

    private final AvroEventSerializer serializer = new AvroEventSerializer();
    private final AvroEventDeserializer deserializer = new AvroEventDeserializer();

    /** Serialises the handling of one requestId across consumers, until the transaction ends. */
    void lock(Connection connection, String requestId) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            lock.setString(1, "dmsflow.merge-run:" + requestId);
            lock.execute();
        }
    }

    Optional<MergeCompleted> find(Connection connection, String requestId) throws SQLException {
        try (PreparedStatement find = connection.prepareStatement("SELECT merge_completed FROM merge_service.merge_runs WHERE request_id = ?")) {
            find.setString(1, requestId);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next() ? Optional.of((MergeCompleted) deserializer.deserialize("merge_runs", rs.getBytes(1))) : Optional.empty();
            }
        }
    }

    void record(Connection connection, MergeCompleted completed) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO merge_service.merge_runs (request_id, merge_completed) VALUES (?, ?)")) {
            insert.setString(1, completed.getHeader().getRequestId());
            insert.setBytes(2, serializer.serialize("merge_runs", completed));
            insert.executeUpdate();
        }
    }
}
