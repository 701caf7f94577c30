package dev.dmsflow.merge.window;

import static dev.dmsflow.merge.MergeFixture.JANUARY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.merge.MergeFixture;
import dev.dmsflow.merge.MergeServiceTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Staged keys spread thinly over production (one in 40, as a customers or UUID-keyed table's reload has them) take
 * the key-list plan, and it leaves production as the range plan does: the same tables merged both ways, newer-wins,
 * NULL window values, duplicates and what CDC changed, deleted and inserted after the load started included.
 */
@MergeServiceTest
@TestPropertySource(properties = "spring.kafka.listener.auto-startup=false")
class SpreadKeyMergeIT {

    private static final int PRODUCTION_ROWS = 20_000;
    private static final int STEP = 40;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;

    @ParameterizedTest(name = "staging key unique: {0}")
    @ValueSource(booleans = {true, false})
    void theKeyListPlanMergesSpreadKeysAsTheRangePlanDoes(boolean stagingKeyUnique) throws SQLException {
        MergeFixture byList = spreadWindow(stagingKeyUnique);
        MergeFixture byRange = spreadWindow(stagingKeyUnique);
        Instant loadStartedAt = Instant.now();
        for (MergeFixture db : List.of(byList, byRange)) {
            // CDC after the load read the window: a staged newer key updated (to an older timestamp), one deleted, a
            // staged new key inserted
            jdbc.update("UPDATE " + db.production + ".orders SET status = 'CDC', updated_at = '2026-01-02' WHERE order_id = 80");
            jdbc.update("DELETE FROM " + db.production + ".orders WHERE order_id = 160");
            db.order(db.production, PRODUCTION_ROWS + 3, "1.00", "CDC", "2026-01-03 00:00:00");
        }

        try (Connection connection = dataSource.getConnection()) {
            assertThat(chosen(connection, byList)).isEqualTo(KeyAccess.KEY_LIST);
        }
        MergeCounts listCounts = merge(byList, loadStartedAt, KeyAccess.KEY_LIST);
        MergeCounts rangeCounts = merge(byRange, loadStartedAt, KeyAccess.RANGE);

        assertThat(listCounts).isEqualTo(rangeCounts);
        List<String> production = byList.productionOrders();
        assertThat(production).containsExactlyElementsOf(byRange.productionOrders());
        assertThat(production).hasSize(PRODUCTION_ROWS - 1 + 500)
                .contains("40:40.00:OPEN:2026-01-15 00:00:00", "80:80.00:CDC:2026-01-02 00:00:00", "240:1.00:RELOADED:2026-01-20 00:00:00",
                        "1000:1.00:RELOADED:2026-01-10 00:00:00", "20001:1.00:NEW:2026-01-12 00:00:00", "20003:1.00:CDC:2026-01-03 00:00:00")
                .noneMatch(row -> row.startsWith("160:"));
        // 250 newer and 10 older over a NULL, less the two CDC changed; 499 new keys; the keys CDC changed or inserted stale
        assertThat(List.of(listCounts.updated(), listCounts.inserted(), listCounts.skippedDeleted(), listCounts.duplicates()))
                .containsExactly(258L, 499L, 1L, stagingKeyUnique ? 0L : 50L);
        assertThat(listCounts.skippedStale()).isEqualTo(240 + 2);
    }

    @Test
    void recentKeysKeepTheRangePlan() throws SQLException {
        MergeFixture db = new MergeFixture(jdbc);
        db.createOrders(true);
        jdbc.update("INSERT INTO " + db.production + ".orders (order_id, amount, status, updated_at)"
                + " SELECT g, g % 100, 'OPEN', '2026-01-15' FROM generate_series(1, ?) g", PRODUCTION_ROWS);
        jdbc.update("INSERT INTO " + db.staging + ".orders (order_id, amount, status, updated_at)"
                + " SELECT ? + g, 1, 'RELOADED', '2026-01-20' FROM generate_series(1, 1000) g", PRODUCTION_ROWS - 500);
        jdbc.execute("ANALYZE " + db.production + ".orders");

        try (Connection connection = dataSource.getConnection()) {
            assertThat(chosen(connection, db)).isEqualTo(KeyAccess.RANGE);
        }
    }

    /**
     * Production 1..20,000 (every thousandth without a window value); staged: every 40th key, alternately newer and
     * older than production, and 500 new keys, plus without a staging key an older copy of every tenth existing key.
     */
    private MergeFixture spreadWindow(boolean stagingKeyUnique) {
        MergeFixture db = new MergeFixture(jdbc);
        db.createOrders(stagingKeyUnique);
        jdbc.update("INSERT INTO " + db.production + ".orders (order_id, customer_id, amount, status, order_date, updated_at)"
                + " SELECT g, g % 50, g % 100, 'OPEN', '2025-06-01', CASE WHEN g % 1000 = 0 THEN NULL ELSE timestamp '2026-01-15' END"
                + " FROM generate_series(1, ?) g", PRODUCTION_ROWS);
        jdbc.update("INSERT INTO " + db.staging + ".orders (order_id, customer_id, amount, status, order_date, updated_at)"
                + " SELECT g * ?, g % 50, 1, 'RELOADED', '2025-07-01',"
                + " CASE WHEN g % 2 = 0 THEN timestamp '2026-01-20' ELSE timestamp '2026-01-10' END FROM generate_series(1, ?) g",
                STEP, PRODUCTION_ROWS / STEP);
        jdbc.update("INSERT INTO " + db.staging + ".orders (order_id, customer_id, amount, status, order_date, updated_at)"
                + " SELECT ? + g, g % 50, 1, 'NEW', '2025-07-01', '2026-01-12' FROM generate_series(1, 500) g", PRODUCTION_ROWS);
        if (!stagingKeyUnique) {
            jdbc.update("INSERT INTO " + db.staging + ".orders (order_id, customer_id, amount, status, order_date, updated_at)"
                    + " SELECT g * ?, 0, 2, 'OLDER COPY', '2025-07-01', '2026-01-05' FROM generate_series(1, ?) g",
                    STEP * 10, PRODUCTION_ROWS / STEP / 10);
        }
        jdbc.execute("ANALYZE " + db.production + ".orders");
        jdbc.execute("ANALYZE " + db.staging + ".orders");
        db.trackOrders();
        return db;
    }

    private MergeCounts merge(MergeFixture db, Instant loadStartedAt, KeyAccess access) throws SQLException {
        WindowTableMerge merge = new WindowTableMerge(db.orders(), 0, new TableShapes(), Optional.of(loadStartedAt.minusSeconds(10)),
                true, loadStartedAt.minus(Duration.ofDays(7)), Optional.of(access));
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            MergeCounts counts = merge.execute(connection, JANUARY);
            connection.commit();
            return counts;
        }
    }

    /** The plan the merge would choose for the fixture's staged orders. */
    private KeyAccess chosen(Connection connection, MergeFixture db) throws SQLException {
        return chosen(connection, db, "orders", "order_id");
    }

    private KeyAccess chosen(Connection connection, MergeFixture db, String table, String key) throws SQLException {
        TableShape shape = new TableShapes().resolve(connection, new QualifiedName(db.staging, table), new QualifiedName(db.production, table),
                List.of(key), Optional.of("updated_at"));
        // every staged row is in the window: the whole staging table's count and bounds are the run's
        MergeStatements sql = new MergeStatements(shape, false, null);
        try (PreparedStatement bounds = connection.prepareStatement(sql.stagedCountAndKeyBounds(false)); ResultSet rs = bounds.executeQuery()) {
            rs.next();
            return WindowTableMerge.chooseKeyAccess(connection, sql, 1, rs.getLong(1), rs.getObject(2), rs.getObject(3));
        }
    }

    @Test
    void uuidKeysSpreadOverProductionMergeByTheKeyList() throws SQLException {
        MergeFixture db = new MergeFixture(jdbc);
        String columns = "customer_id uuid NOT NULL, name text, updated_at timestamp, PRIMARY KEY (customer_id)";
        jdbc.execute("CREATE TABLE " + db.production + ".customers (" + columns + ")");
        jdbc.execute("CREATE TABLE " + db.staging + ".customers (" + columns + ")");
        jdbc.update("INSERT INTO " + db.production + ".customers SELECT gen_random_uuid(), 'old', '2026-01-15' FROM generate_series(1, 5000)");
        // every 25th customer, alternately newer and older, and 100 new ones
        jdbc.update("INSERT INTO " + db.staging + ".customers SELECT customer_id, 'reloaded', CASE WHEN n % 50 = 0 THEN timestamp '2026-01-20'"
                + " ELSE timestamp '2026-01-10' END FROM (SELECT customer_id, row_number() OVER (ORDER BY customer_id) n FROM "
                + db.production + ".customers) c WHERE n % 25 = 0");
        jdbc.update("INSERT INTO " + db.staging + ".customers SELECT gen_random_uuid(), 'new', '2026-01-12' FROM generate_series(1, 100)");
        jdbc.execute("ANALYZE " + db.production + ".customers");
        jdbc.execute("ANALYZE " + db.staging + ".customers");

        MergeCounts counts;
        try (Connection connection = dataSource.getConnection()) {
            assertThat(chosen(connection, db, "customers", "customer_id")).isEqualTo(KeyAccess.KEY_LIST);
            connection.setAutoCommit(false);
            counts = new WindowTableMerge(db.table("customers", List.of("customer_id"), "updated_at"), 0, new TableShapes(), Optional.empty(),
                    false, Instant.now().minus(Duration.ofDays(7))).execute(connection, JANUARY);
            connection.commit();
        }

        assertThat(List.of(counts.inserted(), counts.updated(), counts.skippedStale())).containsExactly(100L, 100L, 100L);
        assertThat(jdbc.queryForList("SELECT name || ':' || count(*) FROM " + db.production + ".customers GROUP BY name ORDER BY name", String.class))
                .containsExactly("new:100", "old:4900", "reloaded:100");
    }
}
