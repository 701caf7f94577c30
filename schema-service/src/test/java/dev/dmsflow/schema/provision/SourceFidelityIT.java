package dev.dmsflow.schema.provision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmsflow.contracts.catalog.CatalogTable;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import dev.dmsflow.schema.ddl.ProvisionException;
import dev.dmsflow.schema.ddl.Steps;
import dev.dmsflow.schema.drift.ColumnDrift;
import dev.dmsflow.schema.drift.TablePair;
import dev.dmsflow.schema.drift.TypeVerification;
import dev.dmsflow.schema.typemap.OracleTypeMapping;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What provisioning keeps of the source on the real PostgreSQL: FLOAT(b) values exactly, column collations from
 * production (and from Oracle's dictionary) into staging, and the catalog's windowPrecision checked against the source
 * column, with the dictionary stand-in and a PostgreSQL source.
 */
class SourceFidelityIT {

    private static final String DICTIONARY = "sx_dict";

    private final DataSource db1 = DmsflowInfrastructure.shared().dataSource(Database.DB1);
    private final JdbcTemplate jdbc = new JdbcTemplate(db1);
    private final JdbcTemplate source = new JdbcTemplate(DmsflowInfrastructure.shared().dataSource(Database.SOURCE));

    @BeforeEach
    void freshDatabases() {
        jdbc.execute("DROP SCHEMA IF EXISTS sx_staging, sx_production CASCADE");
        jdbc.execute("CREATE SCHEMA sx_production");
        OracleDictionaryFixture.create(source, DICTIONARY);
        source.update("INSERT INTO " + DICTIONARY + ".all_tab_cols VALUES"
                + " ('APP', 'MEASURES', 'MEASURE_ID', 'NUMBER', 22, 10, 0, 0, NULL, 'N', 1, 'NO', 'NO', NULL),"
                + " ('APP', 'MEASURES', 'CODE', 'VARCHAR2', 10, NULL, NULL, 10, 'C', 'Y', 2, 'NO', 'NO', 'BINARY'),"
                + " ('APP', 'MEASURES', 'READING', 'FLOAT', 22, 24, NULL, 0, NULL, 'Y', 3, 'NO', 'NO', NULL),"
                + " ('APP', 'MEASURES', 'TAKEN_ON', 'DATE', 7, NULL, NULL, 0, NULL, 'Y', 4, 'NO', 'NO', NULL),"
                + " ('APP', 'MEASURES', 'TAKEN_AT', 'TIMESTAMP(9)', 11, NULL, 9, 0, NULL, 'Y', 5, 'NO', 'NO', NULL)");
        source.execute("DROP SCHEMA IF EXISTS sx_pgsrc CASCADE");
        source.execute("CREATE SCHEMA sx_pgsrc");
        source.execute("CREATE TABLE sx_pgsrc.events (event_id bigint PRIMARY KEY, changed_at timestamp(3), seen_at timestamp, day date)");
    }

    @Test
    void aFloat24ValueOfEightDigitsSurvivesStagingAndProduction() throws SQLException {
        provision(measures("measures", false, 0, "taken_on"));

        assertThat(type("sx_production", "measures", "reading")).isEqualTo("numeric");
        assertThat(type("sx_staging", "measures", "reading")).isEqualTo("numeric");
        jdbc.update("INSERT INTO sx_staging.measures (measure_id, reading) VALUES (1, ?)", new BigDecimal("16777217"));
        jdbc.update("INSERT INTO sx_production.measures (measure_id, reading) SELECT measure_id, reading FROM sx_staging.measures");
        assertThat(jdbc.queryForObject("SELECT reading FROM sx_production.measures WHERE measure_id = 1", BigDecimal.class))
                .isEqualByComparingTo("16777217");
    }

    @Test
    void binaryFloatsAcceptRealAndSaySoOnTheColumn() throws SQLException {
        provision(measures("measures", true, 0, "taken_on"));

        assertThat(type("sx_production", "measures", "reading")).isEqualTo("real");
        assertThat(jdbc.queryForObject("SELECT col_description('sx_production.measures'::regclass, 3)", String.class))
                .contains("FLOAT(24)").contains("rounds decimal values");
        // what the note warns about
        jdbc.update("INSERT INTO sx_production.measures (measure_id, reading) VALUES (1, 16777217)");
        assertThat(jdbc.queryForObject("SELECT reading::float8::numeric FROM sx_production.measures", BigDecimal.class)).isEqualByComparingTo("16777216");
    }

    @Test
    void aCollatedTextKeyKeepsItsCollationInStagingAndTheMergeJoinWorks() throws SQLException {
        jdbc.execute("CREATE TABLE sx_production.codes (code text COLLATE \"C\" PRIMARY KEY, label varchar(20), updated_at timestamp(6))");
        jdbc.update("INSERT INTO sx_production.codes VALUES ('a', 'x', '2026-01-01'), ('B', 'y', '2026-01-01')");

        provision(codes());

        assertThat(collation("sx_staging", "codes", "code")).isEqualTo("\"C\"");
        assertThat(collation("sx_staging", "codes", "label")).isNull();
        jdbc.update("INSERT INTO sx_staging.codes (code, label, updated_at) VALUES ('a', 'z', '2026-01-02'), ('c', 'w', '2026-01-02')");
        // the join merge-service runs: both sides of p.code = s.code under one collation
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sx_production.codes p JOIN sx_staging.codes s ON p.code = s.code", Long.class)).isOne();
        assertThat(drift()).isEmpty();
    }

    @Test
    void aStagingColumnWithAnotherCollationIsDrift() throws SQLException {
        jdbc.execute("CREATE TABLE sx_production.codes (code text COLLATE \"C\" PRIMARY KEY, label varchar(20), updated_at timestamp(6))");
        provision(codes());
        // a staging table as provisioning created it before collations were copied: the join compares under "C"
        // (a non-default collation beats the default), but staging's key and order are not production's
        jdbc.execute("ALTER TABLE sx_staging.codes ALTER COLUMN code TYPE text COLLATE \"default\"");

        assertThat(drift()).singleElement().satisfies(d -> {
            assertThat(d.column()).isEqualTo("code");
            assertThat(d.status()).isEqualTo("COLLATION MISMATCH");
            assertThat(d.targetType()).isEqualTo("text COLLATE \"C\"");
            assertThat(d.stagingType()).isEqualTo("text");
        });
    }

    @Test
    void twoDifferentCollationsOnAKeyAreDriftAndBreakTheMergeJoin() throws SQLException {
        jdbc.execute("CREATE TABLE sx_production.codes (code text COLLATE \"C\" PRIMARY KEY, label varchar(20), updated_at timestamp(6))");
        provision(codes());
        jdbc.execute("ALTER TABLE sx_staging.codes ALTER COLUMN code TYPE text COLLATE \"POSIX\"");
        jdbc.update("INSERT INTO sx_production.codes (code) VALUES ('a'), ('b')");
        jdbc.update("INSERT INTO sx_staging.codes (code) VALUES ('a'), ('c')");

        assertThat(drift()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo("COLLATION MISMATCH");
            assertThat(d.stagingType()).isEqualTo("text COLLATE \"POSIX\"");
        });
        assertThatThrownBy(() -> execute("SELECT count(*) FROM sx_production.codes p JOIN sx_staging.codes s ON p.code = s.code"))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42P22"));
    }

    @Test
    void anOracleBinaryCollationBecomesCInProductionAndStaging() throws SQLException {
        provision(measures("measures", false, 0, "taken_on"));

        assertThat(collation("sx_production", "measures", "code")).isEqualTo("\"C\"");
        assertThat(collation("sx_staging", "measures", "code")).isEqualTo("\"C\"");
    }

    @Test
    void aDictionaryWithoutCollationsStillCreatesTheTable() throws SQLException {
        source.execute("ALTER TABLE " + DICTIONARY + ".all_tab_cols DROP COLUMN \"COLLATION\"");

        provision(measures("measures", false, 0, "taken_on"));

        assertThat(collation("sx_production", "measures", "code")).isNull();
        assertThat(type("sx_production", "measures", "code")).isEqualTo("character varying(10)");
    }

    @Test
    void aWindowPrecisionThatIsNotTheOracleColumnsIsRefusedNamingTableColumnAndBothValues() {
        assertThatThrownBy(() -> provision(measures("measures", false, 6, "taken_on")))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("table measures")
                .hasMessageContaining("window column taken_on is DATE in source table APP.MEASURES, 0 fractional-second digit(s)")
                .hasMessageContaining("the catalog's windowPrecision is 6");
        assertThatThrownBy(() -> provision(measures("measures", false, 6, "taken_at")))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("window column taken_at is TIMESTAMP(9)")
                .hasMessageContaining("9 fractional-second digit(s)")
                .hasMessageContaining("windowPrecision is 6");
        assertThat(jdbc.queryForObject("SELECT to_regclass('sx_production.measures') IS NULL", Boolean.class)).isTrue();
    }

    @Test
    void aWindowPrecisionThatIsTheOracleColumnsPasses() throws SQLException {
        provision(measures("measures", false, 9, "taken_at"));

        assertThat(jdbc.queryForObject("SELECT to_regclass('sx_staging.measures') IS NOT NULL", Boolean.class)).isTrue();
    }

    @Test
    void aWindowColumnMissingInTheSourceIsRefused() {
        assertThatThrownBy(() -> provision(measures("measures", false, 6, "updated_at")))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("source table APP.MEASURES has no window column updated_at");
    }

    @Test
    void aPostgresSourceIsCheckedThroughItsOwnCatalog() throws SQLException {
        jdbc.execute("CREATE TABLE sx_production.events (event_id bigint PRIMARY KEY, changed_at timestamp(3), seen_at timestamp(6), day date)");
        SourceCatalog postgres = new PostgresSourceCatalog(DmsflowInfrastructure.shared().dataSource(Database.SOURCE));

        assertThatThrownBy(() -> provision(events("changed_at", 6), postgres))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("table events: window column changed_at is timestamp without time zone in source table sx_pgsrc.events,"
                        + " 3 fractional-second digit(s), but the catalog's windowPrecision is 6");
        assertThatThrownBy(() -> provision(events("day", 6), postgres))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("0 fractional-second digit(s)");
        provision(events("changed_at", 3), postgres);
        provision(events("seen_at", 6), postgres);
        provision(events("day", 0), postgres);
    }

    private CatalogTable measures(String name, boolean binaryFloats, int windowPrecision, String windowColumn) {
        return new CatalogTable(name, new QualifiedName("APP", "MEASURES"), new QualifiedName("sx_staging", name),
                new QualifiedName("sx_production", name), List.of("measure_id"), Optional.of(windowColumn), windowPrecision,
                false, false, binaryFloats);
    }

    private static CatalogTable codes() {
        return new CatalogTable("codes", new QualifiedName("APP", "CODES"), new QualifiedName("sx_staging", "codes"),
                new QualifiedName("sx_production", "codes"), List.of("code"), Optional.of("updated_at"), 6);
    }

    private static CatalogTable events(String windowColumn, int windowPrecision) {
        return new CatalogTable("events", new QualifiedName("sx_pgsrc", "events"), new QualifiedName("sx_staging", "events"),
                new QualifiedName("sx_production", "events"), List.of("event_id"), Optional.of(windowColumn), windowPrecision);
    }

    private void provision(CatalogTable table) throws SQLException {
        PGSimpleDataSource dictionary = (PGSimpleDataSource) DmsflowInfrastructure.shared().dataSource(Database.SOURCE);
        dictionary.setCurrentSchema(DICTIONARY);
        // codes has no source table: its test is about staging, not the source
        provision(table, table.name().equals("codes") ? null : new OracleDictionary(dictionary));
    }

    /** One table in one transaction, committed, as the Provisioner runs it. */
    private void provision(CatalogTable table, SourceCatalog sourceCatalog) throws SQLException {
        TableProvisioner provisioner = new TableProvisioner(new OracleTypeMapping(false), Optional.ofNullable(sourceCatalog), Optional.empty());
        try (Connection connection = db1.getConnection()) {
            connection.setAutoCommit(false);
            try {
                provisioner.provision(connection, table, new Steps());
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = db1.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeQuery(sql).close();
        }
    }

    private List<ColumnDrift> drift() throws SQLException {
        try (Connection connection = db1.getConnection()) {
            return TypeVerification.run(connection, List.of(new TablePair("codes", new QualifiedName("sx_staging", "codes"),
                    new QualifiedName("sx_production", "codes"))));
        }
    }

    private String type(String schema, String table, String column) {
        return jdbc.queryForObject("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass"
                + " AND attname = ?", String.class, schema, table, column);
    }

    /** The column's own collation, null when it is its type's default. */
    private String collation(String schema, String table, String column) {
        return jdbc.queryForObject("""
                SELECT CASE WHEN a.attcollation <> t.typcollation THEN a.attcollation::regcollation::text END
                FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
                WHERE a.attrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass AND a.attname = ?""", String.class, schema, table, column);
    }
}
