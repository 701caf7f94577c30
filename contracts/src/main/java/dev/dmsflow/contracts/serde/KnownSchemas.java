package dev.dmsflow.contracts.serde;

import dev.dmsflow.contracts.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The schema versions contracts ships: the current event classes and every released version kept under
 * {@value #RELEASED}. Single-object encoded messages are resolved against these by CRC-64-AVRO fingerprint, so a
 * consumer reads messages written with any released version of an event.
 */
final class KnownSchemas {

    static final String RELEASED = "dev/dmsflow/contracts/released/";

    private static final KnownSchemas INSTANCE = load();

    private final Map<String, Class<? extends SpecificRecord>> classesByName;
    private final Map<Long, Schema> schemasByFingerprint;
    private final Map<String, List<Schema>> releasedByName;

    private KnownSchemas(Map<String, Class<? extends SpecificRecord>> classesByName,
                         Map<Long, Schema> schemasByFingerprint, Map<String, List<Schema>> releasedByName) {
        this.classesByName = classesByName;
        this.schemasByFingerprint = schemasByFingerprint;
        this.releasedByName = releasedByName;
    }

    /**
     * The data model every event is read and written with. Generated classes register conversions only for the
     * logical types they use directly, so a nested union such as {@code ["null", timestamp-millis]} needs a model that
     * knows all of them. Arrays are read as plain {@link ArrayList}s: Avro's own array type compares its elements
     * with a model that lacks those conversions, so events holding them could not be compared with equals.
     */
    static final SpecificData MODEL = model();

    static KnownSchemas get() {
        return INSTANCE;
    }

    static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    Schema byFingerprint(long fingerprint) {
        return schemasByFingerprint.get(fingerprint);
    }

    Class<? extends SpecificRecord> eventClass(String fullName) {
        return classesByName.get(fullName);
    }

    /** Event full name → its released schema versions, oldest first. */
    Map<String, List<Schema>> released() {
        return releasedByName;
    }

    private static SpecificData model() {
        SpecificData model = new SpecificData(KnownSchemas.class.getClassLoader()) {
            @Override
            public Object newArray(Object old, int size, Schema schema) {
                return new ArrayList<>(size);
            }
        };
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        return model;
    }

    private static KnownSchemas load() {
        Map<String, Class<? extends SpecificRecord>> classes = new HashMap<>();
        Map<Long, Schema> byFingerprint = new HashMap<>();
        Topics.VALUE_TYPES.values().stream().flatMap(List::stream).forEach(type -> {
            Schema schema = SpecificData.get().getSchema(type);
            classes.put(schema.getFullName(), type);
            byFingerprint.put(fingerprint(schema), schema);
        });
        Map<String, List<Schema>> released = new LinkedHashMap<>();
        for (String file : resourceLines(RELEASED + "index.txt")) {
            try (InputStream in = resource(RELEASED + file)) {
                Schema schema = new Schema.Parser().parse(in);
                released.computeIfAbsent(schema.getFullName(), name -> new ArrayList<>()).add(schema);
                byFingerprint.putIfAbsent(fingerprint(schema), schema);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read released schema " + file, e);
            }
        }
        released.replaceAll((name, versions) -> List.copyOf(versions));
        return new KnownSchemas(Map.copyOf(classes), Map.copyOf(byFingerprint), Collections.unmodifiableMap(released));
    }

    private static List<String> resourceLines(String path) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(resource(path), StandardCharsets.UTF_8))) {
            return reader.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = KnownSchemas.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("contracts jar lacks " + path);
        }
        return in;
    }
}
