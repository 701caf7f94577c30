package dev.dmsflow.schema.typemap;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one Oracle → PostgreSQL type mapping every table schema-service creates goes through. It is exact where
 * PostgreSQL can be: NUMBER with a scale becomes numeric(p,s), never real or double precision (ora2pg's default, which
 * loses money values); integers get the smallest integer type that holds every value of their precision; FLOAT(b), a
 * decimal NUMBER in Oracle, becomes numeric unless the table accepts binary floats. Where PostgreSQL cannot hold what
 * Oracle can (fractional seconds beyond microseconds, collations without a PostgreSQL twin), the mapped type carries a
 * note. A type not listed here fails with the column's name instead of a guess.
 */
public final class OracleTypeMapping {

    // ALL_TAB_COLS spells the fractional precision into DATA_TYPE: TIMESTAMP(6), TIMESTAMP(9) WITH LOCAL TIME ZONE
    static final Pattern TIMESTAMP = Pattern.compile("TIMESTAMP(?:\\((\\d)\\))?( WITH (?:LOCAL )?TIME ZONE)?");
    /** Oracle's NUMBER holds at most 38 significant digits; NUMBER(*,s) and INTEGER declare no precision. */
    private static final int ORACLE_MAX_PRECISION = 38;
    /** PostgreSQL keeps microseconds at most. */
    private static final int PG_MAX_FRACTION = 6;

    private static final Set<String> CHARACTER_TYPES = Set.of("VARCHAR2", "VARCHAR", "NVARCHAR2", "CHAR", "NCHAR",
            "CLOB", "NCLOB", "LONG");

    private final boolean raw16AsUuid;

    /** @param raw16AsUuid map RAW(16) to uuid (for columns that hold GUIDs, e.g. SYS_GUID() keys) instead of bytea */
    public OracleTypeMapping(boolean raw16AsUuid) {
        this.raw16AsUuid = raw16AsUuid;
    }

    /** The column's type with FLOAT(b) mapped exactly (numeric). */
    public MappedType map(OracleColumn column) {
        return map(column, false);
    }

    /**
     * @param binaryFloats the table accepts real / double precision for FLOAT(b) columns (the catalog's
     *                     {@code binaryFloats}), which round decimal values; otherwise they become numeric
     */
    public MappedType map(OracleColumn column, boolean binaryFloats) {
        String type = column.dataType().strip().toUpperCase(Locale.ROOT);
        Matcher timestamp = TIMESTAMP.matcher(type);
        if (timestamp.matches()) {
            return timestamp(column.fractionalSecondDigits().orElseThrow(), timestamp.group(2) != null);
        }
        MappedType mapped = switch (type) {
            case "NUMBER" -> number(column);
            case "FLOAT" -> binaryFloats ? binaryFloat(column) : MappedType.exact("numeric");
            case "BINARY_FLOAT" -> MappedType.exact("real");
            case "BINARY_DOUBLE" -> MappedType.exact("double precision");
            case "DATE" -> MappedType.exact("timestamp(0)");
            case "VARCHAR2", "VARCHAR" -> characters("varchar", column);
            case "NVARCHAR2" -> characters("varchar", column);
            case "CHAR", "NCHAR" -> characters("char", column);
            case "CLOB", "NCLOB", "LONG" -> MappedType.exact("text");
            case "BLOB", "LONG RAW" -> MappedType.exact("bytea");
            case "RAW" -> raw16AsUuid && column.dataLength() == 16 ? MappedType.exact("uuid") : MappedType.exact("bytea");
            default -> throw new UnmappableTypeException("Column " + column.qualifiedName() + " has Oracle type " + column.dataType()
                    + ", which has no exact PostgreSQL mapping here (mapped: NUMBER, FLOAT, BINARY_FLOAT, BINARY_DOUBLE, DATE,"
                    + " TIMESTAMP [WITH [LOCAL] TIME ZONE], VARCHAR2, NVARCHAR2, CHAR, NCHAR, CLOB, NCLOB, LONG, BLOB, RAW, LONG RAW);"
                    + " create the production table by hand with the type you want, then provision again");
        };
        return CHARACTER_TYPES.contains(type) ? collation(column, mapped) : mapped;
    }

