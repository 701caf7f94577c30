package dev.dmsflow.controller.engine.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * COPY text of values read from a source with nanosecond timestamps (H2 in Oracle mode standing in for Oracle
 * TIMESTAMP(9)): sub-microsecond digits are truncated, never rounded, so a row keeps the window it was selected for.
 */
class CopyTextTest {

    private static final LocalDateTime FROM = LocalDateTime.parse("2026-01-01T00:00:00");
    private static final LocalDateTime TO = LocalDateTime.parse("2026-02-01T00:00:00");

    @Test
    void aValueJustBelowTheWindowsEndStaysBelowIt() throws Exception {
        List<String> rows = encode("TIMESTAMP(9)", "TIMESTAMP '2026-01-31 23:59:59.9999997'", "TIMESTAMP '2026-01-31 23:59:59.999999999'",
                "TIMESTAMP '2026-01-01 00:00:00.0000004'", "TIMESTAMP '2026-01-15 12:00:00.1234565'");

        // PostgreSQL would round the first two to 2026-02-01 00:00:00, outside [from, to)
        assertThat(rows).containsExactly("2026-01-31T23:59:59.999999", "2026-01-31T23:59:59.999999", "2026-01-01T00:00", "2026-01-15T12:00:00.123456");
    }

    @Test
    void truncationKeepsEveryValueOfTheWindowInsideItAndEveryOtherOutside() throws Exception {
        // from <= x < to implies from <= trunc(x) < to, and the other way round, for microsecond-aligned bounds
        String[] values = {"2025-12-31 23:59:59.999999999", "2025-12-31 23:59:59.9999995", "2026-01-01 00:00:00",
                "2026-01-01 00:00:00.000000001", "2026-01-31 23:59:59.9999995", "2026-01-31 23:59:59.999999999", "2026-02-01 00:00:00"};
        List<String> literals = new ArrayList<>();
        for (String value : values) {
            literals.add("TIMESTAMP '" + value + "'");
        }

        List<String> rows = encode("TIMESTAMP(9)", literals.toArray(String[]::new));

        for (int i = 0; i < values.length; i++) {
            LocalDateTime source = LocalDateTime.parse(values[i].replace(' ', 'T'));
            LocalDateTime written = LocalDateTime.parse(rows.get(i));
            assertThat(inWindow(written)).as("%s written as %s", values[i], written).isEqualTo(inWindow(source));
        }
    }

    @Test
    void timestampsWithTimeZoneAreTruncatedToo() throws Exception {
        assertThat(encode("TIMESTAMP(9) WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE '2026-01-31 23:59:59.9999997+00:00'"))
                .containsExactly("2026-01-31T23:59:59.999999Z");
    }

    @Test
    void oraclesOwnTimestampWithTimeZoneTypeCodeIsReadAsAnOffsetAndTruncated() throws Exception {
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:copy-text-tz;MODE=Oracle");
             Statement statement = h2.createStatement()) {
            statement.execute("CREATE TABLE T (V TIMESTAMP(9) WITH TIME ZONE)");
            statement.execute("INSERT INTO T VALUES (TIMESTAMP WITH TIME ZONE '2026-01-15 12:00:00.9999999+02:00')");
            try (ResultSet rs = statement.executeQuery("SELECT V FROM T")) {
                rs.next();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                new CopyText(new int[] {CopyText.ORACLE_TIMESTAMPTZ}, new String[] {"TIMESTAMP WITH TIME ZONE"}, true).appendRow(rs, out);

                assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("2026-01-15T12:00:00.999999+02:00\n");
            }
        }
    }

    private static boolean inWindow(LocalDateTime value) {
        return !value.isBefore(FROM) && value.isBefore(TO);
    }

    /** Each literal in a one-column table of the type, encoded as the engine encodes Oracle rows. */
    private static List<String> encode(String type, String... literals) throws Exception {
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:copy-text;MODE=Oracle");
             Statement statement = h2.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS T");
            statement.execute("CREATE TABLE T (ID NUMBER(10), V " + type + ")");
            for (int i = 0; i < literals.length; i++) {
                statement.execute("INSERT INTO T VALUES (" + i + ", " + literals[i] + ")");
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT V FROM T ORDER BY ID")) {
                ResultSetMetaData metadata = rs.getMetaData();
                CopyText encoder = new CopyText(new int[] {metadata.getColumnType(1)}, new String[] {metadata.getColumnTypeName(1)}, true);
                while (rs.next()) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    encoder.appendRow(rs, out);
                    rows.add(out.toString(StandardCharsets.UTF_8).stripTrailing());
                }
            }
            return rows;
        }
    }
}
