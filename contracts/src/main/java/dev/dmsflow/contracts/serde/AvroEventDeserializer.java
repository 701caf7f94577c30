package dev.dmsflow.contracts.serde;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads dmsflow events in either framing the serializer writes: Confluent wire format (resolved through the schema
 * registry, which must then be configured) or Avro single-object encoding (resolved against the schema versions
 * contracts ships). The writer schema is resolved into the current generated class, so older versions stay readable.
 * Anything else raises a {@link SerializationException} saying what was found, for ErrorHandlingDeserializer to
 * route the record to the dead-letter topic.
 */
public class AvroEventDeserializer implements Deserializer<SpecificRecord> {

    private final KnownSchemas known = KnownSchemas.get();
    private final Map<Schema, DatumReader<SpecificRecord>> readers = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;

    public AvroEventDeserializer() {
    }

    AvroEventDeserializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        String url = AvroSerdeConfig.registryUrl(configs);
        registry = url == null ? null : new SchemaRegistryClient(url);
    }

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        Schema writer;
        int offset;
        if (data.length >= 5 && data[0] == AvroEventSerializer.CONFLUENT_MAGIC) {
            int id = ByteBuffer.wrap(data, 1, 4).getInt();
            if (registry == null) {
                throw new SerializationException("Record on " + topic + " is in Confluent wire format (schema id " + id
                        + ") but " + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " is not configured");
            }
            writer = registry.schemaById(id);
            offset = 5;
        } else if (data.length >= 10 && data[0] == AvroEventSerializer.SINGLE_OBJECT_MAGIC[0]
                && data[1] == AvroEventSerializer.SINGLE_OBJECT_MAGIC[1]) {
            long fingerprint = ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            writer = known.byFingerprint(fingerprint);
            if (writer == null) {
                throw new SerializationException("Record on " + topic + " is single-object encoded with schema fingerprint "
                        + Long.toHexString(fingerprint) + ", which is no schema version this contracts jar knows");
            }
            offset = 10;
        } else {
            throw new SerializationException("Record on " + topic + " is not a dmsflow Avro event: " + data.length
                    + " bytes starting " + HexFormat.of().formatHex(data, 0, Math.min(data.length, 8))
                    + " (expected 00 + schema id, or c301 + fingerprint)");
        }
        return decode(topic, writer, data, offset);
    }

    private SpecificRecord decode(String topic, Schema writer, byte[] data, int offset) {
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, offset, data.length - offset, null);
            SpecificRecord record = readerFor(writer).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("trailing bytes after the " + writer.getFullName() + " record");
            }
            return record;
        } catch (SerializationException e) {
            throw new SerializationException("Cannot decode " + writer.getFullName() + " on " + topic + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new SerializationException("Cannot decode " + writer.getFullName() + " on " + topic + ": corrupt Avro data ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private DatumReader<SpecificRecord> readerFor(Schema writer) {
        return readers.computeIfAbsent(writer, schema -> {
            Class<? extends SpecificRecord> type = known.eventClass(schema.getFullName());
            if (type == null) {
                throw new SerializationException("Writer schema " + schema.getFullName() + " is not a dmsflow event");
            }
            return new SpecificDatumReader<>(schema, KnownSchemas.MODEL.getSchema(type), KnownSchemas.MODEL);
        });
    }
}