    /**
     * Oracle BINARY compares bytes, as PostgreSQL's "C" does; the default (USING_NLS_COMP, or no COLLATION column)
     * keeps the database default as before. Case- or accent-insensitive and linguistic collations have no built-in
     * PostgreSQL twin: the column keeps the database default and says so.
     */
    private static MappedType collation(OracleColumn column, MappedType mapped) {
        String collation = column.collation() == null ? "" : column.collation().strip().toUpperCase(Locale.ROOT);
        if (collation.isEmpty() || collation.equals("USING_NLS_COMP")) {
            return mapped;
        }
        if (collation.equals("BINARY")) {
            return mapped.collated("\"C\"");
        }
        return mapped.alsoNoted("Oracle compares this column with collation " + column.collation()
                + "; PostgreSQL uses the database default collation (case- and accent-sensitive)");
    }

    private static MappedType number(OracleColumn column) {
        Integer precision = column.precision();
        Integer scale = column.scale();
        if (precision == null && scale == null) {
            return MappedType.exact("numeric");
        }
        int p = precision == null ? ORACLE_MAX_PRECISION : precision;
        int s = scale == null ? 0 : scale;
        if (s > 0) {
            return MappedType.exact("numeric(" + Math.max(p, s) + "," + s + ")");
        }
        // a negative scale rounds to tens, hundreds...: the values are integers of p - s digits
        int digits = p - s;
        if (digits <= 4) {
            return MappedType.exact("smallint");
        }
        if (digits <= 9) {
            return MappedType.exact("integer");
        }
        if (digits <= 18) {
            return MappedType.exact("bigint");
        }
        return MappedType.exact("numeric(" + digits + ")");
    }

    /**
     * FLOAT(b) is a decimal NUMBER of b binary digits (126 when undeclared), not a binary float: FLOAT(24) holds
     * 16777217 (8 digits), real makes it 16777216. Only a table that accepts that (binaryFloats) gets real / double.
     */
    private static MappedType binaryFloat(OracleColumn column) {
        int bits = column.precision() == null ? 126 : column.precision();
        long digits = Math.round(Math.ceil(bits * 0.30103));
        String type = bits <= 24 ? "real" : "double precision";
        String kept = bits <= 24 ? "6 to 9" : "15 to 17";
        return MappedType.noted(type, "Oracle FLOAT(" + bits + ") is a decimal number of up to " + digits + " significant digits; "
                + type + " keeps " + kept + " and rounds decimal values (binaryFloats: true)");
    }

    private static MappedType timestamp(int declared, boolean withTimeZone) {
        String base = withTimeZone ? "timestamptz" : "timestamp";
        int kept = Math.min(declared, PG_MAX_FRACTION);
        String sql = base + "(" + kept + ")";
        if (declared > PG_MAX_FRACTION) {
            return MappedType.noted(sql, "Oracle keeps " + declared + " fractional second digits, PostgreSQL " + PG_MAX_FRACTION
                    + ": the last " + (declared - PG_MAX_FRACTION) + " digit(s) (below a microsecond) are lost"
                    + " (the local engine truncates them; PostgreSQL rounds what AWS DMS writes)"
                    + (withTimeZone ? "; the instant is kept, not the original time zone" : ""));
        }
        return withTimeZone ? MappedType.noted(sql, "the instant is kept, not the original time zone or offset") : MappedType.exact(sql);
    }

    private static MappedType characters(String pgType, OracleColumn column) {
        boolean byteSemantics = "B".equalsIgnoreCase(column.charUsed());
        if (byteSemantics) {
            // PostgreSQL counts characters: n characters hold every value of n bytes
            return MappedType.noted(pgType + "(" + column.dataLength() + ")", "Oracle limits this column to " + column.dataLength()
                    + " bytes (BYTE length semantics); PostgreSQL's limit is " + column.dataLength() + " characters, which holds every such value");
        }
        return MappedType.exact(pgType + "(" + column.charLength() + ")");
    }
}
