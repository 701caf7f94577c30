package dev.dmsflow.console.alerts;

import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Recent alerts (from the read model's events) and the dead-letter records. */
@Repository
class AlertStore {

    private final AvroEventDeserializer deserializer = new AvroEventDeserializer();
    private final JdbcClient jdbc;

    AlertStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Alert> recentAlerts(int limit) {
        return jdbc.sql("""
                        SELECT topic, payload FROM ops_console.events
                         WHERE event_type IN ('TaskFailed', 'ValidationFailed')
                         ORDER BY occurred_at DESC, event_id LIMIT :limit""")
                .param("limit", limit)
                .query((rs, row) -> Alert.of(deserializer.deserialize(rs.getString("topic"), rs.getBytes("payload"))))
                .list();
    }

    /** Stores the record unless another consumer group's copy of it is stored; true when it was new. */
    boolean append(DeadLetter deadLetter) {
        return jdbc.sql("""
                        INSERT INTO ops_console.dead_letters (original_topic, original_partition, original_offset, dlt_topic, record_key,
                                                              reason, exception, dead_lettered_at)
                        VALUES (:topic, :partition, :offset, :dltTopic, :key, :reason, :exception, :at)
                        ON CONFLICT DO NOTHING""")
                .param("topic", deadLetter.originalTopic())
                .param("partition", deadLetter.originalPartition())
                .param("offset", deadLetter.originalOffset())
                .param("dltTopic", deadLetter.dltTopic())
                .param("key", deadLetter.key())
                .param("reason", deadLetter.reason())
                .param("exception", deadLetter.exception())
                .param("at", Timestamp.from(deadLetter.deadLetteredAt()))
                .update() == 1;
    }

    List<DeadLetter> recentDeadLetters(int limit) {
        return jdbc.sql("SELECT * FROM ops_console.dead_letters ORDER BY dead_lettered_at DESC LIMIT :limit")
                .param("limit", limit)
                .query((rs, row) -> deadLetter(rs))
                .list();
    }

    private static DeadLetter deadLetter(ResultSet rs) throws SQLException {
        Instant at = rs.getTimestamp("dead_lettered_at").toInstant();
        return new DeadLetter(rs.getString("original_topic"), rs.getInt("original_partition"), rs.getLong("original_offset"),
                rs.getString("dlt_topic"), rs.getString("record_key"), rs.getString("reason"), rs.getString("exception"), at);
    }
}
