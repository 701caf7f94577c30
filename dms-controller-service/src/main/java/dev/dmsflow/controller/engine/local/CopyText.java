package dev.dmsflow.controller.engine.local;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Encodes source rows in PostgreSQL's COPY text format, reading each column by its JDBC type so that values keep
 * their precision: numbers as plain decimals (no exponent), timestamps to the microsecond, time zones as offsets,
 * binary as hex, and {@code \N} for NULL (Oracle's {@code ''} already arrives as NULL).
 *
 * <p>Timestamps finer than PostgreSQL's microsecond (Oracle TIMESTAMP(7-9)) are truncated here, because PostgreSQL
 * would round them: 23:59:59.9999997 selected by a window ending at midnight would become midnight, outside the
 * window it was loaded for. Truncation keeps every row in its window (window bounds are whole microseconds).
 */
final class CopyText {

    private static final HexFormat HEX = HexFormat.of();
    /** oracle.jdbc.OracleTypes.TIMESTAMPTZ, as ojdbc may report TIMESTAMP WITH TIME ZONE columns. */
    static final int ORACLE_TIMESTAMPTZ = -101;

    private final int[] types;
    private final String[] typeNames;
    private final boolean datesHaveTime;

    /** @param datesHaveTime DATE columns carry a time of day (Oracle): read them as timestamps, seconds included */
    CopyText(int[] types, String[] typeNames, boolean datesHaveTime) {
        this.types = types.clone();
        this.typeNames = typeNames.clone();
        this.datesHaveTime = datesHaveTime;
    }

    void appendRow(ResultSet rs, ByteArrayOutputStream out) throws SQLException {
        for (int i = 0; i < types.length; i++) {
            if (i > 0) {
                out.write('\t');
            }
            String value = value(rs, i + 1, types[i], typeNames[i], datesHaveTime);
            if (value == null) {
                out.write('\\');
                out.write('N');
            } else {
                escape(value, out);
            }
        }
        out.write('\n');
    }

    private static String value(ResultSet rs, int column, int type, String typeName, boolean datesHaveTime) throws SQLException {
        switch (type) {
            case Types.NUMERIC, Types.DECIMAL -> {
                var number = rs.getBigDecimal(column);
                return number == null ? null : number.toPlainString();
            }
            case Types.TIMESTAMP_WITH_TIMEZONE, ORACLE_TIMESTAMPTZ -> {
                OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
                return value == null ? null : value.truncatedTo(ChronoUnit.MICROS).toString();
            }
            case Types.TIMESTAMP -> {
                if (typeName.toLowerCase(Locale.ROOT).equals("timestamptz")) {
                    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
                    return value == null ? null : value.truncatedTo(ChronoUnit.MICROS).toString();
                }
                LocalDateTime value = rs.getObject(column, LocalDateTime.class);
                return value == null ? null : value.truncatedTo(ChronoUnit.MICROS).toString();
            }
            case Types.DATE -> {
                if (datesHaveTime) {
                    LocalDateTime value = rs.getObject(column, LocalDateTime.class);
                    return value == null ? null : value.truncatedTo(ChronoUnit.MICROS).toString();
                }
                LocalDate value = rs.getObject(column, LocalDate.class);
                return value == null ? null : value.toString();
            }
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
                byte[] bytes = rs.getBytes(column);
                return bytes == null ? null : "\\x" + HEX.formatHex(bytes);
            }
            case Types.BIT, Types.BOOLEAN -> {
                boolean value = rs.getBoolean(column);
                return rs.wasNull() ? null : (value ? "t" : "f");
            }
            default -> {
                return rs.getString(column);
            }
        }
    }

    /** COPY text format: backslash, tab, newline and carriage return are escaped with a backslash. */
    private static void escape(String value, ByteArrayOutputStream out) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            char escaped = switch (b) {
                case '\\' -> '\\';
                case '\t' -> 't';
                case '\n' -> 'n';
                case '\r' -> 'r';
                default -> 0;
            };
            if (escaped == 0) {
                out.write(b);
            } else {
                out.write('\\');
                out.write(escaped);
            }
        }
    }
}
