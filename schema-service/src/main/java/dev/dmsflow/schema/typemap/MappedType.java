package dev.dmsflow.schema.typemap;

import java.util.Optional;

/**
 * The PostgreSQL type an Oracle column becomes.
 *
 * @param sql       the type as written in DDL, e.g. {@code numeric(12,2)}
 * @param note      what differs from the Oracle type, when something does (precision cut, length semantics, collation)
 * @param collation the collation as written after {@code COLLATE}, e.g. {@code "C"}; empty for the database default
 */
public record MappedType(String sql, Optional<String> note, Optional<String> collation) {

    public MappedType(String sql, Optional<String> note) {
        this(sql, note, Optional.empty());
    }

    static MappedType exact(String sql) {
        return new MappedType(sql, Optional.empty());
    }

    static MappedType noted(String sql, String note) {
        return new MappedType(sql, Optional.of(note));
    }

    MappedType collated(String collationSql) {
        return new MappedType(sql, note, Optional.of(collationSql));
    }

    MappedType alsoNoted(String more) {
        return new MappedType(sql, Optional.of(note.map(n -> n + "; " + more).orElse(more)), collation);
    }
}
