package dev.dmsflow.contracts.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes dmsflow events. With {@value AvroSerdeConfig#SCHEMA_REGISTRY_URL} set: the Confluent wire format (byte 0,
 * 4-byte big-endian schema id, Avro binary), registering the schema under the subject {@code <topic>-<record full
 * name>} (Confluent's TopicRecordNameStrategy, because the alerts topic carries two event types). Without it: Avro
 * single-object encoding ({@code C3 01}, 8-byte little-endian CRC-64-AVRO fingerprint, Avro binary).
 */
public class AvroEventSerializer implements Serializer<SpecificRecord> {

    static final byte CONFLUENT_MAGIC = 0x0;
    static final byte[] SINGLE_OBJECT_MAGIC = {(byte) 0xC3, (byte) 0x01};

    private final Map<Class<?>, DatumWriter<SpecificRecord>> writers = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;

    public AvroEventSerializer() {
    }

    AvroEventSerializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        String url = AvroSerdeConfig.registryUrl(configs);
        registry = url == null ? null : new SchemaRegistryClient(url);
    }

    @Override
    public byte[] serialize(String topic, SpecificRecord record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        if (registry != null) {
            int id = registry.register(topic + "-" + schema.getFullName(), schema);
            out.write(CONFLUENT_MAGIC);
            out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        } else {
            out.writeBytes(SINGLE_OBJECT_MAGIC);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(KnownSchemas.fingerprint(schema)).array());
        }
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writerFor(record).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot serialize " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private DatumWriter<SpecificRecord> writerFor(SpecificRecord record) {
        return writers.computeIfAbsent(record.getClass(),
                type -> new SpecificDatumWriter<>(record.getSchema(), KnownSchemas.MODEL));
    }
}
