package dev.dmsflow.controller.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.event.TableRef;
import dev.dmsflow.contracts.event.TimeWindow;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Key boundaries from production on the embedded PostgreSQL: only a window the planner estimates above min-rows is
 * split, into one segment per min-rows rows up to max-segments, at the window's key quantiles, so the segments hold
 * about as many rows each; anything the controller cannot split, or cannot read, loads in one piece.
 */
class KeyRangesIT {

    private static final DataSource DB1 = DmsflowInfrastructure.shared().dataSource(Database.DB1);
    private static final JdbcTemplate PRODUCTION = new JdbcTemplate(DB1);
    private static final TimeWindow JANUARY = new TimeWindow(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"));

    @BeforeAll
    static void production() {
        PRODUCTION.execute("DROP SCHEMA IF EXISTS kr_production CASCADE");
        PRODUCTION.execute("CREATE SCHEMA kr_production");
        // 10,000 January rows with keys spread unevenly (dense, then sparse), 5,000 February rows above them
        PRODUCTION.execute("CREATE TABLE kr_production.orders (order_id bigint PRIMARY KEY, updated_at timestamp(6))");
        PRODUCTION.update("INSERT INTO kr_production.orders SELECT CASE WHEN g <= 5000 THEN g ELSE g * 100 END,"
                + " timestamp '2026-01-01' + g * interval '1 minute' FROM generate_series(1, 10000) g");
        PRODUCTION.update("INSERT INTO kr_production.orders SELECT 2000000 + g, timestamp '2026-02-03' + g * interval '1 second'"
                + " FROM generate_series(1, 5000) g");
        PRODUCTION.execute("CREATE TABLE kr_production.customers (code varchar(40) PRIMARY KEY, updated_at timestamptz)");
        PRODUCTION.update("INSERT INTO kr_production.customers SELECT CASE WHEN g % 2 = 0 THEN upper(md5(g::text)) ELSE md5(g::text) END, timestamptz '2026-01-10 00:00:00+00' FROM generate_series(1, 8000) g");
        PRODUCTION.execute("CREATE TABLE kr_production.events (at timestamp PRIMARY KEY, updated_at timestamp)");
        PRODUCTION.update("INSERT INTO kr_production.events SELECT timestamp '2026-01-01' + g * interval '1 second',"
                + " timestamp '2026-01-01' + g * interval '1 second' FROM generate_series(1, 8000) g");
        PRODUCTION.execute("ANALYZE kr_production.orders");
        PRODUCTION.execute("ANALYZE kr_production.customers");
        PRODUCTION.execute("ANALYZE kr_production.events");
    }

    private static TableRef table(String name, String key) {
        return TableRef.newBuilder().setName(name).setSourceSchema("APP").setSourceTable(name.toUpperCase())
                .setStagingSchema("staging").setStagingTable(name).setTargetSchema("kr_production").setTargetTable(name)
                .setKeyColumns(List.of(key)).setWindowColumn("updated_at").build();
    }

    private static long inWindow(String where, Object... args) {
        return PRODUCTION.queryForObject("SELECT count(*) FROM kr_production.orders WHERE updated_at >= '2026-01-01' AND updated_at < '2026-02-01' AND "
                + where, Long.class, args);
    }

    /** January's rows of orders in each of the four segments the three boundaries make. */
    private static List<Long> segmentRows(List<Long> keys) {
        return List.of(inWindow("order_id < ?", keys.get(0)), inWindow("order_id >= ? AND order_id < ?", keys.get(0), keys.get(1)),
                inWindow("order_id >= ? AND order_id < ?", keys.get(1), keys.get(2)), inWindow("order_id >= ?", keys.get(2)));
    }

    @Test
    void aLargeWindowIsSplitAtItsKeyQuantilesIntoSegmentsOfAboutEqualRows() {
        Map<String, List<String>> boundaries = new KeyRanges(DB1, new ParallelLoadProperties(2000, 4))
                .boundaries(List.of(table("orders", "order_id")), JANUARY);

        // 10,000 rows at 2,000 per segment would be 5 segments: max-segments caps them at 4
        List<Long> keys = boundaries.get("orders").stream().map(Long::parseLong).toList();
        assertThat(keys).hasSize(3).isSorted();
        List<Long> rows = segmentRows(keys);
        // February's keys are above January's: quantiles of the whole table would put the last boundary among them
        assertThat(rows).allSatisfy(segment -> assertThat(segment).isBetween(2400L, 2600L));
    }

    /** A large window's boundaries come from a sample of its pages: segments still about even. */
    @Test
    void aSampleOfTheWindowGivesSegmentsOfAboutEqualRowsToo() {
        Map<String, List<String>> boundaries = new KeyRanges(DB1, new ParallelLoadProperties(2000, 4), 3000)
                .boundaries(List.of(table("orders", "order_id")), JANUARY);

        List<Long> keys = boundaries.get("orders").stream().map(Long::parseLong).toList();
        assertThat(keys).hasSize(3).isSorted();
        List<Long> rows = segmentRows(keys);
        // a sample of some 20 whole pages of about 185 adjacent keys each is coarse (the default samples 100,000 rows)
        assertThat(rows).allSatisfy(segment -> assertThat(segment).isBetween(1500L, 3500L));
        assertThat(rows.stream().mapToLong(Long::longValue).sum()).isEqualTo(10_000L);
    }

    @Test
    void aWindowOfMinRowsOrFewerIsNotSplitAndNeitherIsAnythingWhenSegmentationIsOff() {
        List<TableRef> orders = List.of(table("orders", "order_id"));

        assertThat(new KeyRanges(DB1, new ParallelLoadProperties(20000, 4)).boundaries(orders, JANUARY)).isEmpty();
        assertThat(new KeyRanges(DB1, new ParallelLoadProperties(0, 4)).boundaries(orders, JANUARY)).isEmpty();
        assertThat(new KeyRanges(DB1, new ParallelLoadProperties(2000, 1)).boundaries(orders, JANUARY)).isEmpty();
    }

    @Test
    void aWholeTableLoadCountsTheWholeTable() {
        Map<String, List<String>> boundaries = new KeyRanges(DB1, new ParallelLoadProperties(7000, 4))
                .boundaries(List.of(table("orders", "order_id")), null);

        // 15,000 rows: 3 segments
        assertThat(boundaries.get("orders")).hasSize(2);
    }

    @Test
    void textKeysSplitInByteOrderOtherKeysAndUnreadableTablesNot() {
        Map<String, List<String>> boundaries = new KeyRanges(DB1, new ParallelLoadProperties(3000, 4)).boundaries(
                List.of(table("customers", "code"), table("events", "at"), table("missing", "id")), JANUARY);

        assertThat(boundaries).containsOnlyKeys("customers");
        List<String> codes = boundaries.get("customers");
        assertThat(codes).hasSize(2);
        long below = PRODUCTION.queryForObject("SELECT count(*) FROM kr_production.customers WHERE code COLLATE \"C\" < ?", Long.class, codes.get(0));
        assertThat(below).isBetween(2500L, 2800L);
    }
}
