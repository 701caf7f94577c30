package dev.dmsflow.schema.typemap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OracleTypeMappingTest {

    private final OracleTypeMapping mapping = new OracleTypeMapping(false);

    /** DATA_TYPE, DATA_LENGTH, DATA_PRECISION, DATA_SCALE, CHAR_LENGTH, CHAR_USED as ALL_TAB_COLS gives them → PostgreSQL type. */
    @ParameterizedTest(name = "{0}({2},{3}) len {1}/{4}{5} -> {6}")
    @CsvSource(nullValues = "null", value = {
            "NUMBER, 22, 10, 2, 0, null, 'numeric(10,2)'",
            "NUMBER, 22, 38, 10, 0, null, 'numeric(38,10)'",
            "NUMBER, 22, null, 2, 0, null, 'numeric(38,2)'",
            "NUMBER, 22, 3, 5, 0, null, 'numeric(5,5)'",
            "NUMBER, 22, 1, 0, 0, null, smallint",
            "NUMBER, 22, 4, 0, 0, null, smallint",
            "NUMBER, 22, 5, 0, 0, null, integer",
            "NUMBER, 22, 9, null, 0, null, integer",
            "NUMBER, 22, 10, 0, 0, null, bigint",
            "NUMBER, 22, 18, 0, 0, null, bigint",
            "NUMBER, 22, 19, 0, 0, null, 'numeric(19)'",
            "NUMBER, 22, 38, 0, 0, null, 'numeric(38)'",
            "NUMBER, 22, null, 0, 0, null, 'numeric(38)'",
            "NUMBER, 22, 5, -2, 0, null, integer",
            "NUMBER, 22, null, null, 0, null, numeric",
            "BINARY_FLOAT, 4, null, null, 0, null, real",
            "BINARY_DOUBLE, 8, null, null, 0, null, double precision",
            "FLOAT, 22, 24, null, 0, null, numeric",
            "FLOAT, 22, 53, null, 0, null, numeric",
            "FLOAT, 22, 126, null, 0, null, numeric",
            "FLOAT, 22, null, null, 0, null, numeric",
            "DATE, 7, null, null, 0, null, 'timestamp(0)'",
            "TIMESTAMP(0), 7, null, 0, 0, null, 'timestamp(0)'",
            "TIMESTAMP(3), 11, null, 3, 0, null, 'timestamp(3)'",
            "TIMESTAMP(6), 11, null, 6, 0, null, 'timestamp(6)'",
            "TIMESTAMP(9), 11, null, 9, 0, null, 'timestamp(6)'",
            "TIMESTAMP(6) WITH TIME ZONE, 13, null, 6, 0, null, 'timestamptz(6)'",
            "TIMESTAMP(9) WITH TIME ZONE, 13, null, 9, 0, null, 'timestamptz(6)'",
            "TIMESTAMP(6) WITH LOCAL TIME ZONE, 11, null, 6, 0, null, 'timestamptz(6)'",
            "VARCHAR2, 100, null, null, 100, B, 'varchar(100)'",
            "VARCHAR2, 400, null, null, 100, C, 'varchar(100)'",
            "NVARCHAR2, 200, null, null, 100, C, 'varchar(100)'",
            "CHAR, 3, null, null, 3, B, 'char(3)'",
            "CHAR, 12, null, null, 3, C, 'char(3)'",
            "NCHAR, 6, null, null, 3, C, 'char(3)'",
            "CLOB, 4000, null, null, 0, null, text",
            "NCLOB, 4000, null, null, 0, null, text",
            "LONG, 0, null, null, 0, null, text",
            "BLOB, 4000, null, null, 0, null, bytea",
            "RAW, 16, null, null, 0, null, bytea",
            "RAW, 2000, null, null, 0, null, bytea",
            "LONG RAW, 0, null, null, 0, null, bytea",
    })
    void mapsEachOracleTypeExactly(String type, int length, Integer precision, Integer scale, int charLength, String charUsed, String expected) {
        assertThat(mapping.map(column(type, length, precision, scale, charLength, charUsed)).sql()).isEqualTo(expected);
    }

    @Test
    void moneyNeverBecomesAFloatingPointType() {
        MappedType amount = mapping.map(column("NUMBER", 22, 12, 2, 0, null));

        assertThat(amount.sql()).isEqualTo("numeric(12,2)");
        assertThat(amount.note()).isEmpty();
    }

    @Test
    void floatIsADecimalNumberInOracleAndStaysExactUnlessTheTableAcceptsBinaryFloats() {
        OracleColumn float24 = column("FLOAT", 22, 24, null, 0, null);

        MappedType exact = mapping.map(float24);
        MappedType binary = mapping.map(float24, true);

        assertThat(exact.sql()).isEqualTo("numeric");
        assertThat(exact.note()).isEmpty();
        // FLOAT(24) holds 16777217; a float4 cannot
        assertThat(new BigDecimal("16777217").floatValue()).isEqualTo(16777216f);
        assertThat(binary.sql()).isEqualTo("real");
        assertThat(binary.note()).hasValueSatisfying(note -> assertThat(note).contains("FLOAT(24)").contains("8 significant digits")
                .contains("rounds decimal values"));
        assertThat(mapping.map(column("FLOAT", 22, 53, null, 0, null), true).sql()).isEqualTo("double precision");
        assertThat(mapping.map(column("FLOAT", 22, null, null, 0, null), true).note())
                .hasValueSatisfying(note -> assertThat(note).contains("FLOAT(126)").contains("38 significant digits"));
    }

    @Test
    void binaryFloatAndBinaryDoubleAreBinaryInOracleToo() {
        assertThat(mapping.map(column("BINARY_FLOAT", 4, null, null, 0, null), false)).isEqualTo(new MappedType("real", Optional.empty()));
        assertThat(mapping.map(column("BINARY_DOUBLE", 8, null, null, 0, null), false).note()).isEmpty();
    }

    @Test
    void anOracleBinaryCollationBecomesCAndTheDefaultStaysTheDatabaseDefault() {
        assertThat(mapping.map(collated("VARCHAR2", "BINARY")).collation()).contains("\"C\"");
        assertThat(mapping.map(collated("CHAR", "BINARY")).collation()).contains("\"C\"");
        assertThat(mapping.map(collated("VARCHAR2", "USING_NLS_COMP"))).isEqualTo(new MappedType("varchar(10)", Optional.empty()));
        assertThat(mapping.map(collated("VARCHAR2", null)).collation()).isEmpty();
    }

    @Test
    void anOracleCollationWithoutAPostgresTwinIsNoted() {
        MappedType caseInsensitive = mapping.map(collated("VARCHAR2", "BINARY_CI"));

        assertThat(caseInsensitive.collation()).isEmpty();
        assertThat(caseInsensitive.note()).hasValueSatisfying(note -> assertThat(note).contains("BINARY_CI").contains("database default"));
    }

    @Test
    void fractionalSecondDigitsOfDatesAndTimestamps() {
        assertThat(column("DATE", 7, null, null, 0, null).fractionalSecondDigits()).hasValue(0);
        assertThat(column("TIMESTAMP(9)", 11, null, 9, 0, null).fractionalSecondDigits()).hasValue(9);
        assertThat(column("TIMESTAMP(3) WITH TIME ZONE", 13, null, 3, 0, null).fractionalSecondDigits()).hasValue(3);
        assertThat(column("TIMESTAMP", 11, null, null, 0, null).fractionalSecondDigits()).hasValue(6);
        assertThat(column("NUMBER", 22, 10, 0, 0, null).fractionalSecondDigits()).isEmpty();
    }

    @Test
    void saysWhatATimestampBeyondMicrosecondsLoses() {
        MappedType nanos = mapping.map(column("TIMESTAMP(9)", 11, null, 9, 0, null));

        assertThat(nanos.note()).hasValueSatisfying(note -> assertThat(note).contains("9 fractional second digits").contains("last 3 digit(s)"));
        assertThat(mapping.map(column("TIMESTAMP(6)", 11, null, 6, 0, null)).note()).isEmpty();
    }

    @Test
    void notesByteLengthSemantics() {
        assertThat(mapping.map(column("VARCHAR2", 100, null, null, 100, "B")).note())
                .hasValueSatisfying(note -> assertThat(note).contains("100 bytes").contains("BYTE length semantics"));
        assertThat(mapping.map(column("VARCHAR2", 400, null, null, 100, "C")).note()).isEmpty();
    }

    @Test
    void raw16BecomesUuidOnlyWhenConfigured() {
        OracleColumn guid = column("RAW", 16, null, null, 0, null);

        assertThat(mapping.map(guid).sql()).isEqualTo("bytea");
        assertThat(new OracleTypeMapping(true).map(guid).sql()).isEqualTo("uuid");
        assertThat(new OracleTypeMapping(true).map(column("RAW", 32, null, null, 0, null)).sql()).isEqualTo("bytea");
    }

    @Test
    void anUnknownTypeIsAnErrorNamingTheColumn() {
        assertThatThrownBy(() -> mapping.map(column("SDO_GEOMETRY", 1, null, null, 0, null)))
                .isInstanceOf(UnmappableTypeException.class)
                .hasMessageContaining("APP.ORDERS.COL")
                .hasMessageContaining("SDO_GEOMETRY");
        assertThatThrownBy(() -> mapping.map(column("INTERVAL DAY(2) TO SECOND(6)", 11, 2, 6, 0, null)))
                .isInstanceOf(UnmappableTypeException.class)
                .hasMessageContaining("APP.ORDERS.COL");
    }

    private static OracleColumn collated(String type, String collation) {
        return new OracleColumn("APP", "ORDERS", "COL", type, 10, null, null, 10, "C", true, collation);
    }

    private static OracleColumn column(String type, int length, Integer precision, Integer scale, int charLength, String charUsed) {
        return new OracleColumn("APP", "ORDERS", "COL", type, length, precision, scale, charLength, charUsed, true);
    }
}
