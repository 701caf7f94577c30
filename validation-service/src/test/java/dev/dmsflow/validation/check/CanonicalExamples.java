package dev.dmsflow.validation.check;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The canonical texts both dialects must render, one value of each type as Oracle and as PostgreSQL hold it: what
 * {@link PostgresCanonicalIT} checks PostgreSQL against for real, and {@link OracleSourceCheckIT} Oracle (where Docker
 * runs). The expected texts of large values and row hashes are computed here from {@link CanonicalForm}'s definition,
 * independently of either database.
 */
final class CanonicalExamples {

    /**
     * @param oracleType DDL type of the Oracle column
     * @param oracle     the Oracle column as {@link OracleSql#relation} reads it from ALL_TAB_COLUMNS
     * @param expected   the canonical text, null for NULL
     */
    record Example(String name, String oracleType, Column oracle, String oracleLiteral, String postgresType, String postgresLiteral, String expected) {
    }

    static final String BLOB_HEX = blobHex(1500);

    static final List<Example> ALL = List.of(
            new Example("number_scale", "NUMBER(10,2)", OracleSql.column("C", "NUMBER", 22, 10, 2), "1.5", "numeric(10,2)", "1.50", "1.5"),
            new Example("number_half", "NUMBER", OracleSql.column("C", "NUMBER", 22, null, null), "0.5", "numeric", "0.5", "0.5"),
            new Example("number_minus_half", "NUMBER", OracleSql.column("C", "NUMBER", 22, null, null), "-0.5", "numeric", "-0.50", "-0.5"),
            new Example("number_hundred", "NUMBER(12,4)", OracleSql.column("C", "NUMBER", 22, 12, 4), "100", "numeric(12,4)", "100.0000", "100"),
            new Example("number_zero", "NUMBER(10,2)", OracleSql.column("C", "NUMBER", 22, 10, 2), "0", "numeric(10,2)", "0.00", "0"),
            new Example("number_wide", "NUMBER", OracleSql.column("C", "NUMBER", 22, null, null), "12345678901234567890.123456789", "numeric",
                    "12345678901234567890.123456789", "12345678901234567890.123456789"),
            new Example("integer", "NUMBER(19)", OracleSql.column("C", "NUMBER", 22, 19, 0), "42", "bigint", "42", "42"),
            new Example("integer_negative", "NUMBER(10)", OracleSql.column("C", "NUMBER", 22, 10, 0), "-7", "integer", "-7", "-7"),
            new Example("integer_declared", "INTEGER", OracleSql.column("C", "NUMBER", 22, null, 0), "123", "integer", "123", "123"),
            new Example("date", "DATE", OracleSql.column("C", "DATE", 7, null, null), "TO_DATE('2026-01-31 23:59:59', 'YYYY-MM-DD HH24:MI:SS')",
                    "timestamp(0)", "'2026-01-31 23:59:59'", "2026-01-31T23:59:59"),
            new Example("date_against_micros", "DATE", OracleSql.column("C", "DATE", 7, null, null),
                    "TO_DATE('2026-01-31 23:59:59', 'YYYY-MM-DD HH24:MI:SS')", "timestamp(6)", "'2026-01-31 23:59:59.4'", "2026-01-31T23:59:59"),
            new Example("timestamp_3", "TIMESTAMP(3)", OracleSql.column("C", "TIMESTAMP(3)", 11, null, 3), "TIMESTAMP '2026-01-31 23:59:59.9996'",
                    "timestamp(3)", "'2026-01-31 23:59:59.9996'", "2026-02-01T00:00:00.000"),
            new Example("timestamp_6", "TIMESTAMP(6)", OracleSql.column("C", "TIMESTAMP(6)", 11, null, 6), "TIMESTAMP '2026-01-15 12:00:00.123456'",
                    "timestamp(6)", "'2026-01-15 12:00:00.123456'", "2026-01-15T12:00:00.123456"),
            new Example("timestamp_9", "TIMESTAMP(9)", OracleSql.column("C", "TIMESTAMP(9)", 11, null, 9), "TIMESTAMP '2026-01-15 12:00:00.1234567'",
                    "timestamp(6)", "'2026-01-15 12:00:00.1234567'", "2026-01-15T12:00:00.123457"),
            new Example("timestamp_time_zone", "TIMESTAMP(6) WITH TIME ZONE", OracleSql.column("C", "TIMESTAMP(6) WITH TIME ZONE", 13, null, 6),
                    "TIMESTAMP '2026-01-15 12:00:00.5 +02:00'", "timestamptz", "'2026-01-15 12:00:00.5+02'", "2026-01-15T10:00:00.500000"),
            new Example("timestamp_local_time_zone", "TIMESTAMP(0) WITH LOCAL TIME ZONE",
                    OracleSql.column("C", "TIMESTAMP(0) WITH LOCAL TIME ZONE", 11, null, 0), "TIMESTAMP '2026-01-15 12:00:00.5 +02:00'", "timestamptz",
                    "'2026-01-15 12:00:00.5+02'", "2026-01-15T10:00:01"),
            new Example("char", "CHAR(5)", OracleSql.column("C", "CHAR", 5, null, null), "'ab'", "char(5)", "'ab'", "ab"),
            new Example("char_into_varchar", "CHAR(5)", OracleSql.column("C", "CHAR", 5, null, null), "'ab'", "varchar(5)", "'ab   '", "ab"),
            new Example("varchar", "VARCHAR2(20)", OracleSql.column("C", "VARCHAR2", 20, null, null), "'Zoë'", "varchar(20)", "'Zoë'", "Zoë"),
            new Example("varchar_blanks", "VARCHAR2(10)", OracleSql.column("C", "VARCHAR2", 10, null, null), "' a '", "varchar(10)", "' a '", " a "),
            new Example("varchar_empty", "VARCHAR2(10)", OracleSql.column("C", "VARCHAR2", 10, null, null), "''", "varchar(10)", "''", null),
            new Example("nvarchar", "NVARCHAR2(10)", OracleSql.column("C", "NVARCHAR2", 20, null, null), "N'Zoë'", "varchar(10)", "'Zoë'", "Zoë"),
            new Example("raw", "RAW(4)", OracleSql.column("C", "RAW", 4, null, null), "HEXTORAW('00FF10')", "bytea", "'\\x00ff10'", "00FF10"),
            new Example("raw_empty", "RAW(4)", OracleSql.column("C", "RAW", 4, null, null), "HEXTORAW('')", "bytea", "''::bytea", null),
            new Example("clob", "CLOB", OracleSql.column("C", "CLOB", 4000, null, null), "TO_CLOB('a long text')", "text", "'a long text'",
                    largeText("a long text")),
            new Example("clob_chunks", "CLOB", OracleSql.column("C", "CLOB", 4000, null, null), "RPAD(TO_CLOB('é'), 2500, 'é')", "text",
                    "repeat('é', 2500)", largeText("é".repeat(2500))),
            new Example("clob_empty", "CLOB", OracleSql.column("C", "CLOB", 4000, null, null), "EMPTY_CLOB()", "text", "''", null),
            new Example("blob", "BLOB", OracleSql.column("C", "BLOB", 4000, null, null), "TO_BLOB(HEXTORAW('" + BLOB_HEX + "'))", "bytea",
                    "decode('" + BLOB_HEX + "', 'hex')", largeBinary(HexFormat.of().parseHex(BLOB_HEX))));

