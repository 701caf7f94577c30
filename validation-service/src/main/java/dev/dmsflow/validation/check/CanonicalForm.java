package dev.dmsflow.validation.check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How a pair of columns is rendered when a row is compared across database engines (an Oracle source with PostgreSQL
 * staging): one text form per value, computed in SQL on each side ({@link OracleSql}, {@link PostgresCanonical}), byte
 * for byte the same for equal values, so that each side can hash and sum its rows and only the sums travel.
 *
 * <table>
 *   <caption>canonical text per family</caption>
 *   <tr><th>family</th><th>text</th></tr>
 *   <tr><td>NUMBER</td><td>plain decimal without trailing zeros or exponent, a 0 before the point: {@code 1.5}, {@code 0.5},
 *       {@code -0.5}, {@code 100}</td></tr>
 *   <tr><td>TIME</td><td>UTC, {@code 2026-01-31T23:59:59.123} at {@link #precision} fractional digits (rounded), none
 *       when 0</td></tr>
 *   <tr><td>TEXT</td><td>as is; trailing blanks dropped when either side is CHAR ({@link #padded}); {@code ''} is NULL</td></tr>
 *   <tr><td>BINARY</td><td>upper-case hex; empty is NULL</td></tr>
 *   <tr><td>large TEXT / BINARY (a LOB on either side)</td><td>{@code <length>:<sum of 1000-unit chunk hashes>}, see
 *       {@link #CHUNK}</td></tr>
 * </table>
 *
 * <p>A row's text: its columns in groups ({@link #groups}), a group's values joined by {@link #SEPARATOR}, NULL as
 * nothing (no canonical value is empty, since '' is NULL), a group of one NULL as the separator alone (MD5 of NULL is
 * NULL in Oracle). Row hash: the first 8 hex digits of the MD5 of the group's text read as a number (0 to 2^32 - 1),
 * so that sums per key range fit 64 bits; with several groups, of the MD5 of their MD5s' lower-case hex, one after the
 * other.
 *
 * @param precision fractional-second digits of a TIME pair: the coarser column's
 * @param padded    a TEXT pair of which one side is CHAR: trailing blanks dropped on both sides
 * @param large     a CLOB or BLOB on either side: compared by {@link #CHUNK}-unit chunk hashes
 */
record CanonicalForm(Family family, int precision, boolean padded, boolean large) {

    enum Family { NUMBER, TIME, TEXT, BINARY }

    /**
     * The key as both sides render it, from its columns' canonical values: {@code 42}, or {@code (42, 1)} for a
     * composite key. One rendering for both engines, so a key read on one side is found on the other.
     */
    static String keyText(List<String> keyValues) {
        if (keyValues.size() == 1) {
            return keyValues.get(0);
        }
        return "'(' || " + String.join(" || ', ' || ", keyValues) + " || ')'";
    }

    /** Between canonical values: a control character no business text holds. */
    static final int SEPARATOR = 31;

    /**
     * Characters (CLOB, text) or bytes (BLOB, bytea) per hashed chunk of a large value: a chunk's text, its number
     * and, for binary, its hex, stays within Oracle's 4000-byte VARCHAR2 in SQL.
     */
    static final int CHUNK = 1000;

    /** Bytes of a group's text: STANDARD_HASH takes a VARCHAR2, at most 4000 bytes in Oracle SQL. */
    static final int GROUP_BYTES = 4000;

    /** Canonical texts of this many bytes or more are their own group. */
    static final int UNBOUNDED = Integer.MAX_VALUE / 2;

    /**
     * What one side's column holds, as its dialect describes it.
     *
     * @param width the most bytes its canonical text can take ({@link #UNBOUNDED} when there is no limit)
     */
    record Type(Family family, int precision, boolean padded, boolean large, int width) {
    }

    /**
     * The form of a pair: the coarser precision, padding and largeness of either side.
     *
     * @throws InvalidRunException when the two columns are of different families
     */
    static CanonicalForm of(String column, Type source, Type staged) {
        if (source.family() != staged.family()) {
            throw new InvalidRunException("column " + column + " cannot be compared across databases: " + source.family() + " in the source, "
                    + staged.family() + " in staging");
        }
        return new CanonicalForm(source.family(), Math.min(source.precision(), staged.precision()), source.padded() || staged.padded(),
                source.large() || staged.large());
    }

    /** The width of this form's text for a column of {@code width}: a large value's text is its length and a sum. */
    int width(int columnWidth) {
        return large ? 41 : columnWidth;
    }

    /**
     * Column indexes in groups whose texts (values and the separators between them) fit {@link #GROUP_BYTES}, in column
     * order; a column that cannot share is alone. Both sides group by the same widths (the source's), so their texts agree.
     */
    static List<List<Integer>> groups(List<Integer> widths) {
        List<List<Integer>> groups = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < widths.size(); i++) {
            long width = widths.get(i);
            if (!current.isEmpty() && bytes + 1 + width > GROUP_BYTES) {
                groups.add(current);
                current = new ArrayList<>();
            }
            bytes = current.isEmpty() ? width : bytes + 1 + width;
            current.add(i);
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    /** {@code YYYY-MM-DD"T"HH24:MI:SS[.FFp]}: the same format model in Oracle's and PostgreSQL's {@code to_char}. */
    static String timeFormat(int precision) {
        return "YYYY-MM-DD\"T\"HH24:MI:SS" + (precision > 0 ? ".FF" + precision : "");
    }

    /**
     * The compared columns of a table on both sides, index by index, each pair's form, and the row's groups.
     *
     * @param source the source's columns, as its dialect's catalog describes them
     * @param staged the staging table's (PostgreSQL) columns of the same names
     */
    record Row(List<Column> source, List<Column> staged, List<CanonicalForm> forms, List<List<Integer>> groups) {

        /** Pairs {@code source} with {@code staged} index by index; widths come from the source's dialect. */
        static Row of(List<Column> source, Function<Column, Type> sourceTypes, List<Column> staged) {
            List<CanonicalForm> forms = new ArrayList<>();
            List<Integer> widths = new ArrayList<>();
            for (int i = 0; i < source.size(); i++) {
                Type type = sourceTypes.apply(source.get(i));
                CanonicalForm form = CanonicalForm.of(source.get(i).name(), type, PostgresCanonical.type(staged.get(i)));
                forms.add(form);
                widths.add(form.width(type.width()));
            }
            return new Row(List.copyOf(source), List.copyOf(staged), List.copyOf(forms), CanonicalForm.groups(widths));
        }

        /** The form of the pair {@code column} (a source or a staged column of this row) is in. */
        CanonicalForm form(Column column) {
            int index = source.indexOf(column);
            if (index < 0) {
                index = staged.indexOf(column);
            }
            if (index < 0) {
                throw new InvalidRunException("column " + column.name() + " is not compared");
            }
            return forms.get(index);
        }
    }
}
