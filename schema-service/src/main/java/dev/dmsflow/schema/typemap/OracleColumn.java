package dev.dmsflow.schema.typemap;

import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;

/**
 * A column as Oracle's ALL_TAB_COLS describes it.
 *
 * @param dataType  DATA_TYPE, e.g. {@code NUMBER}, {@code VARCHAR2}, {@code TIMESTAMP(6) WITH TIME ZONE}
 * @param dataLength DATA_LENGTH, in bytes
 * @param precision DATA_PRECISION: decimal digits of a NUMBER, binary digits of a FLOAT; null when not declared
 * @param scale     DATA_SCALE: digits after the point of a NUMBER, fractional second digits of a TIMESTAMP; null when not declared
 * @param charLength CHAR_LENGTH, in characters
 * @param charUsed  CHAR_USED: {@code B} (byte length semantics) or {@code C} (character semantics), null for non-character types
 * @param collation COLLATION (Oracle 12.2 and later), e.g. {@code USING_NLS_COMP}, {@code BINARY}, {@code BINARY_CI};
 *                  null for non-character types and where the dictionary has no such column
 */
public record OracleColumn(String owner, String table, String name, String dataType, int dataLength, Integer precision,
                           Integer scale, int charLength, String charUsed, boolean nullable, String collation) {

    /** A column as dictionaries without a COLLATION column (before Oracle 12.2) describe it. */
    public OracleColumn(String owner, String table, String name, String dataType, int dataLength, Integer precision,
                        Integer scale, int charLength, String charUsed, boolean nullable) {
        this(owner, table, name, dataType, dataLength, precision, scale, charLength, charUsed, nullable, null);
    }

    /** OWNER.TABLE.COLUMN, as error messages name it. */
    public String qualifiedName() {
        return owner + "." + table + "." + name;
    }

    /** Fractional-second digits the column holds: 0 for DATE, p for TIMESTAMP(p) [WITH [LOCAL] TIME ZONE]; empty for other types. */
    public OptionalInt fractionalSecondDigits() {
        String type = dataType.strip().toUpperCase(Locale.ROOT);
        if (type.equals("DATE")) {
            return OptionalInt.of(0);
        }
        Matcher timestamp = OracleTypeMapping.TIMESTAMP.matcher(type);
        if (!timestamp.matches()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(timestamp.group(1) != null ? Integer.parseInt(timestamp.group(1)) : scale != null ? scale : 6);
    }
}
