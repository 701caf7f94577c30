package dev.dmsflow.console.runs;

import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.contracts.serde.AvroEventSerializer;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@link RunStore} in the {@code ops_console} schema. */
@Repository
class JdbcRunStore implements RunStore {

    // unconfigured: Avro single-object encoding, whose schema fingerprint finds the event type again when read
    private final AvroEventSerializer serializer = new AvroEventSerializer();
    private final AvroEventDeserializer deserializer = new AvroEventDeserializer();
    private final JdbcClient jdbc;

    JdbcRunStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void lockRun(String requestId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(:id, 4711))").param("id", requestId).query().singleRow();
    }

    @Override
    public boolean append(String topic, SpecificRecord event) {
        EventHeader header = RunProjection.header(event);
        return jdbc.sql("""
                        INSERT INTO ops_console.events (event_id, request_id, event_type, topic, attempt, occurred_at, payload)
                        VALUES (:eventId, :requestId, :type, :topic, :attempt, :occurredAt, :payload)
                        ON CONFLICT (event_id) DO NOTHING""")
                .param("eventId", header.getEventId())
                .param("requestId", header.getRequestId())
                .param("type", event.getClass().getSimpleName())
                .param("topic", topic)
                .param("attempt", header.getAttempt())
                .param("occurredAt", timestamp(header.getOccurredAt()))
                .param("payload", serializer.serialize(topic, event))
                .update() == 1;
    }

    @Override
    public List<SpecificRecord> events(String requestId) {
        return jdbc.sql("SELECT topic, payload FROM ops_console.events WHERE request_id = :id ORDER BY occurred_at, event_id")
                .param("id", requestId)
                .query((rs, row) -> deserializer.deserialize(rs.getString("topic"), rs.getBytes("payload")))
                .list();
    }

    @Override
    public String status(String requestId) {
        return jdbc.sql("SELECT status FROM ops_console.runs WHERE request_id = :id").param("id", requestId).query(String.class)
                .optional().orElse(null);
    }

    @Override
    public void save(RunView view) {
        jdbc.sql("""
                        INSERT INTO ops_console.runs (request_id, kind, tables, window_from, window_to, requested_by, attempt, stage, status,
                                                      requested_at, finished_at, duration_ms, last_event_at, holds_leases)
                        VALUES (:id, :kind, CAST(:tables AS text[]), :from, :to, :by, :attempt, :stage, :status, :requestedAt, :finishedAt, :duration,
                                :lastEventAt, :leases)
                        ON CONFLICT (request_id) DO UPDATE SET kind = excluded.kind, tables = excluded.tables,
                            window_from = excluded.window_from, window_to = excluded.window_to, requested_by = excluded.requested_by,
                            attempt = excluded.attempt, stage = excluded.stage, status = excluded.status,
                            requested_at = excluded.requested_at, finished_at = excluded.finished_at, duration_ms = excluded.duration_ms,
                            last_event_at = excluded.last_event_at, holds_leases = excluded.holds_leases""")
                .param("id", view.requestId())
                .param("kind", view.kind())
                .param("tables", arrayLiteral(view.tables()))
                .param("from", timestamp(view.windowFrom()))
                .param("to", timestamp(view.windowTo()))
                .param("by", view.requestedBy())
                .param("attempt", view.attempt())
                .param("stage", view.stage())
                .param("status", view.status())
                .param("requestedAt", timestamp(view.requestedAt()))
                .param("finishedAt", timestamp(view.finishedAt()))
                .param("duration", view.durationMillis())
                .param("lastEventAt", timestamp(view.lastEventAt()))
                .param("leases", view.holdsLeases())
                .update();
        jdbc.sql("DELETE FROM ops_console.run_tables WHERE request_id = :id").param("id", view.requestId()).update();
        for (RunView.TableCounts table : view.tableCounts()) {
            jdbc.sql("""
                            INSERT INTO ops_console.run_tables (request_id, table_name, loaded, staged, inserted, updated, stale, duplicates,
                                                                deleted, merged_at, validation)
                            VALUES (:id, :table, :loaded, :staged, :inserted, :updated, :stale, :duplicates, :deleted, :mergedAt, :validation)""")
                    .param("id", view.requestId())
                    .param("table", table.table())
                    .param("loaded", table.loaded())
                    .param("staged", table.staged())
                    .param("inserted", table.inserted())
                    .param("updated", table.updated())
                    .param("stale", table.stale())
                    .param("duplicates", table.duplicates())
                    .param("deleted", table.deleted())
                    .param("mergedAt", timestamp(table.mergedAt()))
                    .param("validation", table.validation())
                    .update();
        }
    }

    /** A text[] literal: Spring would expand a Java array parameter into a list of parameters. */
    private static String arrayLiteral(List<String> values) {
        StringBuilder literal = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            literal.append(i == 0 ? "" : ",").append('"').append(values.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return literal.append('}').toString();
    }

    static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }
}
