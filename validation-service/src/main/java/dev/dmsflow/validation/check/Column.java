package dev.dmsflow.validation.check;

/**
 * A column as PostgreSQL's catalog describes it.
 *
 * @param typeName      {@code pg_type.typname}, e.g. {@code int8}, {@code numeric}, {@code timestamptz}, {@code bpchar}
 * @param formattedType {@code format_type()}, usable in a cast, e.g. {@code character varying(20)}
 * @param typmod        {@code atttypmod}: for timestamps the fractional-second precision, -1 when unspecified
 */
record Column(String name, String typeName, String formattedType, int typmod) {

    boolean isTimestamp() {
        return typeName.equals("timestamp") || typeName.equals("timestamptz");
    }

    /** Fractional-second digits the column keeps: a date keeps none, an unconstrained timestamp PostgreSQL's 6. */
    int secondsPrecision() {
        if (typeName.equals("date")) {
            return 0;
        }
        return typmod < 0 ? 6 : typmod;
    }
}
