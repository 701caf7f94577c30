package dev.dmsflow.validation.check;

import static dev.dmsflow.validation.check.CanonicalForm.CHUNK;
import static dev.dmsflow.validation.check.CanonicalForm.UNBOUNDED;

import dev.dmsflow.validation.check.CanonicalForm.Family;
import dev.dmsflow.validation.check.CanonicalForm.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * PostgreSQL's SQL for the {@link CanonicalForm} of a row compared across engines: the same texts {@link OracleSql}
 * renders, hashed with {@code md5} and read as a number. Only used against a source of another engine (and by tests,
 * with a PostgreSQL source): PostgreSQL against PostgreSQL hashes typed values ({@link Normalization}), which is faster.
 */
final class PostgresCanonical {

    private static final Set<String> INTEGERS = Set.of("int2", "int4", "int8");

    private PostgresCanonical() {
    }

    /** What a PostgreSQL column holds, in canonical terms; {@link InvalidRunException} for a type without a canonical form. */
    static Type type(Column column) {
        return switch (column.typeName()) {
            case "int2", "int4", "int8", "numeric" -> new Type(Family.NUMBER, 0, false, false, 66);
            case "timestamp", "timestamptz", "date" -> new Type(Family.TIME, column.secondsPrecision(), false, false, 32);
            case "varchar" -> new Type(Family.TEXT, 0, false, false, utf8Bytes(column));
            case "bpchar" -> new Type(Family.TEXT, 0, true, false, utf8Bytes(column));
            case "text" -> new Type(Family.TEXT, 0, false, false, UNBOUNDED);
            case "bytea" -> new Type(Family.BINARY, 0, false, false, UNBOUNDED);
            default -> throw new InvalidRunException("column " + column.name() + " of type " + column.formattedType()
                    + " has no canonical form to compare it across databases");
        };
    }

    /** varchar(n) and char(n) keep n + 4 in atttypmod; a character takes up to 4 bytes in UTF-8. */
    private static int utf8Bytes(Column column) {
        return column.typmod() > 4 ? 4 * (column.typmod() - 4) : UNBOUNDED;
    }

    /** The canonical text of {@code ref}, a column of type {@code column}, in {@code form}; NULL stays NULL. */
    static String value(String ref, Column column, CanonicalForm form) {
        return switch (form.family()) {
            case NUMBER -> INTEGERS.contains(column.typeName()) ? ref + "::text" : "trim_scale(" + ref + ")::text";
            case TIME -> {
                String utc = column.typeName().equals("timestamptz") ? "(" + ref + " AT TIME ZONE 'UTC')" : ref;
                yield "to_char(" + utc + "::timestamp(" + form.precision() + "), '" + CanonicalForm.timeFormat(form.precision()) + "')";
            }
            case TEXT -> {
                if (form.large()) {
                    yield large(ref, "substr(" + ref + ", c.i * " + CHUNK + " - " + (CHUNK - 1) + ", " + CHUNK + ")");
                }
                yield form.padded() ? "nullif(rtrim(" + ref + "::text), '')" : "nullif(" + ref + "::text, '')";
            }
            case BINARY -> form.large()
                    ? large(ref, "upper(encode(substr(" + ref + ", c.i * " + CHUNK + " - " + (CHUNK - 1) + ", " + CHUNK + "), 'hex'))")
                    : "nullif(upper(encode(" + ref + ", 'hex')), '')";
        };
    }

    /** {@code <length>:<sum of the chunks' hashes>}, chunk {@code c.i} (from 1) hashed with its number; empty is NULL. */
    private static String large(String ref, String chunk) {
        return "CASE WHEN length(" + ref + ") > 0 THEN length(" + ref + ") || ':' || (SELECT sum(" + number("c.i || ':' || " + chunk)
                + ") FROM generate_series(1, (length(" + ref + ") + " + (CHUNK - 1) + ") / " + CHUNK + ") AS c(i)) END";
    }

    /** The row hash of canonical {@code values} grouped by {@code groups} (see {@link CanonicalForm}). */
    static String rowHash(List<String> values, List<List<Integer>> groups) {
        List<String> texts = new ArrayList<>();
        for (List<Integer> group : groups) {
            if (group.size() == 1) {
                texts.add("coalesce(" + values.get(group.get(0)) + ", chr(" + CanonicalForm.SEPARATOR + "))");
            } else {
                texts.add(String.join(" || chr(" + CanonicalForm.SEPARATOR + ") || ", group.stream().map(i -> "coalesce(" + values.get(i) + ", '')").toList()));
            }
        }
        if (texts.size() == 1) {
            return number(texts.get(0));
        }
        return number(String.join(" || ", texts.stream().map(text -> "md5(" + text + ")").toList()));
    }

    /** The row hash of {@code columns} (the source's or the staged columns of {@code row}) under {@code alias}. */
    static String rowHash(String alias, List<Column> columns, CanonicalForm.Row row) {
        List<String> values = new ArrayList<>();
        for (Column column : columns) {
            values.add(value(alias + "." + Normalization.quote(column.name()), column, row.form(column)));
        }
        return rowHash(values, row.groups());
    }

    /** The key text of {@code keys} (columns of {@code row}, in key order) under {@code alias}. */
    static String keyText(String alias, List<Column> keys, CanonicalForm.Row row) {
        return CanonicalForm.keyText(keys.stream().map(key -> value(alias + "." + Normalization.quote(key.name()), key, row.form(key))).toList());
    }

    /** The first 8 hex digits of the MD5 of {@code text} as a number from 0 to 2^32 - 1. */
    private static String number(String text) {
        return "('x' || substr(md5(" + text + "), 1, 8))::bit(32)::bigint";
    }
}
