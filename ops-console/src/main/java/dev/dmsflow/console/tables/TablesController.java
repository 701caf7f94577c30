package dev.dmsflow.console.tables;

import dev.dmsflow.console.ConsoleProperties;
import dev.dmsflow.contracts.catalog.MigrationCatalog;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Per table: its last successful window, the runs holding its lease, rows merged per day (UTC). */
@RestController
class TablesController {

    record Window(String requestId, Instant from, Instant to, Instant validatedAt) {
    }

    record Lease(String requestId, String kind, String stage, Instant since) {
    }

    record MergedDay(LocalDate day, long inserted, long updated) {
    }

    /** @param inCatalog whether the catalog names it (a multi-stage run's final table is known from its events) */
    record TableView(String table, boolean inCatalog, Window lastSuccessfulWindow, List<Lease> leases, List<MergedDay> mergedPerDay) {
    }

    private final JdbcClient jdbc;
    private final ObjectProvider<MigrationCatalog> catalog;
    private final ConsoleProperties properties;

    TablesController(JdbcClient jdbc, ObjectProvider<MigrationCatalog> catalog, ConsoleProperties properties) {
        this.jdbc = jdbc;
        this.catalog = catalog;
        this.properties = properties;
    }

    @GetMapping("/api/console/tables")
    List<TableView> tables() {
        TreeSet<String> names = new TreeSet<>();
        MigrationCatalog migrationCatalog = catalog.getIfAvailable();
        if (migrationCatalog != null) {
            names.addAll(migrationCatalog.tables().keySet());
        }
        // a request refused at once (stage REQUEST: say, a table the catalog lacks) names no table dmsflow knows
        names.addAll(jdbc.sql("SELECT DISTINCT unnest(tables) FROM ops_console.runs WHERE stage <> 'REQUEST'").query(String.class).list());

        Map<String, Window> windows = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT DISTINCT ON (t.table_name) t.table_name, r.request_id, r.window_from, r.window_to, r.finished_at
                          FROM ops_console.runs r CROSS JOIN LATERAL unnest(r.tables) AS t(table_name)
                         WHERE r.status = 'PASSED'
                         ORDER BY t.table_name, r.finished_at DESC""")
                .query((rs, row) -> windows.put(rs.getString("table_name"), new Window(rs.getString("request_id"),
                        instant(rs.getTimestamp("window_from")), instant(rs.getTimestamp("window_to")), instant(rs.getTimestamp("finished_at")))))
                .list();

        Map<String, List<Lease>> leases = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT t.table_name, r.request_id, r.kind, r.stage, r.requested_at
                          FROM ops_console.runs r CROSS JOIN LATERAL unnest(r.tables) AS t(table_name)
                         WHERE r.holds_leases
                         ORDER BY r.requested_at""")
                .query((rs, row) -> leases.computeIfAbsent(rs.getString("table_name"), t -> new ArrayList<>()).add(new Lease(
                        rs.getString("request_id"), rs.getString("kind"), rs.getString("stage"), instant(rs.getTimestamp("requested_at")))))
                .list();

        Map<String, List<MergedDay>> merged = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT table_name, (merged_at AT TIME ZONE 'UTC')::date AS day, sum(inserted) AS inserted, sum(updated) AS updated
                          FROM ops_console.run_tables
                         WHERE merged_at >= :since
                         GROUP BY table_name, day
                         ORDER BY table_name, day DESC""")
                .param("since", java.sql.Timestamp.from(LocalDate.now(ZoneOffset.UTC).minusDays(properties.mergedDays() - 1L)
                        .atStartOfDay(ZoneOffset.UTC).toInstant()))
                .query((rs, row) -> merged.computeIfAbsent(rs.getString("table_name"), t -> new ArrayList<>()).add(new MergedDay(
                        rs.getObject("day", LocalDate.class), rs.getLong("inserted"), rs.getLong("updated"))))
                .list();
        names.addAll(merged.keySet());

        List<TableView> tables = new ArrayList<>();
        for (String name : names) {
            tables.add(new TableView(name, migrationCatalog != null && migrationCatalog.tables().containsKey(name), windows.get(name),
                    leases.getOrDefault(name, List.of()), merged.getOrDefault(name, List.of())));
        }
        return tables;
    }

    private static Instant instant(java.sql.Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
