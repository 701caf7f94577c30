package dev.dmsflow.contracts.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.contracts.SampleEvents;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.TaskFailed;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroEventSerdeTest {

    private final AvroEventSerializer serializer = new AvroEventSerializer();
    private final AvroEventDeserializer deserializer = new AvroEventDeserializer();

    AvroEventSerdeTest() {
        serializer.configure(Map.of(), false);
        deserializer.configure(Map.of(), false);
    }

    @Test
    void everyEventRoundTripsInSingleObjectEncoding() {
        for (SpecificRecord event : SampleEvents.all("req-1").values()) {
            byte[] bytes = serializer.serialize("t", event);

            assertThat(Arrays.copyOf(bytes, 2)).containsExactly(0xC3, 0x01);
            long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(fingerprint).isEqualTo(KnownSchemas.fingerprint(event.getSchema()));
            assertThat(deserializer.deserialize("t", bytes)).isEqualTo(event);
        }
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(serializer.serialize("t", null)).isNull();
        assertThat(deserializer.deserialize("t", null)).isNull();
    }

    @Test
    void readsAMessageWrittenWithTheReleasedVersionOfTheSchema() throws Exception {
        TaskFailed current = (TaskFailed) SampleEvents.all("req-2").get(TaskFailed.class);
        Schema released = KnownSchemas.get().released().get(TaskFailed.getClassSchema().getFullName()).get(0);
        // write the event the way a producer built against the released schema would, field by field
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        GenericRecord old = (GenericRecord) model.deepCopy(released, toGeneric(current, released));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(AvroEventSerializer.SINGLE_OBJECT_MAGIC);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(KnownSchemas.fingerprint(released)).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(released, model).write(old, encoder);
        encoder.flush();

        assertThat(deserializer.deserialize("t", out.toByteArray())).isEqualTo(current);
    }

    @Test
    void bytesThatAreNotAnEventRaiseASerializationExceptionSayingWhatWasFound() {
        assertThatThrownBy(() -> deserializer.deserialize(Topics.TASK_REQUESTED, "{\"table\":\"orders\"}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("dmsflow.task-requested")
                .hasMessageContaining("is not a dmsflow Avro event")
                .hasMessageContaining("7b227461626c6522");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[0]))
                .isInstanceOf(SerializationException.class).hasMessageContaining("0 bytes");
    }

    @Test
    void truncatedOrTrailingDataIsRejected() {
        byte[] bytes = serializer.serialize("t", SampleEvents.all("req-3").get(TaskFailed.class));

        assertThatThrownBy(() -> deserializer.deserialize("t", Arrays.copyOf(bytes, bytes.length - 5)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot decode dev.dmsflow.contracts.event.TaskFailed");
        assertThatThrownBy(() -> deserializer.deserialize("t", Arrays.copyOf(bytes, bytes.length + 3)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("trailing bytes");
    }

    @Test
    void unknownFingerprintIsRejected() {
        byte[] bytes = serializer.serialize("t", SampleEvents.all("req-4").get(TaskFailed.class));
        bytes[5] ^= 0x5A;

        assertThatThrownBy(() -> deserializer.deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("no schema version this contracts jar knows");
    }

    @Test
    void confluentFramedRecordWithoutARegistryConfiguredIsRejected() {
        byte[] bytes = {0, 0, 0, 0, 42, 2, 'x'};

        assertThatThrownBy(() -> deserializer.deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema id 42")
                .hasMessageContaining(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
    }

    private static GenericRecord toGeneric(SpecificRecord record, Schema schema) {
        // SpecificRecord is an IndexedRecord with the same layout as the released schema of version 1
        GenericData.Record generic = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            generic.put(field.pos(), record.get(field.pos()));
        }
        return generic;
    }
}
