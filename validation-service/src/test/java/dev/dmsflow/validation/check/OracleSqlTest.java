package dev.dmsflow.validation.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.support.sql.SqlQuery;
import dev.dmsflow.validation.check.CanonicalExamples.Example;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The SQL sent to an Oracle source, text and binds: it cannot run here (no Oracle, no Docker), so its text is what is
 * checked. Each type's expression sits next to the canonical text it must render, the one PostgresCanonicalIT checks
 * PostgreSQL renders for real (and OracleSourceCheckIT Oracle, where Docker runs).
 */
class OracleSqlTest {

    private static final String NUMBER = "CASE WHEN o.\"C\" > -1 AND o.\"C\" < 1 AND o.\"C\" <> 0"
            + " THEN REPLACE(TO_CHAR(o.\"C\", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,'''), '.', '0.')"
            + " ELSE TO_CHAR(o.\"C\", 'TM9', 'NLS_NUMERIC_CHARACTERS=''.,''') END";

    /** PostgreSQL's column of each example, as its catalog describes it. */
    private static final Map<String, Column> POSTGRES = Map.ofEntries(
            Map.entry("numeric(10,2)", new Column("c", "numeric", "numeric(10,2)", 655366)),
            Map.entry("numeric(12,4)", new Column("c", "numeric", "numeric(12,4)", 786440)),
            Map.entry("numeric", new Column("c", "numeric", "numeric", -1)),
            Map.entry("bigint", new Column("c", "int8", "bigint", -1)),
            Map.entry("integer", new Column("c", "int4", "integer", -1)),
            Map.entry("timestamp(0)", new Column("c", "timestamp", "timestamp(0) without time zone", 0)),
            Map.entry("timestamp(3)", new Column("c", "timestamp", "timestamp(3) without time zone", 3)),
            Map.entry("timestamp(6)", new Column("c", "timestamp", "timestamp(6) without time zone", 6)),
            Map.entry("timestamptz", new Column("c", "timestamptz", "timestamp with time zone", -1)),
            Map.entry("char(5)", new Column("c", "bpchar", "character(5)", 9)),
            Map.entry("varchar(5)", new Column("c", "varchar", "character varying(5)", 9)),
            Map.entry("varchar(10)", new Column("c", "varchar", "character varying(10)", 14)),
            Map.entry("varchar(20)", new Column("c", "varchar", "character varying(20)", 24)),
            Map.entry("bytea", new Column("c", "bytea", "bytea", -1)),
            Map.entry("text", new Column("c", "text", "text", -1)));

    /** Asserts the example renders {@code canonical} (the shared expectation) and Oracle's SQL for it is {@code sql}. */
    private static void assertRenders(String example, String canonical, String sql) {
        Example found = CanonicalExamples.ALL.stream().filter(e -> e.name().equals(example)).findFirst().orElseThrow();
        assertThat(found.expected()).as(example).isEqualTo(canonical);
        CanonicalForm form = CanonicalExamples.form(found, POSTGRES.get(found.postgresType()));
        assertThat(OracleSql.value("o.\"C\"", found.oracle(), form)).as(example).isEqualTo(sql);
    }

    @Test
    void numbersWithoutTrailingZerosAndWithALeadingZero() {
        assertRenders("number_scale", "1.5", NUMBER);
        assertRenders("number_half", "0.5", NUMBER);
        assertRenders("number_minus_half", "-0.5", NUMBER);
        assertRenders("number_hundred", "100", NUMBER);
        assertRenders("number_zero", "0", NUMBER);
        assertRenders("number_wide", "12345678901234567890.123456789", NUMBER);
        assertRenders("integer", "42", "TO_CHAR(o.\"C\", 'TM9')");
        assertRenders("integer_negative", "-7", "TO_CHAR(o.\"C\", 'TM9')");
        assertRenders("integer_declared", "123", "TO_CHAR(o.\"C\", 'TM9')");
    }

