package dev.dmsflow.contracts.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.Topics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

/**
 * Schemas evolve only backward compatibly: the current schema of every event must read data written with every
 * released version of it (kept in src/main/resources/dev/dmsflow/contracts/released).
 */
class SchemaCompatibilityTest {

    @Test
    void everyEventHasAReleasedVersion() {
        Set<String> current = new HashSet<>();
        Topics.VALUE_TYPES.values().forEach(types -> types.forEach(t -> current.add(SpecificData.get().getSchema(t).getFullName())));

        assertThat(KnownSchemas.get().released().keySet()).containsExactlyInAnyOrderElementsOf(current);
    }

    @Test
    void currentSchemasReadEveryReleasedVersion() {
        List<String> problems = new ArrayList<>();
        Topics.VALUE_TYPES.values().forEach(types -> types.forEach(type -> {
            Schema current = SpecificData.get().getSchema(type);
            List<Schema> released = KnownSchemas.get().released().get(current.getFullName());
            for (int i = 0; i < released.size(); i++) {
                String problem = incompatibility(current, released.get(i));
                if (problem != null) {
                    problems.add(current.getName() + " cannot read v" + (i + 1) + ": " + problem);
                }
            }
        }));

        assertThat(problems).as("backward-incompatible schema changes").isEmpty();
    }

    @Test
    void theCheckCatchesABreakingChange() {
        Schema released = KnownSchemas.get().released().get("dev.dmsflow.contracts.event.TaskFailed").get(0);
        String json = released.toString();

        Schema addedWithoutDefault = new Schema.Parser().parse(json.replace("{\"name\":\"retryable\"",
                "{\"name\":\"severity\",\"type\":\"string\",\"doc\":\"x\"},{\"name\":\"retryable\""));
        Schema addedWithDefault = new Schema.Parser().parse(json.replace("{\"name\":\"retryable\"",
                "{\"name\":\"severity\",\"type\":\"string\",\"default\":\"HIGH\",\"doc\":\"x\"},{\"name\":\"retryable\""));
        Schema retyped = new Schema.Parser().parse(json.replace("\"name\":\"retryable\",\"type\":\"boolean\"", "\"name\":\"retryable\",\"type\":\"int\""));

        assertThat(incompatibility(addedWithoutDefault, released)).contains("severity");
        assertThat(incompatibility(retyped, released)).isNotNull();
        assertThat(incompatibility(addedWithDefault, released)).isNull();
    }

    @Test
    void everyRecordAndFieldIsDocumented() {
        List<String> undocumented = new ArrayList<>();
        Topics.VALUE_TYPES.values().forEach(types -> types.forEach(type ->
                collectUndocumented(SpecificData.get().getSchema(type), new HashSet<>(), undocumented)));

        assertThat(undocumented).isEmpty();
    }

    private static String incompatibility(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        return result.getType() == SchemaCompatibilityType.COMPATIBLE ? null : result.getResult().getIncompatibilities().toString();
    }

    private static void collectUndocumented(Schema schema, Set<String> seen, List<String> undocumented) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (schema.getDoc() == null || schema.getDoc().isBlank()) {
                    undocumented.add(schema.getFullName());
                }
                for (Schema.Field field : schema.getFields()) {
                    if (field.doc() == null || field.doc().isBlank()) {
                        undocumented.add(schema.getFullName() + "." + field.name());
                    }
                    collectUndocumented(field.schema(), seen, undocumented);
                }
            }
            case ARRAY -> collectUndocumented(schema.getElementType(), seen, undocumented);
            case UNION -> schema.getTypes().forEach(t -> collectUndocumented(t, seen, undocumented));
            case ENUM -> {
                if (seen.add(schema.getFullName()) && (schema.getDoc() == null || schema.getDoc().isBlank())) {
                    undocumented.add(schema.getFullName());
                }
            }
            default -> {
            }
        }
    }
}
