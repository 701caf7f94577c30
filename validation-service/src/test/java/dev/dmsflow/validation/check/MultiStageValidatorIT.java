package dev.dmsflow.validation.check;

import static dev.dmsflow.validation.check.OrdersFixture.db1;
import static dev.dmsflow.validation.check.OrdersFixture.execute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.catalog.MultiStageDefinition;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.EventHeader;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TimeWindow;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Multi-stage runs as merge-service reports them: the run's table is the view (staging side) and the final table
 * (production side), the view joins the staged orders with customers, and the final table keeps every window loaded
 * so far. Each window is merged here the way merge-service does it: the view's window, newest row per key, upserted.
 */
class MultiStageValidatorIT {

    private static final CheckSettings SETTINGS = new CheckSettings(5, 100, 4, 8);
    private static final Instant JANUARY = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant FEBRUARY = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");

    private final OrdersFixture orders = new OrdersFixture("msit", 1000);
    private final String view = orders.prefix + "_staging.orders_enriched_v";
    private final String finalTable = orders.prefix + "_production.orders_enriched";
    private final MultiStageDefinition definition = new MultiStageDefinition("orders_enriched", "orders", null, null,
            new MultiStageDefinition.View(new QualifiedName(orders.prefix + "_staging", "orders_enriched_v"), List.of(), List.of()),
            new MultiStageDefinition.FinalTable(new QualifiedName(orders.prefix + "_production", "orders_enriched"), List.of("order_id"),
                    Optional.of("updated_at")), false);
    private final Validator validator = new Validator(db1(), Optional.empty(),
            name -> name.equals("orders_enriched") ? Optional.of(definition) : Optional.empty(), SETTINGS);

    @BeforeEach
    void tables() throws SQLException {
        orders.create();
        String p = orders.prefix;
        // no key on customers: database 2's table may hold a customer twice, which makes the view's join 1:N
        execute(db1(), "CREATE TABLE " + p + "_staging.customers (customer_id bigint, name text)",
                "INSERT INTO " + p + "_staging.customers SELECT g, 'customer ' || g FROM generate_series(0, 96) g",
                "CREATE VIEW " + view + " AS SELECT o.order_id, o.amount, o.updated_at, c.name AS customer_name FROM "
                        + orders.staging() + " o JOIN " + p + "_staging.customers c ON c.customer_id = o.customer_id",
                "CREATE TABLE " + finalTable + " (order_id bigint PRIMARY KEY, amount numeric(10,2), updated_at timestamp, customer_name text)");
    }

    private static Map<String, CheckResult> byCheck(List<CheckResult> results) {
        return results.stream().collect(Collectors.toMap(CheckResult::getCheck, r -> r));
    }

    private static List<String> failed(List<CheckResult> results) {
        return results.stream().filter(r -> !r.getPassed()).map(CheckResult::getCheck).toList();
    }

    @Test
    void aSecondWindowIsCheckedAgainstItsOwnRowsOfTheFinalTable() throws SQLException {
        MergeCompleted january = merge("ms-january", JANUARY, FEBRUARY);
        assertThat(failed(validator.validate(january))).isEmpty();

        // the next run stages February's orders only (TRUNCATE_BEFORE_LOAD); the final table keeps January's
        execute(db1(), "TRUNCATE " + orders.staging(),
                "INSERT INTO " + orders.staging() + " (order_id, customer_id, amount, note, code, created_at, updated_at)"
                        + " SELECT g, g % 97, g / 4.0, 'note ' || g, 'c', timestamptz '2026-01-15 00:00:00+00', timestamp '2026-02-01' + g * interval '1 minute'"
                        + " FROM generate_series(5001, 6500) g");
        MergeCompleted february = merge("ms-february", FEBRUARY, MARCH);

        List<CheckResult> results = validator.validate(february);

        assertThat(failed(results)).isEmpty();
        assertThat(byCheck(results).get("FINAL_COUNT").getExpected()).isEqualTo("1500");
        assertThat(byCheck(results).get("FINAL_COUNT").getActual()).isEqualTo("1500");
        assertThat(count("SELECT count(*) FROM " + finalTable)).isEqualTo(2500);

        // a February row lost from the final table is still found
        execute(db1(), "DELETE FROM " + finalTable + " WHERE order_id = 6001");
        results = validator.validate(february);
        assertThat(failed(results)).containsExactly("MISSING", "FINAL_COUNT", "FINAL_MISSING");
        assertThat(byCheck(results).get("FINAL_MISSING").getSampleKeys()).containsExactly("6001");
    }

