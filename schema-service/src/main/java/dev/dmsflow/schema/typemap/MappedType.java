package dev.dmsflow.schema.typemap;

import java.util.Optional;

/**
 * The PostgreSQL type an Oracle column becomes.
 *
 * @param sql  the type as written in DDL, e.g. {@code numeric(12,2)}
 * @param note what differs from the Oracle type, when something does (precision cut, length semantics)
 */
public record MappedType(String sql, Optional<String> note) {

    static MappedType exact(String sql) {
        return new MappedType(sql, Optional.empty());
    }

    static MappedType noted(String sql, String note) {
        return new MappedType(sql, Optional.of(note));
    }
}
