package dev.dmsflow.contracts.serde;

import java.util.Map;

/** Configuration keys of the dmsflow Avro serde, passed through the Kafka client properties. */
public final class AvroSerdeConfig {

    /**
     * Base URL of a Confluent-compatible Schema Registry (Confluent, Apicurio's ccompat API, Karapace, Redpanda).
     * Set: the serializer writes the Confluent wire format. Unset or blank: Avro single-object encoding.
     */
    public static final String SCHEMA_REGISTRY_URL = "dmsflow.schema-registry.url";

    private AvroSerdeConfig() {
    }

    static String registryUrl(Map<String, ?> configs) {
        Object value = configs.get(SCHEMA_REGISTRY_URL);
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        return value.toString().strip();
    }
}