    @Test
    void keysAOneToManyJoinYieldsTwiceAreReportedAsDuplicatesNotAsACountMismatch() throws SQLException {
        // customer 5 twice in database 2: each of its orders comes out of the view twice, with different names
        execute(db1(), "INSERT INTO " + orders.prefix + "_staging.customers VALUES (5, 'customer 5, second copy')");
        long duplicated = count("SELECT count(*) FROM " + orders.staging() + " WHERE customer_id = 5");
        MergeCompleted run = merge("ms-duplicates", JANUARY, FEBRUARY);
        assertThat(run.getTables().get(0).getDuplicates()).isEqualTo(duplicated).isPositive();

        List<CheckReport> reports = validator.report(run);
        List<CheckResult> results = reports.stream().map(CheckReport::result).toList();

        assertThat(failed(results)).containsExactly("FINAL_DUPLICATES");
        CheckResult duplicates = byCheck(results).get("FINAL_DUPLICATES");
        assertThat(duplicates.getActual()).isEqualTo(Long.toString(duplicated));
        // odd keys (the staged window) whose customer is 5: order_id % 97 = 5
        assertThat(duplicates.getSampleKeys()).containsExactly("5", "199", "393", "587", "781");
        assertThat(reports.stream().filter(r -> r.result().getCheck().equals("FINAL_DUPLICATES")).findFirst().orElseThrow().detail())
                .isEqualTo("the view yields " + duplicated + " keys more than once (" + 2 * duplicated
                        + " rows, a 1:N join); the merge kept the newest row of each and dropped " + duplicated);
        assertThat(byCheck(results).get("FINAL_COUNT").getExpected()).isEqualTo(byCheck(results).get("FINAL_COUNT").getActual()).isEqualTo("1000");
    }

    /**
     * Merges the view's window into the final table as merge-service does (newest row per key, newer wins) and returns
     * the MergeCompleted it would publish.
     */
    private MergeCompleted merge(String requestId, Instant from, Instant to) throws SQLException {
        long viewRows;
        long distinct;
        try (Connection connection = db1().getConnection();
             PreparedStatement upsert = connection.prepareStatement("WITH src AS MATERIALIZED (SELECT * FROM " + view
                     + " WHERE updated_at >= ? AND updated_at < ?), newest AS (SELECT DISTINCT ON (order_id) * FROM src ORDER BY order_id, updated_at DESC)"
                     + ", upserted AS (INSERT INTO " + finalTable + " AS f SELECT order_id, amount, updated_at, customer_name FROM newest"
                     + " ON CONFLICT (order_id) DO UPDATE SET amount = EXCLUDED.amount, updated_at = EXCLUDED.updated_at,"
                     + " customer_name = EXCLUDED.customer_name WHERE f.updated_at < EXCLUDED.updated_at RETURNING 1)"
                     + " SELECT (SELECT count(*) FROM src), (SELECT count(*) FROM newest), (SELECT count(*) FROM upserted)")) {
            upsert.setTimestamp(1, Timestamp.valueOf(from.atOffset(ZoneOffset.UTC).toLocalDateTime()));
            upsert.setTimestamp(2, Timestamp.valueOf(to.atOffset(ZoneOffset.UTC).toLocalDateTime()));
            try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                viewRows = rs.getLong(1);
                distinct = rs.getLong(2);
            }
        }
        TableRef table = TableRef.newBuilder().setName("orders_enriched")
                .setSourceSchema("APP").setSourceTable("ORDERS")
                .setStagingSchema(orders.prefix + "_staging").setStagingTable("orders_enriched_v")
                .setTargetSchema(orders.prefix + "_production").setTargetTable("orders_enriched")
                .setKeyColumns(List.of("order_id")).setWindowColumn("updated_at").build();
        TableMergeResult result = TableMergeResult.newBuilder().setTable(table).setInserted(distinct).setUpdated(0).setSkippedStale(0)
                .setDuplicates(viewRows - distinct).setFullLoadRows(count("SELECT count(*) FROM " + orders.staging())).setStagedRows(viewRows).build();
        return MergeCompleted.newBuilder()
                .setHeader(new EventHeader(UUID.randomUUID().toString(), requestId, Instant.now(), "merge-service", 1))
                .setKind(TaskKind.MULTI_STAGE).setMultiStage("orders_enriched").setWindow(new TimeWindow(from, to)).setTables(List.of(result))
                .setDurationMillis(10).setLoadStartedAt(OrdersFixture.LOAD_STARTED).build();
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = db1().getConnection(); PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