    private CanonicalExamples() {
    }

    /** The pair's form, as the checks derive it from both catalogs. */
    static CanonicalForm form(Example example, Column postgres) {
        return CanonicalForm.of(example.name(), OracleSql.type(example.oracle()), PostgresCanonical.type(postgres));
    }

    /** A large text's canonical text: {@code <length>:<sum of chunk hashes>}, chunk i hashed as {@code i:<chunk>}. */
    static String largeText(String text) {
        long sum = 0;
        for (int i = 1; (i - 1) * CanonicalForm.CHUNK < text.length(); i++) {
            sum += hash(i + ":" + text.substring((i - 1) * CanonicalForm.CHUNK, Math.min(text.length(), i * CanonicalForm.CHUNK)));
        }
        return text.length() + ":" + sum;
    }

    /** A large binary's canonical text: chunk i hashed as {@code i:<upper-case hex>}. */
    static String largeBinary(byte[] bytes) {
        long sum = 0;
        for (int i = 1; (i - 1) * CanonicalForm.CHUNK < bytes.length; i++) {
            byte[] chunk = java.util.Arrays.copyOfRange(bytes, (i - 1) * CanonicalForm.CHUNK, Math.min(bytes.length, i * CanonicalForm.CHUNK));
            sum += hash(i + ":" + HexFormat.of().withUpperCase().formatHex(chunk));
        }
        return bytes.length + ":" + sum;
    }

    /**
     * The row hash of canonical values in groups: a group's values joined by the separator (NULL as nothing, a lone NULL
     * as the separator); one group hashed, several hashed as their MD5s' lower-case hex one after the other.
     */
    static long rowHash(List<List<String>> groups) {
        List<String> texts = new ArrayList<>();
        for (List<String> group : groups) {
            if (group.size() == 1 && group.get(0) == null) {
                texts.add(String.valueOf((char) CanonicalForm.SEPARATOR));
            } else {
                texts.add(String.join(String.valueOf((char) CanonicalForm.SEPARATOR), group.stream().map(v -> v == null ? "" : v).toList()));
            }
        }
        if (texts.size() == 1) {
            return hash(texts.get(0));
        }
        return hash(String.join("", texts.stream().map(CanonicalExamples::md5).toList()));
    }

    /** The first 8 hex digits of the MD5 of the text's UTF-8 bytes, as a number. */
    static long hash(String text) {
        return Long.parseLong(md5(text).substring(0, 8), 16);
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blobHex(int bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < bytes; i++) {
            hex.append(String.format("%02x", (i * 7) % 256));
        }
        return hex.toString();
    }

    /** The first row of {@code sql}'s answer, each column as text: how both databases render the examples. */
    static List<String> firstRow(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                values.add(row.getString(i));
            }
            return values;
        }
    }
}
