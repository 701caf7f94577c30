package dev.dmsflow.validation.check;

import static dev.dmsflow.validation.check.OrdersFixture.db1;
import static dev.dmsflow.validation.check.OrdersFixture.execute;
import static dev.dmsflow.validation.check.OrdersFixture.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.tuple;

import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.KeyDifference;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.contracts.event.ValidationRequested;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Validate-only runs against real PostgreSQL: the source database's orders against production's in database 1, no
 * staging involved. The fixture's source and production are equal; each test plants what it looks for.
 */
class ValidateOnlyIT {

    // small ranges so that 2,000 rows of the window take several bisection levels; no confirm delay unless a test needs one
    private static final CheckSettings SETTINGS = new CheckSettings(10, 100, 4, 8, Duration.ofSeconds(10), Duration.ZERO, 100);

    private final OrdersFixture orders = new OrdersFixture("vov", 2000);

    @BeforeEach
    void tables() throws SQLException {
        orders.create();
    }

    private ValidationRequested request(String requestId, boolean window) {
        return ValidationRequested.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now(), "dms-controller-service", 1))
                .setKind(TaskKind.VALIDATE_ONLY).setWindow(window ? new TimeWindow(OrdersFixture.FROM, OrdersFixture.TO) : null)
                .setTables(List.of(orders.tableRef())).setStartedAt(OrdersFixture.LOAD_STARTED).build();
    }

    private List<CheckReport> validateOnly(ValidationRequested run) throws SQLException {
        return new Validator(db1(), Optional.of(source()), name -> Optional.empty(), SETTINGS).validateOnly(run);
    }

    private static Map<String, CheckReport> byCheck(List<CheckReport> reports) {
        return reports.stream().collect(Collectors.toMap(r -> r.result().getCheck(), r -> r));
    }

    /** md5 of every row of the table in key order: what must not change. */
    private static String digest(DataSource dataSource, String table) {
        return new JdbcTemplate(dataSource).queryForObject("SELECT md5(string_agg(t::text, '|' ORDER BY order_id)) FROM " + table + " t", String.class);
    }

    @Test
    void equalTablesPassEveryCheckWhileCdcUpdatesOtherRowsInBothDatabases() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong changes = new AtomicLong();
        // CDC after the run started: the source changes a row first, production a moment later (or not yet)
        CompletableFuture<Void> cdc = CompletableFuture.runAsync(() -> {
            try (Connection src = source().getConnection(); Statement s = src.createStatement();
                 Connection db = db1().getConnection(); Statement p = db.createStatement()) {
                for (long i = 0; running.get(); i++) {
                    long key = 1 + (i * 2 % 4000);
                    String change = " SET note = 'cdc " + i + "', updated_at = timestamp '2026-02-01 07:00:00' + " + i + " * interval '1 ms'"
                            + " WHERE order_id = " + key;
                    s.executeUpdate("UPDATE " + orders.sourceTable() + change);
                    if (i % 3 != 0) {
                        p.executeUpdate("UPDATE " + orders.production() + change);
                    }
                    changes.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            for (int run = 0; run < 3; run++) {
                List<CheckReport> reports = validateOnly(request("clean-" + run, true));
                assertThat(reports).extracting(r -> r.result().getCheck()).containsExactly("SOURCE_COUNT", "MISSING", "EXTRA", "CONTENTS");
                assertThat(reports).allSatisfy(r -> assertThat(r.result().getPassed()).as(r.result().toString()).isTrue());
            }
        } finally {
            running.set(false);
            cdc.join();
        }
        assertThat(changes.get()).isPositive();
    }

    @Test
    void exactlyThePlantedKeysAreReportedAndNothingIsWritten() throws SQLException {
        execute(db1(),
                // equal versions (same updated_at), different contents: numeric scale, text, char, timestamp, NULL
                "UPDATE " + orders.production() + " SET amount = amount + 0.01 WHERE order_id = 101",
                "UPDATE " + orders.production() + " SET note = 'planted' WHERE order_id = 103",
                "UPDATE " + orders.production() + " SET code = 'zz' WHERE order_id = 105",
                "UPDATE " + orders.production() + " SET created_at = created_at + interval '1 ms' WHERE order_id = 107",
                "UPDATE " + orders.production() + " SET note = NULL WHERE order_id = 109",
                // rows production lacks
                "DELETE FROM " + orders.production() + " WHERE order_id IN (301, 1303)",
                // NULL-window rows differ too, but no window holds them
                "UPDATE " + orders.production() + " SET updated_at = NULL, note = 'no window' WHERE order_id = 401");
        execute(source(),
                // rows the source lacks
                "DELETE FROM " + orders.sourceTable() + " WHERE order_id IN (201, 3001)",
                "UPDATE " + orders.sourceTable() + " SET updated_at = NULL WHERE order_id = 401",
                // equal contents in another representation: not a difference
                "UPDATE " + orders.sourceTable() + " SET code = 'c1   ' WHERE order_id = 111");
        String production = digest(db1(), orders.production());
        String staging = digest(db1(), orders.staging());

        Map<String, CheckReport> checks = byCheck(validateOnly(request("planted", true)));

        assertThat(checks.get("MISSING").result().getSampleKeys()).containsExactly("301", "1303");
        assertThat(checks.get("EXTRA").result().getSampleKeys()).containsExactly("201", "3001");
        CheckResult contents = checks.get("CONTENTS").result();
        assertThat(contents.getSampleKeys()).containsExactly("101", "103", "105", "107", "109");
        assertThat(contents.getActual()).isEqualTo("5");
        // kept for a repair as well: every planted key of each check
        assertThat(checks.get("CONTENTS").keys()).containsExactly("101", "103", "105", "107", "109");
        assertThat(checks.get("MISSING").keys()).containsExactly("301", "1303");
        assertThat(checks.get("EXTRA").keys()).containsExactly("201", "3001");
        assertThat(contents.getDifferences()).extracting(KeyDifference::getKey, d -> List.copyOf(d.getColumns())).containsExactly(
                tuple("101", List.of("amount")), tuple("103", List.of("note")),
                tuple("105", List.of("code")), tuple("107", List.of("created_at")),
                tuple("109", List.of("note")));
        assertThat(checks.get("CONTENTS").values()).filteredOn(v -> v.key().equals("101")).singleElement()
                .satisfies(v -> assertThat(Double.parseDouble(v.production()) - Double.parseDouble(v.source())).isCloseTo(0.01, offset(1e-9)));
        assertThat(checks.get("CONTENTS").values()).filteredOn(v -> v.key().equals("109")).singleElement()
                .satisfies(v -> assertThat(v.production()).isNull());
        CheckResult count = checks.get("SOURCE_COUNT").result();
        assertThat(count.getPassed()).isFalse();
        // the window: 2,000 odd keys less 401 (no window value) in both; the source less 201 and 3001, production less 301 and 1303
        assertThat(count.getExpected()).isEqualTo("1997");
        assertThat(count.getActual()).isEqualTo("1997");
        assertThat(digest(db1(), orders.production())).isEqualTo(production);
        assertThat(digest(db1(), orders.staging())).isEqualTo(staging);
    }

    @Test
    void acrossEnginesByCanonicalTextAsAgainstAnOracleSourceTheSameKeysAndColumnsAreReported() throws SQLException {
        execute(db1(), "UPDATE " + orders.production() + " SET amount = amount + 0.01 WHERE order_id = 101",
                "UPDATE " + orders.production() + " SET created_at = created_at + interval '1 second' WHERE order_id = 107",
                "DELETE FROM " + orders.production() + " WHERE order_id = 301");
        execute(source(), "DELETE FROM " + orders.sourceTable() + " WHERE order_id = 201",
                // the same contents in another representation: equal canonical text
                "UPDATE " + orders.sourceTable() + " SET code = 'c1   ' WHERE order_id = 111");

        // the cross-engine path (OracleSql on an Oracle source, PostgresCanonical here) with a PostgreSQL source
        Map<String, CheckReport> checks = byCheck(new Validator(db1(), Optional.of(source()), name -> Optional.empty(), SETTINGS, true)
                .validateOnly(request("canonical", true)));

        assertThat(checks.get("MISSING").result().getSampleKeys()).containsExactly("301");
        assertThat(checks.get("EXTRA").result().getSampleKeys()).containsExactly("201");
        assertThat(checks.get("CONTENTS").result().getDifferences()).extracting(d -> d.getKey() + " " + d.getColumns())
                .containsExactly("101 [amount]", "107 [created_at]");
        assertThat(checks.get("CONTENTS").values()).filteredOn(v -> v.key().equals("101")).singleElement()
                .satisfies(v -> assertThat(v.source() + " -> " + v.production()).isEqualTo("25.25 -> 25.26"));
        assertThat(checks.get("SOURCE_COUNT").result().getExpected()).isEqualTo("1999");
    }

    @Test
    void aWholeTableRunComparesRowsOfEveryWindowValueNullIncluded() throws SQLException {
        execute(db1(), "UPDATE " + orders.production() + " SET updated_at = NULL WHERE order_id IN (400, 401)",
                "UPDATE " + orders.production() + " SET note = 'planted' WHERE order_id = 402");
        execute(source(), "UPDATE " + orders.sourceTable() + " SET updated_at = NULL WHERE order_id = 400");

        Map<String, CheckReport> checks = byCheck(validateOnly(request("whole", false)));

        assertThat(checks.get("SOURCE_COUNT").result().getExpected()).isEqualTo("4000");
        assertThat(checks.get("CONTENTS").result().getSampleKeys()).containsExactly("401", "402");
        assertThat(checks.get("CONTENTS").result().getDifferences()).extracting(d -> List.copyOf(d.getColumns()))
                .containsExactly(List.of("updated_at"), List.of("note"));
    }

    @Test
    void aDifferenceCdcIsStillApplyingIsInFlightOnceTheConfirmPassSeesItApplied() throws SQLException {
        // changed in the source before the run started; production has not got it yet when the checks' snapshot is taken
        execute(source(), "UPDATE " + orders.sourceTable() + " SET note = 'applied late' WHERE order_id IN (501, 503)");
        ValidateOnlyChecks.Reconnect cdcCatchesUp = new ValidateOnlyChecks.Reconnect() {
            @Override
            public Connection production() throws SQLException {
                // during the confirm delay CDC applies 501's change; 503's never arrives
                execute(db1(), "UPDATE " + orders.production() + " SET note = 'applied late' WHERE order_id = 501");
                return db1().getConnection();
            }

            @Override
            public Connection source() throws SQLException {
                return OrdersFixture.source().getConnection();
            }
        };
        CheckSettings confirming = new CheckSettings(10, 100, 4, 8, Duration.ofSeconds(10), Duration.ofMillis(10), 100);
        List<CheckReport> reports;
        try (Connection db = db1().getConnection(); Connection src = source().getConnection()) {
            Relation production = DatabaseCatalog.require(db, "production", "vov_production", "orders");
            Relation sourceTable = DatabaseCatalog.require(src, "source", "vov_source", "orders");
            reports = new ValidateOnlyChecks(db, src, cdcCatchesUp, production, sourceTable, List.of("order_id"), Optional.of("updated_at"),
                    Optional.of(new WindowFilter(OrdersFixture.FROM, OrdersFixture.TO)), OrdersFixture.LOAD_STARTED, System.nanoTime(), confirming,
                    SourceChecks.Dialect.POSTGRES).run("orders", 4000);
        }

        Map<String, CheckReport> checks = byCheck(reports);
        assertThat(checks.get("CONTENTS").result().getSampleKeys()).containsExactly("503");
        assertThat(checks.get("SOURCE_COUNT").detail()).contains("1 more matched or had changed when looked at again");
    }

    @Test
    @Timeout(120)
    void aTableNoCdcWritesIntoIsNotConfirmedItsDifferencesAreNotOnTheirWay() throws SQLException {
        execute(db1(), "UPDATE " + orders.production() + " SET note = 'planted' WHERE order_id = 701");
        // an hour's confirm delay: a confirm pass would outlast the test's timeout
        CheckSettings hourly = new CheckSettings(10, 100, 4, 8, Duration.ofSeconds(10), Duration.ofHours(1), 100);

        List<CheckReport> reports = new Validator(db1(), Optional.of(source()), name -> Optional.empty(), hourly, name -> false)
                .validateOnly(request("no-cdc", true));

        assertThat(byCheck(reports).get("CONTENTS").result().getSampleKeys()).containsExactly("701");
    }

    @Test
    void rowsChangedAfterTheRunStartedOnEitherSideAreInFlightNotFailures() throws SQLException {
        execute(source(), "UPDATE " + orders.sourceTable() + " SET note = 'cdc', updated_at = timestamp '2026-02-01 07:00' WHERE order_id = 601",
                "DELETE FROM " + orders.sourceTable() + " WHERE order_id = 605");
        execute(db1(), "UPDATE " + orders.production() + " SET note = 'cdc', updated_at = timestamp '2026-02-01 08:00' WHERE order_id = 603");

        Map<String, CheckReport> checks = byCheck(validateOnly(request("in-flight", true)));

        assertThat(checks.get("CONTENTS").result().getPassed()).isTrue();
        assertThat(checks.get("CONTENTS").result().getInFlight()).isEqualTo(2);
        // a source delete cannot be told from a row that was never there: it fails unless production loses it by the confirm pass
        assertThat(checks.get("EXTRA").result().getSampleKeys()).containsExactly("605");
    }

    @Test
    void withoutASourceDatabaseAValidateOnlyRunIsRefusedWithTheReason() {
        Function<String, Optional<MultiStageDefinition>> none = name -> Optional.empty();
        assertThatThrownBy(() -> new Validator(db1(), Optional.empty(), none, SETTINGS).validateOnly(request("no-source", true)))
                .isInstanceOf(InvalidRunException.class).hasMessageContaining("dmsflow.validation.source.url");
    }
}
