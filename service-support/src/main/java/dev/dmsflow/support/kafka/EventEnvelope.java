package dev.dmsflow.support.kafka;

import dev.dmsflow.contracts.event.EventHeader;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.jspecify.annotations.Nullable;

/** What every dmsflow event carries, read without knowing its type: its header and the catalog names of its tables. */
public final class EventEnvelope {

    private EventEnvelope() {
    }

    public static @Nullable EventHeader header(IndexedRecord event) {
        return field(event, "header") instanceof EventHeader header ? header : null;
    }

    /** Catalog names of the event's tables: its {@code tables} items, or their {@code table}, carry a {@code name}. */
    public static List<String> tables(IndexedRecord event) {
        List<String> names = new ArrayList<>();
        if (field(event, "tables") instanceof List<?> tables) {
            for (Object item : tables) {
                Object table = item instanceof IndexedRecord entry && field(entry, "table") instanceof IndexedRecord ref ? ref : item;
                if (table instanceof IndexedRecord named && field(named, "name") instanceof CharSequence name) {
                    names.add(name.toString());
                }
            }
        }
        return names;
    }

    private static @Nullable Object field(IndexedRecord record, String name) {
        Schema.Field field = record.getSchema().getField(name);
        return field == null ? null : record.get(field.pos());
    }
}
