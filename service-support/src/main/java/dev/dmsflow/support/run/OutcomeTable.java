package dev.dmsflow.support.run;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.serde.AvroEventDeserializer;
import dev.dmsflow.contracts.serde.AvroEventSerializer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * A stage's record of ended runs: one row per (request_id, attempt) with the outcome event as published (Avro
 * single-object encoding) and its type. Each service owns its table (its Flyway migrations create it) with the columns
 * {@code request_id text, attempt integer, outcome_type text, outcome bytea}, primary key (request_id, attempt).
 */
final class OutcomeTable {

    /** Only names the records to the serde: recorded outcomes are never read through a schema registry. */
    private static final String TOPIC = "outcomes";

    private final AvroEventSerializer serializer = new AvroEventSerializer();
    private final AvroEventDeserializer deserializer = new AvroEventDeserializer();
    private final String find;
    private final String insert;

    OutcomeTable(QualifiedName table) {
        this.find = "SELECT \"outcome\" FROM " + table.quoted() + " WHERE \"request_id\" = ? AND \"attempt\" = ?";
        this.insert = "INSERT INTO " + table.quoted() + " (\"request_id\", \"attempt\", \"outcome_type\", \"outcome\") VALUES (?, ?, ?, ?)";
    }

    Optional<SpecificRecord> find(Connection connection, RunKey key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(find)) {
            statement.setString(1, key.requestId());
            statement.setInt(2, key.attempt());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of((SpecificRecord) deserializer.deserialize(TOPIC, rs.getBytes(1))) : Optional.empty();
            }
        }
    }

    void record(Connection connection, RunKey key, SpecificRecord outcome) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insert)) {
            statement.setString(1, key.requestId());
            statement.setInt(2, key.attempt());
            statement.setString(3, outcome.getSchema().getName());
            statement.setBytes(4, serializer.serialize(TOPIC, outcome));
            statement.executeUpdate();
        }
    }
}
