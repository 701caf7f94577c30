package dev.dmsflow.validation.check;

import static dev.dmsflow.validation.check.OrdersFixture.db1;
import static dev.dmsflow.validation.check.OrdersFixture.execute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.ValidationRequested;
import dev.dmsflow.validation.check.CanonicalExamples.Example;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The SOURCE check against a real Oracle (gvenzl/oracle-free): Oracle renders every canonical example as PostgreSQL
 * does, and a window of Oracle rows is compared with PostgreSQL staging down to the exact differing key. Needs Docker;
 * where there is none (as on the development machines) JUnit reports it as skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class OracleSourceCheckIT {

    @Container
    static final GenericContainer<?> ORACLE = new GenericContainer<>("gvenzl/oracle-free:23-slim-faststart")
            .withEnv("ORACLE_PASSWORD", "dmsflow")
            .withEnv("APP_USER", "APP")
            .withEnv("APP_USER_PASSWORD", "app")
            .withExposedPorts(1521)
            .waitingFor(Wait.forLogMessage(".*DATABASE IS READY TO USE!.*\\n", 1))
            .withStartupTimeout(Duration.ofMinutes(5));

    private static DataSource oracle() {
        return new DriverManagerDataSource("jdbc:oracle:thin:@//" + ORACLE.getHost() + ":" + ORACLE.getMappedPort(1521) + "/FREEPDB1", "APP", "app");
    }

    @Test
    void oracleRendersEveryExampleAsPostgresqlDoes() throws SQLException {
        List<String> oracleColumns = new ArrayList<>();
        List<String> oracleValues = new ArrayList<>();
        List<String> postgresColumns = new ArrayList<>();
        List<String> postgresValues = new ArrayList<>();
        for (Example example : CanonicalExamples.ALL) {
            // quoted: some names (DATE, CHAR, RAW) are reserved words in Oracle
            oracleColumns.add("\"" + example.name().toUpperCase(Locale.ROOT) + "\" " + example.oracleType());
            oracleValues.add(example.oracleLiteral());
            postgresColumns.add(example.name() + " " + example.postgresType());
            postgresValues.add(example.postgresLiteral());
        }
        execute(oracle(), "CREATE TABLE EXAMPLES (" + String.join(", ", oracleColumns) + ")",
                "INSERT INTO EXAMPLES VALUES (" + String.join(", ", oracleValues) + ")");
        execute(db1(), "DROP SCHEMA IF EXISTS canon_ora CASCADE", "CREATE SCHEMA canon_ora",
                "CREATE TABLE canon_ora.examples (" + String.join(", ", postgresColumns) + ")");
        try (Connection source = oracle().getConnection(); Connection postgres = db1().getConnection()) {
            Relation oracleTable = OracleSql.relation(source, "examples", "app", "examples");
            Relation postgresTable = DatabaseCatalog.require(postgres, "examples", "canon_ora", "examples");
            List<String> rendered = new ArrayList<>();
            for (Example example : CanonicalExamples.ALL) {
                Column column = oracleTable.column(example.name().toUpperCase(Locale.ROOT));
                // the catalog describes the column as the examples do
                assertThat(column.typeName()).isEqualTo(example.oracle().typeName());
                assertThat(column.formattedType()).isEqualTo(example.oracle().formattedType());
                rendered.add(OracleSql.value("o." + Normalization.quote(column.name()), column,
                        CanonicalExamples.form(example, postgresTable.column(example.name()))));
            }
            List<String> actual = CanonicalExamples.firstRow(source, "SELECT " + String.join(", ", rendered) + " FROM EXAMPLES o");

            assertThat(actual).containsExactlyElementsOf(CanonicalExamples.ALL.stream().map(Example::expected).toList());

            List<String> values = List.of("'1.5'", "NULL", "'ab'", "NULL");
            assertThat(CanonicalExamples.firstRow(source, "SELECT " + OracleSql.rowHash(values, List.of(List.of(0, 1, 2))) + ", "
                    + OracleSql.rowHash(values, List.of(List.of(3))) + ", "
                    + OracleSql.rowHash(values, List.of(List.of(0, 1), List.of(2), List.of(3))) + " FROM DUAL")).containsExactly(
                    Long.toString(CanonicalExamples.rowHash(List.of(Arrays.asList("1.5", null, "ab")))),
                    Long.toString(CanonicalExamples.rowHash(List.of(Arrays.asList((String) null)))),
                    Long.toString(CanonicalExamples.rowHash(List.of(Arrays.asList("1.5", null), List.of("ab"), Arrays.asList((String) null)))));
        }
    }

    @Test
    void anOracleWindowIsComparedWithStagingDownToTheDifferingKey() throws SQLException {
        OrdersFixture orders = new OrdersFixture("ora", 2000).create();
        // the fixture's rows, generated in Oracle: odd keys are January 2026's window
        execute(oracle(), "CREATE TABLE ORDERS (ORDER_ID NUMBER(19) PRIMARY KEY, CUSTOMER_ID NUMBER(19) NOT NULL, AMOUNT NUMBER(10,2),"
                        + " NOTE VARCHAR2(20), CODE CHAR(5), CREATED_AT TIMESTAMP(6) WITH TIME ZONE, UPDATED_AT TIMESTAMP(6))",
                "INSERT INTO ORDERS SELECT g, MOD(g, 97), MOD(g, 1000) / 4, 'note ' || g, 'c' || MOD(g, 10),"
                        + " TIMESTAMP '2025-06-01 00:00:00.123456 +02:00' + NUMTODSINTERVAL(g, 'SECOND'),"
                        + " CASE WHEN MOD(g, 2) = 1 THEN TIMESTAMP '2026-01-01 00:00:00' + NUMTODSINTERVAL(g * 7 + 0.5, 'SECOND')"
                        + " ELSE TIMESTAMP '2025-12-01 00:00:00' + NUMTODSINTERVAL(g * 7, 'SECOND') END"
                        + " FROM (SELECT LEVEL g FROM DUAL CONNECT BY LEVEL <= 4000)");
        // 10 rows per range: the first pass's 200 ranges are numbered in one sort with JSON-bound thresholds, the
        // bisection levels' few ranges by a CASE of key predicates
        Validator validator = new Validator(db1(), Optional.of(oracle()), name -> Optional.empty(),
                new CheckSettings(5, 10, 4, 8, Duration.ZERO, Duration.ZERO, 100));

        assertThat(sourceCheck(validator, orders).getPassed()).isTrue();

        execute(oracle(), "UPDATE ORDERS SET NOTE = 'changed' WHERE ORDER_ID = 1501");
        CheckResult changed = sourceCheck(validator, orders);

        assertThat(changed.getPassed()).isFalse();
        assertThat(changed.getSampleKeys()).containsExactly("1501");
        assertThat(changed.getExpected()).isEqualTo("2000");

        // a validate-only run: the Oracle window against production's, the changed note named by key and column
        TableRef table = TableRef.newBuilder(orders.tableRef()).setSourceSchema("APP").build();
        Map<String, CheckResult> validateOnly = new HashMap<>();
        validator.validateOnly(ValidationRequested.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), "oracle-validate-only", Instant.now(), "dms-controller-service", 1))
                .setKind(TaskKind.VALIDATE_ONLY).setWindow(new TimeWindow(OrdersFixture.FROM, OrdersFixture.TO)).setTables(List.of(table))
                .setStartedAt(OrdersFixture.LOAD_STARTED).build()).forEach(r -> validateOnly.put(r.result().getCheck(), r.result()));
        assertThat(validateOnly.get("SOURCE_COUNT").getExpected()).isEqualTo("2000");
        assertThat(validateOnly.get("MISSING").getPassed()).isTrue();
        assertThat(validateOnly.get("EXTRA").getPassed()).isTrue();
        assertThat(validateOnly.get("CONTENTS").getDifferences()).extracting(d -> d.getKey() + " " + d.getColumns()).containsExactly("1501 [note]");
    }

    private static CheckResult sourceCheck(Validator validator, OrdersFixture orders) throws SQLException {
        MergeCompleted run = orders.merged("oracle");
        run.getTables().get(0).getTable().setSourceSchema("APP");
        return validator.validate(run).stream().filter(r -> r.getCheck().equals(CheckNames.SOURCE)).findFirst().orElseThrow();
    }
}
