package dev.dmsflow.validation.check;

import dev.dmsflow.contracts.catalog.Identifiers;
import java.util.ArrayList;
import java.util.List;

/**
 * How a value is rendered before two copies of a row are compared, staging against production and staging against the
 * source alike, so that representation differences a migration legitimately introduces are not reported as changes:
 * <ul>
 *   <li>numeric scale: {@code trim_scale}, so {@code 1.50} in a numeric(10,2) equals {@code 1.5} in a numeric(12,4);</li>
 *   <li>timestamp precision: both sides rounded to the coarser side's fractional digits (Oracle DATE keeps seconds,
 *       PostgreSQL rounds when it narrows, so rounding is what a load does);</li>
 *   <li>time zones: timestamptz rendered in UTC, timestamp without time zone taken as UTC (dmsflow's windows are UTC);</li>
 *   <li>{@code ''} as NULL: Oracle stores an empty string as NULL, so a copy may hold either;</li>
 *   <li>CHAR padding: trailing blanks of char(n) dropped, as PostgreSQL's own char comparison does;</li>
 *   <li>bytea as hex; everything else in its canonical text form.</li>
 * </ul>
 * A row becomes the text of a ROW() of its normalised values, in which NULL and {@code ""} stay distinct.
 */
final class Normalization {

    private static final String TIMESTAMP_FORMAT = "'YYYY-MM-DD HH24:MI:SS.US'";

    private Normalization() {
    }

    /** The value of {@code alias.column} as normalised text, for comparison with {@code other} on the other side. */
    static String value(String alias, Column column, Column other) {
        String ref = alias + "." + quote(column.name());
        return switch (column.typeName()) {
            case "numeric" -> "trim_scale(" + ref + ")::text";
            case "timestamp", "timestamptz", "date" -> {
                int precision = Math.min(column.secondsPrecision(), other.isTimestamp() || other.typeName().equals("date")
                        ? other.secondsPrecision() : column.secondsPrecision());
                String utc = column.typeName().equals("timestamptz") ? "(" + ref + " AT TIME ZONE 'UTC')" : ref;
                yield "to_char(" + utc + "::timestamp(" + precision + "), " + TIMESTAMP_FORMAT + ")";
            }
            case "varchar", "text" -> "nullif(" + ref + "::text, '')";
            case "bpchar" -> "nullif(rtrim(" + ref + "::text), '')";
            case "bytea" -> "encode(" + ref + ", 'hex')";
            default -> ref + "::text";
        };
    }

    /** The normalised row text of {@code columns} (paired index by index with {@code others}), or '' when there are none. */
    static String row(String alias, List<Column> columns, List<Column> others) {
        if (columns.isEmpty()) {
            return "''";
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            values.add(value(alias, columns.get(i), others.get(i)));
        }
        return "ROW(" + String.join(", ", values) + ")::text";
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