    @Test
    void timesInUtcAtTheCoarserPrecision() {
        assertRenders("date", "2026-01-31T23:59:59", "TO_CHAR(o.\"C\", 'YYYY-MM-DD\"T\"HH24:MI:SS')");
        assertRenders("date_against_micros", "2026-01-31T23:59:59", "TO_CHAR(o.\"C\", 'YYYY-MM-DD\"T\"HH24:MI:SS')");
        assertRenders("timestamp_3", "2026-02-01T00:00:00.000", "TO_CHAR(CAST(o.\"C\" AS TIMESTAMP(3)), 'YYYY-MM-DD\"T\"HH24:MI:SS.FF3')");
        assertRenders("timestamp_6", "2026-01-15T12:00:00.123456", "TO_CHAR(CAST(o.\"C\" AS TIMESTAMP(6)), 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')");
        // PostgreSQL keeps microseconds: Oracle's nanoseconds are rounded to them
        assertRenders("timestamp_9", "2026-01-15T12:00:00.123457", "TO_CHAR(CAST(o.\"C\" AS TIMESTAMP(6)), 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')");
        assertRenders("timestamp_time_zone", "2026-01-15T10:00:00.500000",
                "TO_CHAR(CAST(SYS_EXTRACT_UTC(o.\"C\") AS TIMESTAMP(6)), 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6')");
        assertRenders("timestamp_local_time_zone", "2026-01-15T10:00:01",
                "TO_CHAR(CAST(SYS_EXTRACT_UTC(CAST(o.\"C\" AS TIMESTAMP WITH TIME ZONE)) AS TIMESTAMP(0)), 'YYYY-MM-DD\"T\"HH24:MI:SS')");
    }

    @Test
    void textAsIsCharPaddingDroppedAndEmptyIsNull() {
        assertRenders("char", "ab", "RTRIM(o.\"C\")");
        assertRenders("char_into_varchar", "ab", "RTRIM(o.\"C\")");
        assertRenders("varchar", "Zoë", "o.\"C\"");
        assertRenders("varchar_blanks", " a ", "o.\"C\"");
        // Oracle stores '' as NULL already
        assertRenders("varchar_empty", null, "o.\"C\"");
        assertRenders("nvarchar", "Zoë", "TO_CHAR(o.\"C\")");
    }

    @Test
    void rawAsHexAndLobsByChunkHashes() {
        assertRenders("raw", "00FF10", "RAWTOHEX(o.\"C\")");
        assertRenders("raw_empty", null, "RAWTOHEX(o.\"C\")");
        String clob = "CASE WHEN DBMS_LOB.GETLENGTH(o.\"C\") > 0 THEN TO_CHAR(DBMS_LOB.GETLENGTH(o.\"C\")) || ':' || (SELECT TO_CHAR(SUM("
                + "TO_NUMBER(SUBSTR(RAWTOHEX(STANDARD_HASH(TO_CHAR(LEVEL) || ':' || DBMS_LOB.SUBSTR(o.\"C\", 1000, LEVEL * 1000 - 999), 'MD5')), 1, 8),"
                + " 'XXXXXXXX'))) FROM DUAL CONNECT BY LEVEL <= CEIL(DBMS_LOB.GETLENGTH(o.\"C\") / 1000)) END";
        assertRenders("clob", "11:" + CanonicalExamples.hash("1:a long text"), clob);
        assertRenders("clob_chunks", CanonicalExamples.largeText("é".repeat(2500)), clob);
        assertRenders("clob_empty", null, clob);
        assertRenders("blob", CanonicalExamples.largeBinary(HexFormat.of().parseHex(CanonicalExamples.BLOB_HEX)),
                "CASE WHEN DBMS_LOB.GETLENGTH(o.\"C\") > 0 THEN TO_CHAR(DBMS_LOB.GETLENGTH(o.\"C\")) || ':' || (SELECT TO_CHAR(SUM("
                        + "TO_NUMBER(SUBSTR(RAWTOHEX(STANDARD_HASH(TO_CHAR(LEVEL) || ':' || RAWTOHEX(DBMS_LOB.SUBSTR(o.\"C\", 1000, LEVEL * 1000 - 999)),"
                        + " 'MD5')), 1, 8), 'XXXXXXXX'))) FROM DUAL CONNECT BY LEVEL <= CEIL(DBMS_LOB.GETLENGTH(o.\"C\") / 1000)) END");
    }

