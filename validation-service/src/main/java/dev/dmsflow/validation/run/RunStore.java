package dev.dmsflow.validation.run;

import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.validation.check.CheckReport;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The service's record of validated runs: {@code validation_service.processed_requests} (its idempotency marker) and
 * {@code admin.validation_runs} / {@code admin.validation_checks} (what users query), written in one transaction.
 */
public class RunStore {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    public RunStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    public Optional<RecordedRun> find(String requestId) {
        List<RecordedRun> runs = jdbc.query("""
                SELECT request_id, outcome, kind, multi_stage, window_from, window_to, event_id, occurred_at, started_at, duration_millis, reason
                  FROM admin.validation_runs WHERE request_id = ?""", (row, n) -> run(row, checks(requestId)), requestId);
        return runs.stream().findFirst();
    }

    /**
     * Records {@code run} unless its requestId is already processed, and returns what is recorded for it: {@code run}, or
     * the earlier record when another delivery of the same event got there first.
     */
    public RecordedRun record(RecordedRun run) {
        return transactions.execute(status -> {
            int inserted = jdbc.update("INSERT INTO validation_service.processed_requests (request_id) VALUES (?) ON CONFLICT DO NOTHING",
                    run.requestId());
            if (inserted == 0) {
                return find(run.requestId()).orElseThrow(() -> new IllegalStateException("request " + run.requestId() + " is processed but has no run"));
            }
            jdbc.update("""
                    INSERT INTO admin.validation_runs (request_id, outcome, kind, multi_stage, window_from, window_to, event_id, occurred_at,
                                                       started_at, duration_millis, failed_checks, reason)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    run.requestId(), run.outcome().name(), run.kind().name(), run.multiStage(), utc(run.windowFrom()), utc(run.windowTo()),
                    run.eventId(), utc(run.occurredAt()), utc(run.startedAt()), run.durationMillis(),
                    run.checks().stream().filter(c -> !c.result().getPassed()).count(), run.reason());
            List<Object[]> checks = new ArrayList<>();
            for (int i = 0; i < run.checks().size(); i++) {
                CheckResult check = run.checks().get(i).result();
                checks.add(new Object[] {run.requestId(), i + 1, check.getTable(), check.getCheck(), check.getPassed(), check.getExpected(),
                        check.getActual(), check.getSampleKeys().toArray(String[]::new), check.getInFlight(), run.checks().get(i).detail()});
            }
            jdbc.batchUpdate("""
                    INSERT INTO admin.validation_checks (request_id, ordinal, table_name, check_name, passed, expected, actual, sample_keys, in_flight,
                                                         detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", checks);
            return run;
        });
    }

    private List<CheckReport> checks(String requestId) {
        return jdbc.query("""
                SELECT table_name, check_name, passed, expected, actual, sample_keys, in_flight, detail
                  FROM admin.validation_checks WHERE request_id = ? ORDER BY ordinal""",
                (row, n) -> new CheckReport(new CheckResult(row.getString(1), row.getString(2), row.getBoolean(3), row.getString(4), row.getString(5),
                        textList(row.getArray(6)), row.getLong(7), row.getString(8)), row.getString(8)),
                requestId);
    }

    private static RecordedRun run(ResultSet row, List<CheckReport> checks) throws SQLException {
        return new RecordedRun(row.getString(1), Outcome.valueOf(row.getString(2)), TaskKind.valueOf(row.getString(3)), row.getString(4),
                instant(row.getTimestamp(5)), instant(row.getTimestamp(6)), row.getObject(7, UUID.class), instant(row.getTimestamp(8)),
                instant(row.getTimestamp(9)), row.getLong(10), checks, row.getString(11));
    }

    private static List<String> textList(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
