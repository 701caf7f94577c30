package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.catalog.Identifiers;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A table or view that exists in the database, with its columns in table order; its name is safe to quote. */
record Relation(String schema, String name, Map<String, Column> columns) {

    String quoted() {
        return Identifiers.qualified(schema, name);
    }

    Column column(String column) {
        Column found = columns.get(column);
        if (found == null) {
            throw new InvalidRunException(this + " has no column " + column);
        }
        return found;
    }

    /** The column of that name ignoring case: Oracle names are upper case, their PostgreSQL copies lower case. */
    Optional<Column> columnIgnoringCase(String column) {
        return columns.values().stream().filter(c -> c.name().toLowerCase(Locale.ROOT).equals(column.toLowerCase(Locale.ROOT))).findFirst();
    }

    List<Column> columnList() {
        return List.copyOf(columns.values());
    }

    @Override
    public String toString() {
        return schema + '.' + name;
    }
}
