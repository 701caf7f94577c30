package dev.dmsflow.embedded.demo;

import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Plays CDC while a reload runs: changes random January orders in the source and applies the same change to
 * production, stamped with the current time, and deletes one in four of them from both (of those production has). A reloaded copy of such a row
 * is older than production's, or of a row production no longer has, so the merge must leave it to CDC; validation
 * sees the source row moved on (or gone) after the load started and reports it in flight.
 */
public final class CdcWriter implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong changes = new AtomicLong();
    private final Set<Long> deleted = ConcurrentHashMap.newKeySet();
    private final Set<Long> changed = ConcurrentHashMap.newKeySet();
    private final Thread thread;

    public CdcWriter(DmsflowInfrastructure infra, int orders) {
        JdbcTemplate source = new JdbcTemplate(infra.dataSource(Database.SOURCE));
        JdbcTemplate production = new JdbcTemplate(infra.dataSource(Database.DB1));
        thread = new Thread(() -> {
            while (running.get()) {
                // January is the middle third of the orders' ids
                long orderId = orders / 3 + 1 + ThreadLocalRandom.current().nextLong(Math.max(1, orders / 3));
                if (ThreadLocalRandom.current().nextInt(4) == 0) {
                    // only orders production has: a delete of one it lacks deletes nothing there, and if the reload
                    // read that order the merge inserts it (validation's SOURCE check then fails, naming it)
                    boolean inProduction = !production.queryForList("SELECT 1 FROM production.orders WHERE order_id = ?", orderId).isEmpty();
                    if (inProduction && source.update("DELETE FROM \"APP\".\"ORDERS\" WHERE \"ORDER_ID\" = ?", orderId) > 0) {
                        production.update("DELETE FROM production.orders WHERE order_id = ?", orderId);
                        deleted.add(orderId);
                    }
                } else {
                    List<Map<String, Object>> rows = source.queryForList("UPDATE \"APP\".\"ORDERS\" SET \"STATUS\" = 'CDC-UPDATED',"
                            + " \"AMOUNT\" = \"AMOUNT\" + 1, \"UPDATED_AT\" = clock_timestamp() AT TIME ZONE 'UTC' WHERE \"ORDER_ID\" = ?"
                            + " RETURNING \"ORDER_ID\", \"CUSTOMER_ID\", \"AMOUNT\", \"STATUS\", \"ORDER_DATE\", \"UPDATED_AT\"", orderId);
                    for (Map<String, Object> row : rows) {   // none when an earlier iteration deleted the order
                        production.update("INSERT INTO production.orders (order_id, customer_id, amount, status, order_date, updated_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET amount = EXCLUDED.amount,"
                                + " status = EXCLUDED.status, updated_at = EXCLUDED.updated_at",
                                row.get("ORDER_ID"), row.get("CUSTOMER_ID"), row.get("AMOUNT"), row.get("STATUS"), row.get("ORDER_DATE"), row.get("UPDATED_AT"));
                        changes.incrementAndGet();
                        changed.add(((Number) row.get("ORDER_ID")).longValue());
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "demo-cdc-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Orders updated (or inserted) in the source and production. */
    public long changes() {
        return changes.get();
    }

    /** Orders deleted from the source and production. */
    public long deletes() {
        return deleted.size();
    }

    /** The ids of the orders deleted: no reload may bring them back. */
    public Set<Long> deletedOrderIds() {
        return Set.copyOf(deleted);
    }

    /** The ids of the orders changed: a repair must leave CDC's copy. */
    public Set<Long> changedOrderIds() {
        return Set.copyOf(changed);
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
