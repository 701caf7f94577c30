package dev.dmsflow.embedded.demo;

import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Plays CDC while a reload runs: changes random January orders in the source and applies the same change to
 * production, stamped with the current time. A reloaded copy of such a row is older than production's, so the merge
 * must skip it; validation sees the source row moved on after the load started and reports it in flight.
 */
public final class CdcWriter implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong changes = new AtomicLong();
    private final Thread thread;

    public CdcWriter(DmsflowInfrastructure infra, int orders) {
        JdbcTemplate source = new JdbcTemplate(infra.dataSource(Database.SOURCE));
        JdbcTemplate production = new JdbcTemplate(infra.dataSource(Database.DB1));
        thread = new Thread(() -> {
            while (running.get()) {
                // January is the middle third of the orders' ids
                long orderId = orders / 3 + 1 + ThreadLocalRandom.current().nextLong(Math.max(1, orders / 3));
                java.util.Map<String, Object> row = source.queryForMap("UPDATE \"APP\".\"ORDERS\" SET \"STATUS\" = 'CDC-UPDATED',"
                        + " \"AMOUNT\" = \"AMOUNT\" + 1, \"UPDATED_AT\" = clock_timestamp() AT TIME ZONE 'UTC' WHERE \"ORDER_ID\" = ?"
                        + " RETURNING \"ORDER_ID\", \"CUSTOMER_ID\", \"AMOUNT\", \"STATUS\", \"ORDER_DATE\", \"UPDATED_AT\"", orderId);
                production.update("INSERT INTO production.orders (order_id, customer_id, amount, status, order_date, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET amount = EXCLUDED.amount,"
                        + " status = EXCLUDED.status, updated_at = EXCLUDED.updated_at",
                        row.get("ORDER_ID"), row.get("CUSTOMER_ID"), row.get("AMOUNT"), row.get("STATUS"), row.get("ORDER_DATE"), row.get("UPDATED_AT"));
                changes.incrementAndGet();
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

    public long changes() {
        return changes.get();
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
