package dev.dmsflow.schema.typemap;

/**
 * A column as Oracle's ALL_TAB_COLS describes it.
 *
 * @param dataType  DATA_TYPE, e.g. {@code NUMBER}, {@code VARCHAR2}, {@code TIMESTAMP(6) WITH TIME ZONE}
 * @param dataLength DATA_LENGTH, in bytes
 * @param precision DATA_PRECISION: decimal digits of a NUMBER, binary digits of a FLOAT; null when not declared
 * @param scale     DATA_SCALE: digits after the point of a NUMBER, fractional second digits of a TIMESTAMP; null when not declared
 * @param charLength CHAR_LENGTH, in characters
 * @param charUsed  CHAR_USED: {@code B} (byte length semantics) or {@code C} (character semantics), null for non-character types
 */
public record OracleColumn(String owner, String table, String name, String dataType, int dataLength, Integer precision,
                           Integer scale, int charLength, String charUsed, boolean nullable) {

    /** OWNER.TABLE.COLUMN, as error messages name it. */
    public String qualifiedName() {
        return owner + "." + table + "." + name;
    }
}