    @Test
    void typesWithoutACanonicalFormAndMismatchedFamiliesAreRefused() {
        assertThatThrownBy(() -> OracleSql.type(OracleSql.column("X", "BINARY_DOUBLE", 8, null, null)))
                .isInstanceOf(InvalidRunException.class).hasMessageContaining("X of type BINARY_DOUBLE");
        assertThatThrownBy(() -> CanonicalForm.of("X", OracleSql.type(OracleSql.column("X", "NUMBER", 22, null, null)),
                PostgresCanonical.type(new Column("x", "text", "text", -1))))
                .isInstanceOf(InvalidRunException.class).hasMessageContaining("NUMBER in the source, TEXT in staging");
    }

    @Test
    void rowHashIsTheMd5OfTheGroupsTextsAndGroupsStayWithinAVarchar2() {
        List<String> values = List.of("a", "b", "c");
        assertThat(OracleSql.rowHash(values, List.of(List.of(0, 1, 2))))
                .isEqualTo("TO_NUMBER(SUBSTR(RAWTOHEX(STANDARD_HASH(a || CHR(31) || b || CHR(31) || c, 'MD5')), 1, 8), 'XXXXXXXX')");
        assertThat(OracleSql.rowHash(values, List.of(List.of(0))))
                .isEqualTo("TO_NUMBER(SUBSTR(RAWTOHEX(STANDARD_HASH(NVL(a, CHR(31)), 'MD5')), 1, 8), 'XXXXXXXX')");
        assertThat(OracleSql.rowHash(values, List.of(List.of(0, 1), List.of(2))))
                .isEqualTo("TO_NUMBER(SUBSTR(RAWTOHEX(STANDARD_HASH(LOWER(RAWTOHEX(STANDARD_HASH(a || CHR(31) || b, 'MD5')))"
                        + " || LOWER(RAWTOHEX(STANDARD_HASH(NVL(c, CHR(31)), 'MD5'))), 'MD5')), 1, 8), 'XXXXXXXX')");
        // values and the separators between them: 1999 + 1 + 2000 bytes fit, one more does not
        assertThat(CanonicalForm.groups(List.of(1999, 2000, 66))).containsExactly(List.of(0, 1), List.of(2));
        assertThat(CanonicalForm.groups(List.of(2000, 2000))).containsExactly(List.of(0), List.of(1));
        assertThat(CanonicalForm.groups(List.of(CanonicalForm.UNBOUNDED, 66, 32))).containsExactly(List.of(0), List.of(1, 2));
        // a VARCHAR2(4000) fills a group; a CLOB's canonical text is short
        CanonicalForm.Row row = CanonicalForm.Row.of(
                List.of(OracleSql.column("A", "VARCHAR2", 4000, null, null), OracleSql.column("B", "CLOB", 4000, null, null),
                        OracleSql.column("C", "NUMBER", 22, null, null)),
                OracleSql::type, List.of(new Column("a", "text", "text", -1), new Column("b", "text", "text", -1), new Column("c", "numeric", "numeric", -1)));
        assertThat(row.groups()).containsExactly(List.of(0), List.of(1, 2));
    }

    private static final Column ORDER_ID = OracleSql.column("ORDER_ID", "NUMBER", 22, 19, 0);
    private static final Column NOTE = OracleSql.column("NOTE", "VARCHAR2", 20, null, null);
    private static final Column UPDATED_AT = OracleSql.column("UPDATED_AT", "TIMESTAMP(6)", 11, null, 6);
    private static final String ROW_HASH = "TO_NUMBER(SUBSTR(RAWTOHEX(STANDARD_HASH(TO_CHAR(o.\"ORDER_ID\", 'TM9') || CHR(31) || o.\"NOTE\" || CHR(31)"
            + " || TO_CHAR(CAST(o.\"UPDATED_AT\" AS TIMESTAMP(6)), 'YYYY-MM-DD\"T\"HH24:MI:SS.FF6'), 'MD5')), 1, 8), 'XXXXXXXX')";
    private static final String FROM = "2026-01-01 00:00:00.000000000";
    private static final String TO = "2026-02-01 00:00:00.000000000";
    private static final String LOAD = "2026-02-01 06:00:00.000000000";
    private static final String TS = "TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS.FF9')";

