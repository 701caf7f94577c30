package dev.dmsflow.embedded.load;

import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Many tables of the demo's order shape for load tests: {@code tables} source tables {@code "APP"."LOAD_01"} ...
 * whose UPDATED_AT spans the 90 days from 2025-12-01 evenly, and their production tables as an earlier migration
 * left them (an eighth of the keys missing, a quarter in an older version one millisecond older on the same day, so
 * every production row stays in the same whole-day window as its source row), or equal to the source. Catalog names
 * are {@code load_01} ...
 */
public final class LoadData {

    /** First instant of the rows' 90 days; windows of whole days from it hold the rows of those days. */
    public static final Instant FIRST_DAY = Instant.parse("2025-12-01T00:00:00Z");
    public static final int DAYS = 90;

    private final int tables;
    private final int rows;

    public LoadData(int tables, int rows) {
        this.tables = tables;
        this.rows = rows;
    }

    public List<String> tableNames() {
        return IntStream.rangeClosed(1, tables).mapToObj(LoadData::name).toList();
    }

    /** The window {@code [FIRST_DAY + fromDay, FIRST_DAY + fromDay + days)}. */
    public static Instant day(int day) {
        return FIRST_DAY.plus(Duration.ofDays(day));
    }

    /** Writes the source and production tables; the rows are the same function of the key in both databases. */
    public void create(DmsflowInfrastructure infra) {
        create(infra, true);
    }

    /** Writes the source and production tables with production equal to the source, as a reload of every window leaves it. */
    public void createInSync(DmsflowInfrastructure infra) {
        create(infra, false);
    }

    /** @param migrated production as an earlier migration left it (keys missing, older versions), or else equal to the source */
    private void create(DmsflowInfrastructure infra, boolean migrated) {
        JdbcTemplate source = new JdbcTemplate(infra.dataSource(Database.SOURCE));
        JdbcTemplate production = new JdbcTemplate(infra.dataSource(Database.DB1));
        source.execute("CREATE SCHEMA IF NOT EXISTS \"APP\"");
        production.execute("CREATE SCHEMA IF NOT EXISTS production");
        String row = row("g");
        for (int i = 1; i <= tables; i++) {
            String upper = name(i).toUpperCase();
            source.execute("DROP TABLE IF EXISTS \"APP\".\"" + upper + "\"");
            source.execute("CREATE TABLE \"APP\".\"" + upper + "\" (\"ID\" bigint PRIMARY KEY, \"ACCOUNT_ID\" bigint, \"AMOUNT\" numeric(10,2),"
                    + " \"STATUS\" varchar(20), \"UPDATED_AT\" timestamp(6))");
            source.execute("INSERT INTO \"APP\".\"" + upper + "\" SELECT " + row + " FROM generate_series(1, " + rows + ") g");
            // settled, as a live system's tables are (hint bits set, dead rows gone): otherwise the first reader after
            // the insert and update below pays for it, and autovacuum works through them while runs are measured
            source.execute("VACUUM ANALYZE \"APP\".\"" + upper + "\"");

            String table = "production." + name(i);
            production.execute("DROP TABLE IF EXISTS " + table);
            production.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, account_id bigint, amount numeric(10,2),"
                    + " status varchar(20), updated_at timestamp(6))");
            production.execute("INSERT INTO " + table + " SELECT " + row + " FROM generate_series(1, " + rows + ") g" + (migrated ? " WHERE g % 8 <> 3" : ""));
            if (migrated) {
                production.execute("UPDATE " + table + " SET amount = amount - 1, status = 'NEW', updated_at = updated_at - interval '1 millisecond'"
                        + " WHERE id % 4 IN (0, 1) AND date_trunc('day', updated_at - interval '1 millisecond') = date_trunc('day', updated_at)");
            }
            production.execute("VACUUM ANALYZE " + table);
        }
    }

    /** A source row as generated: its columns in order, as SQL of the key {@code g}. */
    private String row(String g) {
        return g + ", " + columns(g);
    }

    /** The columns after the key of a generated row, as SQL of the key {@code g}. */
    private String columns(String g) {
        return g + " % 1000 + 1, (" + g + " % 100000) / 100.0 + 1, 'SHIPPED', timestamp '2025-12-01' + (" + g + " * "
                + DAYS * 86400.0 + " / " + rows + ") * interval '1 second'";
    }

    /**
     * Source rows written since they were generated (their UPDATED_AT after the 90 days, as a CDC writer stamps it)
     * back as generated: the source as {@link #create} left it, where only such writes touched it.
     */
    public void restoreSource(DmsflowInfrastructure infra) {
        JdbcTemplate source = new JdbcTemplate(infra.dataSource(Database.SOURCE));
        for (String name : tableNames()) {
            String table = "\"APP\".\"" + name.toUpperCase() + "\"";
            source.update("UPDATE " + table + " t SET (\"ACCOUNT_ID\", \"AMOUNT\", \"STATUS\", \"UPDATED_AT\") = ROW(" + columns("t.\"ID\"")
                    + ") WHERE \"UPDATED_AT\" >= timestamp '2025-12-01' + interval '" + DAYS + " days'");
            source.execute("VACUUM ANALYZE " + table);
        }
    }

    /** The migration catalog: one entry per table, staged in {@code staging.<name>}. */
    public String catalog() {
        return catalog(false);
    }

    /** The catalog; with {@code cdc}, CDC writes into production while reloads run (change tracking on). */
    public String catalog(boolean cdc) {
        return "tables:\n" + tableNames().stream().map(name -> """
                  %s:
                    source: { schema: APP, table: %s }
                    staging: { schema: staging, table: %s }
                    production: { schema: production, table: %s }
                    keyColumns: [id]
                    windowColumn: updated_at
                    cdc: %s
                """.formatted(name, name.toUpperCase(), name, name, cdc)).collect(Collectors.joining());
    }

    private static String name(int i) {
        return String.format("load_%02d", i);
    }
}
