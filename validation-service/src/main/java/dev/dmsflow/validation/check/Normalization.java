package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.catalog.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How a value is normalised before two copies of a row are compared, staging against production and staging against
 * the source alike, so that representation differences a migration legitimately introduces are not reported:
 * <ul>
 *   <li>numeric scale: {@code trim_scale}, so {@code 1.50} in a numeric(10,2) equals {@code 1.5} in a numeric(12,4);
 *       skipped when both sides declare the same scale, whose stored values are then alike;</li>
 *   <li>timestamp precision: both sides rounded to the coarser side's fractional digits (Oracle DATE keeps seconds;
 *       PostgreSQL rounds when it narrows, so rounding is what a load does);</li>
 *   <li>time zones: timestamptz taken to UTC wall time; timestamp without time zone is UTC (dmsflow's windows are);</li>
 *   <li>{@code ''} as NULL: Oracle stores an empty string as NULL, so a copy may hold either;</li>
 *   <li>CHAR padding: trailing blanks of char(n) dropped;</li>
 *   <li>integers of different widths compared as bigint; any other pair of differing types, and types without a
 *       hash function, compared as text.</li>
 * </ul>
 * Values stay typed where they can, and a row's digest is {@code hash_record} of the ROW() of its normalised values
 * (PostgreSQL 14+): hashing typed values is about three times cheaper than rendering and hashing the row's text, and
 * NULLs stay distinct from any value.
 */
final class Normalization {

    private Normalization() {
    }

    private static final Set<String> INTEGERS = Set.of("int2", "int4", "int8");
    private static final Set<String> TIMES = Set.of("timestamp", "timestamptz", "date");
    private static final Set<String> TEXTS = Set.of("varchar", "text", "bpchar");
    private static final Set<String> HASHABLE = Set.of("int2", "int4", "int8", "float4", "float8", "numeric", "bool", "bytea", "uuid",
            "date", "timestamp", "timestamptz", "time", "interval", "text", "varchar", "bpchar", "jsonb", "oid");

    /** The value of {@code alias.column}, normalised for comparison with {@code other} on the other side. */
    static String value(String alias, Column column, Column other) {
        String ref = alias + "." + quote(column.name());
        String type = column.typeName();
        String otherType = other.typeName();
        if (INTEGERS.contains(type) && INTEGERS.contains(otherType)) {
            return type.equals(otherType) ? ref : ref + "::int8";
        }
        if ((type.equals("numeric") || INTEGERS.contains(type)) && (otherType.equals("numeric") || INTEGERS.contains(otherType))) {
            boolean sameScale = type.equals("numeric") && otherType.equals("numeric") && column.typmod() >= 0 && column.typmod() == other.typmod();
            return sameScale ? ref : "trim_scale(" + ref + "::numeric)";
        }
        if (TIMES.contains(type) && TIMES.contains(otherType)) {
            if (type.equals("date") && otherType.equals("date")) {
                return ref;
            }
            int precision = Math.min(column.secondsPrecision(), other.secondsPrecision());
            String utc = type.equals("timestamptz") ? "(" + ref + " AT TIME ZONE 'UTC')" : ref;
            return column.isTimestamp() && precision == column.secondsPrecision() ? utc : utc + "::timestamp(" + precision + ")";
        }
        if (TEXTS.contains(type) && TEXTS.contains(otherType)) {
            return type.equals("bpchar") ? "nullif(rtrim(" + ref + "::text), '')" : "nullif(" + ref + "::text, '')";
        }
        return type.equals(otherType) && HASHABLE.contains(type) ? ref : ref + "::text";
    }

    /** The ROW() of the normalised values of {@code columns}, paired index by index with {@code others}. */
    static String row(String alias, List<Column> columns, List<Column> others) {
        if (columns.isEmpty()) {
            return "ROW(0)";
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            values.add(value(alias, columns.get(i), others.get(i)));
        }
        return "ROW(" + String.join(", ", values) + ")";
    }

    /** The digest of one normalised row. */
    static String hash(String row) {
        return "hash_record(" + row + ")";
    }

    /** The key as users read it: {@code 42}, or {@code (42, 1)} for a composite key. */
    static String keyText(String alias, List<String> keyColumns) {
        if (keyColumns.size() == 1) {
            return alias + "." + quote(keyColumns.get(0)) + "::text";
        }
        List<String> parts = keyColumns.stream().map(k -> alias + "." + quote(k) + "::text").toList();
        return "'(' || concat_ws(', ', " + String.join(", ", parts) + ") || ')'";
    }

    /** Quotes a column name; one from the database catalog that is not plain is refused rather than trusted. */
    static String quote(String name) {
        if (!Identifiers.isPlain(name)) {
            throw new InvalidRunException("column " + name + " is not a plain identifier");
        }
        return Identifiers.quote(name);
    }
}