    private static OracleSql orders(Column key) {
        Map<String, Column> columns = new LinkedHashMap<>();
        for (Column column : List.of(key, NOTE, UPDATED_AT)) {
            columns.put(column.name(), column);
        }
        CanonicalForm.Row row = CanonicalForm.Row.of(List.of(key, NOTE, UPDATED_AT), OracleSql::type,
                List.of(stagedKey(key),
                        new Column("note", "varchar", "character varying(20)", 24),
                        new Column("updated_at", "timestamp", "timestamp(6) without time zone", 6)));
        return new OracleSql(new Relation("APP", "ORDERS", columns), List.of(key), Optional.of(UPDATED_AT),
                Optional.of(new WindowFilter(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"))),
                Optional.of(Instant.parse("2026-02-01T06:00:00Z")), row);
    }

    private static Column stagedKey(Column key) {
        return switch (key.typeName()) {
            case "NUMBER" -> new Column("order_id", "int8", "bigint", -1);
            case "DATE" -> new Column("order_id", "timestamp", "timestamp(0) without time zone", 0);
            default -> new Column("order_id", "varchar", "character varying(20)", 24);
        };
    }

    private static RangeLayout twoRanges() {
        RangeLayout layout = new RangeLayout();
        layout.add(new KeyRange("1", "100"));
        layout.add(new KeyRange("200", null));
        return layout;
    }

    @Test
    void aFewRangesAreACaseOfKeyRangePredicatesWithTheKeysBound() {
        SqlQuery digest = orders(ORDER_ID).digest(twoRanges());

        String ranges = "(o.\"ORDER_ID\" >= ? AND o.\"ORDER_ID\" < ?)";
        assertThat(digest.text()).isEqualTo("SELECT b, COUNT(CASE WHEN c = 1 THEN 1 END), NVL(SUM(CASE WHEN c = 1 THEN h END), 0), COUNT(*) FROM ("
                + "SELECT CASE WHEN " + ranges + " THEN 1 WHEN (o.\"ORDER_ID\" >= ?) THEN 3 END b, o.\"ORDER_ID\" k, " + ROW_HASH + " h,"
                + " CASE WHEN o.\"UPDATED_AT\" < " + TS + " THEN 1 ELSE 0 END c FROM \"APP\".\"ORDERS\" o"
                + " WHERE (" + ranges + " OR (o.\"ORDER_ID\" >= ?)) AND (o.\"UPDATED_AT\" >= " + TS + " AND o.\"UPDATED_AT\" < " + TS + ")) GROUP BY b");
        assertThat(digest.params()).containsExactly(new BigDecimal("1"), new BigDecimal("100"), new BigDecimal("200"), LOAD,
                new BigDecimal("1"), new BigDecimal("100"), new BigDecimal("200"), FROM, TO);
    }

    @Test
    void manyRangesAreNumberedInOneSortWithTheThresholdsBoundAsOneJsonArray() {
        RangeLayout layout = RangeLayout.covering(IntStream.rangeClosed(1, 99).mapToObj(i -> Integer.toString(i * 10)).toList());

        SqlQuery digest = orders(ORDER_ID).digest(layout);

        assertThat(digest.text()).isEqualTo("SELECT b, COUNT(CASE WHEN c = 1 THEN 1 END), NVL(SUM(CASE WHEN c = 1 THEN h END), 0), COUNT(*) FROM ("
                + "SELECT b, k, h, c FROM (SELECT SUM(t) OVER (ORDER BY k, t DESC ROWS UNBOUNDED PRECEDING) b, t, k, h, c FROM ("
                + "SELECT 0 t, o.\"ORDER_ID\" k, " + ROW_HASH + " h, CASE WHEN o.\"UPDATED_AT\" < " + TS + " THEN 1 ELSE 0 END c"
                + " FROM \"APP\".\"ORDERS\" o WHERE 1 = 1 AND (o.\"UPDATED_AT\" >= " + TS + " AND o.\"UPDATED_AT\" < " + TS + ")"
                + " UNION ALL SELECT 1, j.v, NULL, NULL FROM JSON_TABLE(?, '$[*]' COLUMNS (v NUMBER PATH '$')) j)) WHERE t = 0) GROUP BY b");
        assertThat(digest.params()).hasSize(4).startsWith(LOAD, FROM, TO);
        assertThat(digest.params().get(3)).isEqualTo(new SqlQuery.Clob(IntStream.rangeClosed(1, 99).mapToObj(i -> Integer.toString(i * 10))
                .collect(Collectors.joining(",", "[", "]"))));
    }

    @Test
    void aDateKeyIsSortedWithItsThresholdsAsTimestamps() {
        RangeLayout layout = RangeLayout.covering(IntStream.rangeClosed(1, 99).mapToObj(i -> "2026-01-01 00:00:" + (10 + i / 10) + "." + i % 10).toList());

        SqlQuery digest = orders(OracleSql.column("ORDER_ID", "DATE", 7, null, null)).digest(layout);

        assertThat(digest.text()).contains("SELECT 0 t, CAST(o.\"ORDER_ID\" AS TIMESTAMP) k,")
                .contains(" UNION ALL SELECT 1, TO_TIMESTAMP(j.v, 'YYYY-MM-DD HH24:MI:SS.FF9'), NULL, NULL FROM JSON_TABLE(?, '$[*]' COLUMNS (v VARCHAR2(4000) PATH '$')) j");
        assertThat(((SqlQuery.Clob) digest.params().get(3)).text()).startsWith("[\"2026-01-01 00:00:10.100000000\",\"2026-01-01 00:00:10.200000000\",");
    }

    @Test
    void leafRowsCarryTheirKeyTextHashAndWhetherTheyAreComparedOrChangedAfterTheLoad() {
        SqlQuery leaves = orders(ORDER_ID).leafRows(twoRanges());

        assertThat(leaves.text()).isEqualTo("SELECT b, kt, h, c, d FROM (SELECT CASE WHEN (o.\"ORDER_ID\" >= ? AND o.\"ORDER_ID\" < ?) THEN 1"
                + " WHEN (o.\"ORDER_ID\" >= ?) THEN 3 END b, o.\"ORDER_ID\" k, TO_CHAR(o.\"ORDER_ID\", 'TM9') kt, " + ROW_HASH + " h,"
                + " CASE WHEN (o.\"UPDATED_AT\" >= " + TS + " AND o.\"UPDATED_AT\" < " + TS + ") AND o.\"UPDATED_AT\" < " + TS + " THEN 1 ELSE 0 END c,"
                + " CASE WHEN o.\"UPDATED_AT\" >= " + TS + " THEN 1 ELSE 0 END d"
                + " FROM \"APP\".\"ORDERS\" o WHERE ((o.\"ORDER_ID\" >= ? AND o.\"ORDER_ID\" < ?) OR (o.\"ORDER_ID\" >= ?)))");
        assertThat(leaves.params()).containsExactly(new BigDecimal("1"), new BigDecimal("100"), new BigDecimal("200"), FROM, TO, LOAD, LOAD,
                new BigDecimal("1"), new BigDecimal("100"), new BigDecimal("200"));
    }

    @Test
    void countsAreTheWindowsComparableRowsAndAllItsRowsWithNothingHashed() {
        SqlQuery counts = orders(ORDER_ID).counts();

        assertThat(counts.text()).isEqualTo("SELECT COUNT(CASE WHEN o.\"UPDATED_AT\" < " + TS + " THEN 1 END), COUNT(*)"
                + " FROM \"APP\".\"ORDERS\" o"
                + " WHERE (o.\"UPDATED_AT\" >= " + TS + " AND o.\"UPDATED_AT\" < " + TS + ")");
        assertThat(counts.params()).containsExactly(LOAD, FROM, TO);
    }

    @Test
    void splitPointsAreQuantilesOfTheLeadingKeyPerRange() {
        SqlQuery split = orders(ORDER_ID).splitPoints(twoRanges(), 3);

        assertThat(split.text()).isEqualTo("SELECT b, TO_CHAR(p1, 'TM9'), TO_CHAR(p2, 'TM9') FROM (SELECT b,"
                + " PERCENTILE_DISC(?) WITHIN GROUP (ORDER BY k) p1, PERCENTILE_DISC(?) WITHIN GROUP (ORDER BY k) p2 FROM ("
                + "SELECT CASE WHEN (o.\"ORDER_ID\" >= ? AND o.\"ORDER_ID\" < ?) THEN 1 WHEN (o.\"ORDER_ID\" >= ?) THEN 3 END b, o.\"ORDER_ID\" k"
                + " FROM \"APP\".\"ORDERS\" o WHERE ((o.\"ORDER_ID\" >= ? AND o.\"ORDER_ID\" < ?) OR (o.\"ORDER_ID\" >= ?))) GROUP BY b)");
        assertThat(split.params()).containsExactly(1.0 / 3, 2.0 / 3, new BigDecimal("1"), new BigDecimal("100"), new BigDecimal("200"),
                new BigDecimal("1"), new BigDecimal("100"), new BigDecimal("200"));
    }

    @Test
    void presenceBindsTheKeysAsOneJsonArrayNeverInTheText() {
        SqlQuery present = orders(OracleSql.column("ORDER_ID", "VARCHAR2", 20, null, null))
                .present(List.of(List.of("x' OR '1' = '1"), List.of("a\"b\\c")));

        assertThat(present.text()).isEqualTo("SELECT x.n FROM JSON_TABLE(?, '$[*]' COLUMNS (n FOR ORDINALITY, k0 VARCHAR2(4000) PATH '$[0]')) x"
                + " WHERE EXISTS (SELECT 1 FROM \"APP\".\"ORDERS\" o WHERE o.\"ORDER_ID\" = x.k0)");
        assertThat(present.params()).containsExactly(new SqlQuery.Clob("[[\"x' OR '1' = '1\"],[\"a\\\"b\\\\c\"]]"));
    }

    @Test
    void timeKeysAreBoundAsUtcTextWhateverTheOffsetPostgresqlWroteThemWith() {
        Column zoned = OracleSql.column("AT", "TIMESTAMP(6) WITH TIME ZONE", 13, null, 6);

        assertThat(OracleSql.keyValue(zoned, "2026-01-01 01:00:00.5+01")).isEqualTo("2026-01-01 00:00:00.500000000");
        assertThat(OracleSql.keyValue(zoned, "2026-01-01 00:00:00")).isEqualTo("2026-01-01 00:00:00.000000000");
        assertThat(OracleSql.keyValue(zoned, "2025-12-31 19:30:00-04:30")).isEqualTo("2026-01-01 00:00:00.000000000");
        assertThat(OracleSql.keyValue(ORDER_ID, "1.50")).isEqualTo(new BigDecimal("1.50"));
        assertThat(OracleSql.keyPoint("p1", zoned)).isEqualTo("TO_CHAR(SYS_EXTRACT_UTC(p1), 'YYYY-MM-DD HH24:MI:SS.FF9') || '+00:00'");
        assertThat(OracleSql.keyPoint("p1", OracleSql.column("D", "DATE", 7, null, null)))
                .isEqualTo("TO_CHAR(CAST(p1 AS TIMESTAMP), 'YYYY-MM-DD HH24:MI:SS.FF9') || '+00:00'");
        assertThatThrownBy(() -> OracleSql.keyValue(zoned, "tomorrow")).isInstanceOf(InvalidRunException.class);
    }

    @Test
    void catalogColumnsKeepOracleTypeNamesAndLengths() {
        assertThat(OracleSql.column("AMOUNT", "NUMBER", 22, 10, 2)).isEqualTo(new Column("AMOUNT", "NUMBER", "NUMBER(10,2)", -1));
        assertThat(OracleSql.column("AMOUNT", "NUMBER", 22, null, null)).isEqualTo(new Column("AMOUNT", "NUMBER", "NUMBER", -1));
        // INTEGER: no precision, scale 0
        assertThat(OracleSql.column("QUANTITY", "NUMBER", 22, null, 0)).isEqualTo(new Column("QUANTITY", "NUMBER", "NUMBER(*,0)", -1));
        assertThat(OracleSql.column("NAME", "VARCHAR2", 80, null, null)).isEqualTo(new Column("NAME", "VARCHAR2", "VARCHAR2(80)", 80));
        assertThat(OracleSql.column("AT", "TIMESTAMP(3)", 11, null, 3)).isEqualTo(new Column("AT", "TIMESTAMP(3)", "TIMESTAMP(3)", -1));
    }
}
