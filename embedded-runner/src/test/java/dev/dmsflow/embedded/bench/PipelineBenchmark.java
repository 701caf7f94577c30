package dev.dmsflow.embedded.bench;

import static org.awaitility.Awaitility.await;

import dev.dmsflow.contracts.catalog.ChangeLog;
import dev.dmsflow.contracts.catalog.QualifiedName;
import dev.dmsflow.contracts.event.FullLoadCompleted;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TableLoadStatistics;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.embedded.load.ControllerClient;
import dev.dmsflow.embedded.load.ControllerClient.Reload;
import dev.dmsflow.embedded.load.EventLog;
import dev.dmsflow.embedded.load.LoadData;
import dev.dmsflow.embedded.load.ServiceInstances;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The whole pipeline at growing window sizes, against the same work done as raw SQL. For each size N: a source table
 * of 3 N rows whose first 30 of 90 days hold N rows, production as an earlier migration left it (an eighth of the keys
 * missing, a quarter older), one instance of each service, and a reload of those 30 days while a CDC writer changes
 * rows of the window in the source and production. It prints each stage's wall time from the events' publication
 * times, the event overhead (the stages' time beyond the copy's, the merge's and the validation's own SQL time), then
 * the same work in one session with no services or events on a copy of production taken before the run: the window
 * piped with COPY out of the source into COPY into a staging table, a key-bounded MERGE, the validation's counts,
 * missing keys and contents, and the window's count and row hash in the source against staging's (what the
 * validation's SOURCE check proves). Ratios and ns/row per size show how far the product is from PostgreSQL and how
 * it grows. A one-day reload outside the window runs first, not counted. Each size runs {@code --repeats} times (3 by
 * default), production restored between runs: each run's ratio is its pipeline against the raw SQL that follows it, and
 * the median of the runs' ratios is printed, with each of them. {@code --sizes=100000,1000000,3000000} (default)
 * chooses the sizes.
 */
public final class PipelineBenchmark {

    private static final String TABLE = "load_01";
    private static final int WINDOW_DAYS = 30;
    private static final int CDC_CHANGES_PER_SECOND = 100;
    private static final String COLUMNS = "id, account_id, amount, status, updated_at";
    /** Production as the earlier migration left it, kept for the raw runs and to restore production between runs. */
    private static final String PRISTINE = "production.pristine_" + TABLE;

    /** Milliseconds; {@code beforeCopy}: from the request to the copy's start (request, lease, task created and started). */
    private record Stages(long total, long load, long beforeCopy, long copy, long staging, long merge, long mergeSql, long validation,
                          long validationSql) {
        long overhead() {
            return (load - copy) + (merge - mergeSql) + (validation - validationSql);
        }
    }

    private record Raw(long copy, long merge, long validation) {
        long total() {
            return copy + merge + validation;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(100_000, 1_000_000, 3_000_000);
        int repeats = 3;
        for (String arg : args) {
            if (arg.startsWith("--sizes=")) {
                sizes = Arrays.stream(arg.substring("--sizes=".length()).split(",")).map(Integer::parseInt).toList();
            } else if (arg.startsWith("--repeats=")) {
                repeats = Integer.parseInt(arg.substring("--repeats=".length()));
            } else {
                System.err.println("Unknown argument " + arg + "; use --sizes=N,N,... and --repeats=N");
                System.exit(2);
            }
        }
        System.setProperty("logging.level.dev.dmsflow", "WARN");
        Map<Integer, List<Double>> ratios = new LinkedHashMap<>();
        Map<Integer, List<Long>> totals = new LinkedHashMap<>();
        try (DmsflowInfrastructure infrastructure = DmsflowInfrastructure.start(0)) {
            for (int size : sizes) {
                LoadData data = createData(infrastructure, size);
                for (int run = 1; run <= repeats; run++) {
                    if (run > 1) {
                        // the source and production as the first run found them: CDC's writes undone on both sides
                        data.restoreSource(infrastructure);
                        restoreProduction(infrastructure);
                    }
                    Optional<Stages> stages = runSize(infrastructure, data, size);
                    if (stages.isEmpty()) {
                        System.exit(1);
                    }
                    Stages s = stages.get();
                    Raw r = raw(infrastructure, size);
                    double ratio = (double) s.total() / r.total();
                    System.out.printf("window %,d rows, run %d: pipeline %,d ms (load %,d [%,d to the copy, copy %,d], staging check %,d, merge %,d [SQL %,d],"
                                    + " validation %,d [SQL %,d]), event overhead %,d ms; raw %,d ms (COPY pipe %,d, MERGE %,d, validation queries %,d); ratio %.2f%n",
                            size, run, s.total(), s.load(), s.beforeCopy(), s.copy(), s.staging(), s.merge(), s.mergeSql(), s.validation(), s.validationSql(),
                            s.overhead(), r.total(), r.copy(), r.merge(), r.validation(), ratio);
                    ratios.computeIfAbsent(size, k -> new ArrayList<>()).add(ratio);
                    totals.computeIfAbsent(size, k -> new ArrayList<>()).add(s.total());
                }
            }
        }
        // each run's ratio is its pipeline against the raw SQL that followed it; the machine's own variance (±30 % from
        // one run to the next on these 2 cores) is what the median of several runs is for
        for (int size : sizes) {
            System.out.printf("pipeline/raw (%s): %.2f (median of %d runs: %s)%n", label(size), median(ratios.get(size)), ratios.get(size).size(),
                    String.join(", ", ratios.get(size).stream().map(ratio -> String.format("%.2f", ratio)).toList()));
        }
        for (int size : sizes) {
            System.out.printf("ns/row (%s): %d%n", label(size), Math.round(median(totals.get(size).stream().map(Long::doubleValue).toList()) * 1_000_000L / size));
        }
        System.exit(0);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /**
     * The source and production of a size, and a copy of production as the earlier migration left it: production is
     * restored from it before each further run, and each raw run's production is taken from it.
     */
    private static LoadData createData(DmsflowInfrastructure infrastructure, int size) {
        long started = System.nanoTime();
        LoadData data = new LoadData(1, 3 * size);
        data.create(infrastructure);
        JdbcTemplate db1 = new JdbcTemplate(infrastructure.dataSource(Database.DB1));
        db1.execute("DROP TABLE IF EXISTS " + PRISTINE);
        db1.execute("CREATE TABLE " + PRISTINE + " AS TABLE production." + TABLE);
        db1.execute("VACUUM ANALYZE " + PRISTINE);
        System.out.printf("window %,d rows: data %.1f s%n", size, (System.nanoTime() - started) / 1e9);
        return data;
    }

    /**
     * Production and its change log as before the first run, the services stopped: the merge's writer setting keeps
     * the change-log trigger out of the restore, and the key is built after the rows, as the data was.
     */
    private static void restoreProduction(DmsflowInfrastructure infrastructure) throws SQLException {
        long started = System.nanoTime();
        try (Connection connection = infrastructure.dataSource(Database.DB1).getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("SET LOCAL " + ChangeLog.WRITER_SETTING + " = '" + ChangeLog.MERGE_WRITER + "'");
            statement.execute("TRUNCATE production." + TABLE);
            statement.execute("ALTER TABLE production." + TABLE + " DROP CONSTRAINT " + TABLE + "_pkey");
            statement.execute("INSERT INTO production." + TABLE + " SELECT * FROM " + PRISTINE);
            statement.execute("ALTER TABLE production." + TABLE + " ADD PRIMARY KEY (id)");
            statement.execute("TRUNCATE " + ChangeLog.of(new QualifiedName("production", TABLE)).quoted());
            connection.commit();
            connection.setAutoCommit(true);
            statement.execute("VACUUM ANALYZE production." + TABLE);
        }
        System.out.printf("production restored in %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    /** The size as the printed lines name it: 1M, 100k, ... */
    static String label(int size) {
        return size % 1_000_000 == 0 ? size / 1_000_000 + "M" : size % 1000 == 0 ? size / 1000 + "k" : String.valueOf(size);
    }

    /** The reload of one size through the services, CDC writing meanwhile; empty (after saying why) when it fails. */
    private static Optional<Stages> runSize(DmsflowInfrastructure infrastructure, LoadData data, int size) throws Exception {
        String catalog = data.catalog(true);
        String requestId = "pipeline-" + size + "-" + System.currentTimeMillis();
        ScheduledExecutorService cdc = Executors.newSingleThreadScheduledExecutor();
        try (ServiceInstances services = ServiceInstances.start(infrastructure, catalog, 1, Map.of());
             EventLog events = new EventLog(infrastructure.kafkaBootstrapServers());
             // CDC applies its changes over sessions it keeps, as DMS does: a connection per change (the infrastructure's
             // DataSource does not pool) forked two backends per change, and at 100 changes/s that alone doubled the copy
             Connection cdcSource = infrastructure.dataSource(Database.SOURCE).getConnection();
             Connection cdcProduction = infrastructure.dataSource(Database.DB1).getConnection()) {
            AtomicLong changes = new AtomicLong();
            JdbcTemplate source = new JdbcTemplate(new SingleConnectionDataSource(cdcSource, true));
            JdbcTemplate production = new JdbcTemplate(new SingleConnectionDataSource(cdcProduction, true));
            cdc.scheduleAtFixedRate(() -> change(source, production, size, changes), 0, 1_000_000 / CDC_CHANGES_PER_SECOND, TimeUnit.MICROSECONDS);
            ControllerClient controller = new ControllerClient(services.controllerPorts().get(0));
            // a first run of a fresh JVM spends its time in class loading, compilation and opening pools: one day outside
            // the window, not counted
            String warmUp = requestId + "-warm-up";
            controller.post(new Reload(warmUp, List.of(TABLE), LoadData.day(60), LoadData.day(61)));
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> outcome(events, warmUp).isPresent());
            controller.post(new Reload(requestId, List.of(TABLE), LoadData.day(0), LoadData.day(WINDOW_DAYS)));
            await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200)).until(() -> outcome(events, requestId).isPresent());
            cdc.shutdown();
            cdc.awaitTermination(1, TimeUnit.MINUTES);
            SpecificRecord outcome = outcome(events, requestId).orElseThrow().event();
            if (!(outcome instanceof ValidationPassed)) {
                System.out.printf("window %,d rows: the run did not pass: %s%n", size, outcome);
                return Optional.empty();
            }
            System.out.printf("window %,d rows: passed, %,d CDC changes during the run%n", size, changes.get());
            return Optional.of(stages(events, requestId));
        } finally {
            cdc.shutdownNow();
        }
    }

    /** A CDC change as DMS would apply it: a window row changed in the source and the same change in production. */
    private static void change(JdbcTemplate source, JdbcTemplate production, int size, AtomicLong changes) {
        long id = ThreadLocalRandom.current().nextLong(1, size);
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        source.update(
                "UPDATE \"APP\".\"" + TABLE.toUpperCase() + "\" SET \"AMOUNT\" = \"AMOUNT\" + 1, \"UPDATED_AT\" = ? WHERE \"ID\" = ?", now, id);
        production.update("INSERT INTO production." + TABLE + " (" + COLUMNS + ")"
                + " SELECT ?, 1, 1, 'CDC', ? ON CONFLICT (id) DO UPDATE SET amount = production." + TABLE + ".amount + 1, updated_at = excluded.updated_at",
                id, now);
        changes.incrementAndGet();
    }

    private static Optional<EventLog.Entry> outcome(EventLog events, String requestId) {
        return events.of(requestId).stream().filter(e -> e.event() instanceof ValidationPassed || e.event() instanceof ValidationFailed
                || e.event() instanceof TaskFailed).findFirst();
    }

    private static Stages stages(EventLog events, String requestId) {
        List<EventLog.Entry> entries = events.of(requestId);
        Instant requested = at(entries, TaskRequested.class);
        Instant loaded = at(entries, FullLoadCompleted.class);
        Instant staged = at(entries, WindowStaged.class);
        Instant merged = at(entries, MergeCompleted.class);
        Instant validated = at(entries, ValidationPassed.class);
        FullLoadCompleted load = event(entries, FullLoadCompleted.class);
        Instant copyStart = load.getTables().stream().map(TableLoadStatistics::getFullLoadStartTime).min(Instant::compareTo).orElseThrow();
        Instant copyEnd = load.getTables().stream().map(TableLoadStatistics::getFullLoadEndTime).max(Instant::compareTo).orElseThrow();
        return new Stages(millis(requested, validated), millis(requested, loaded), millis(requested, copyStart), millis(copyStart, copyEnd),
                millis(loaded, staged),
                millis(staged, merged), event(entries, MergeCompleted.class).getDurationMillis(), millis(merged, validated),
                event(entries, ValidationPassed.class).getDurationMillis());
    }

    private static Instant at(List<EventLog.Entry> entries, Class<? extends SpecificRecord> type) {
        return entries.stream().filter(e -> type.isInstance(e.event())).findFirst().orElseThrow().timestamp();
    }

    private static <T extends SpecificRecord> T event(List<EventLog.Entry> entries, Class<T> type) {
        return type.cast(entries.stream().filter(e -> type.isInstance(e.event())).findFirst().orElseThrow().event());
    }

    private static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }

    /** The same work with plain SQL in one session per database, on production as it was before the run. */
    private static Raw raw(DmsflowInfrastructure infrastructure, int size) throws SQLException {
        DataSource source = infrastructure.dataSource(Database.SOURCE);
        DataSource db1 = infrastructure.dataSource(Database.DB1);
        String staging = "staging.raw_" + TABLE;
        String production = "production.raw_" + TABLE;
        JdbcTemplate db1Template = new JdbcTemplate(db1);
        // the raw run's production: as the earlier migration left it, before CDC or the reload touched it
        db1Template.execute("DROP TABLE IF EXISTS " + production);
        db1Template.execute("CREATE TABLE " + production + " AS TABLE " + PRISTINE);
        db1Template.execute("ALTER TABLE " + production + " ADD PRIMARY KEY (id)");
        db1Template.execute("VACUUM ANALYZE " + production);
        // the source and production columns are timestamps without time zone, in UTC
        LocalDateTime from = LocalDateTime.ofInstant(LoadData.day(0), ZoneOffset.UTC);
        LocalDateTime to = LocalDateTime.ofInstant(LoadData.day(WINDOW_DAYS), ZoneOffset.UTC);
        try (Connection in = source.getConnection(); Connection out = db1.getConnection(); Statement statement = out.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + staging);
            // the staging table the pipeline loads, as schema-service made it (its key, its window index, _dms_loaded_at)
            statement.execute("CREATE TABLE " + staging + " (LIKE staging." + TABLE + " INCLUDING ALL)");
            out.setAutoCommit(false);
            in.setAutoCommit(false);
            long started = System.nanoTime();
            copy(in, out, "COPY (SELECT \"ID\", \"ACCOUNT_ID\", \"AMOUNT\", \"STATUS\", \"UPDATED_AT\" FROM \"APP\".\"" + TABLE.toUpperCase()
                    + "\" WHERE \"UPDATED_AT\" >= '" + from + "' AND \"UPDATED_AT\" < '" + to + "') TO STDOUT", "COPY " + staging + " (" + COLUMNS + ") FROM STDIN");
            out.commit();
            statement.execute("ANALYZE " + staging);
            long copied = System.nanoTime();
            long[] bounds = new long[2];
            try (ResultSet rs = statement.executeQuery("SELECT min(id), max(id) FROM " + staging)) {
                rs.next();
                bounds[0] = rs.getLong(1);
                bounds[1] = rs.getLong(2);
            }
            try (PreparedStatement merge = out.prepareStatement("MERGE INTO " + production + " p USING " + staging + " s"
                    + " ON p.id = s.id AND p.id BETWEEN ? AND ?"
                    + " WHEN MATCHED AND s.updated_at > p.updated_at THEN UPDATE SET account_id = s.account_id, amount = s.amount,"
                    + " status = s.status, updated_at = s.updated_at"
                    + " WHEN NOT MATCHED THEN INSERT (" + COLUMNS + ") VALUES (s.id, s.account_id, s.amount, s.status, s.updated_at)")) {
                merge.setLong(1, bounds[0]);
                merge.setLong(2, bounds[1]);
                merge.executeUpdate();
            }
            out.commit();
            long mergedAt = System.nanoTime();
            count(out, "SELECT count(*) FROM " + staging);
            count(out, "SELECT count(*) FROM " + production + " WHERE updated_at >= ? AND updated_at < ?", from, to);
            count(out, "SELECT count(*) FROM " + staging + " s WHERE NOT EXISTS (SELECT 1 FROM " + production + " p WHERE p.id = s.id)");
            count(out, "SELECT count(*) FROM " + staging + " s JOIN " + production + " p USING (id)"
                    + " WHERE (s.account_id, s.amount, s.status, s.updated_at) IS DISTINCT FROM (p.account_id, p.amount, p.status, p.updated_at)");
            // what the service's SOURCE check proves, at its cheapest: the window's count and row hash in the source
            // against staging's (the service's is per key range, so that a difference can be narrowed down)
            count(in, "SELECT count(*), sum(hashtextextended(concat_ws('|', \"ID\", \"ACCOUNT_ID\", \"AMOUNT\", \"STATUS\", \"UPDATED_AT\"), 0))"
                    + " FROM \"APP\".\"" + TABLE.toUpperCase() + "\" WHERE \"UPDATED_AT\" >= ? AND \"UPDATED_AT\" < ?", from, to);
            count(out, "SELECT count(*), sum(hashtextextended(concat_ws('|', id, account_id, amount, status, updated_at), 0)) FROM " + staging);
            out.commit();
            long validatedAt = System.nanoTime();
            return new Raw((copied - started) / 1_000_000, (mergedAt - copied) / 1_000_000, (validatedAt - mergedAt) / 1_000_000);
        }
    }

    private static void copy(Connection in, Connection out, String copyOut, String copyIn) throws SQLException {
        CopyOut reader = in.unwrap(PGConnection.class).getCopyAPI().copyOut(copyOut);
        CopyIn writer = out.unwrap(PGConnection.class).getCopyAPI().copyIn(copyIn);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 17);
        byte[] row;
        while ((row = reader.readFromCopy()) != null) {
            buffer.write(row, 0, row.length);
            if (buffer.size() >= 1 << 16) {
                writer.writeToCopy(buffer.toByteArray(), 0, buffer.size());
                buffer.reset();
            }
        }
        writer.writeToCopy(buffer.toByteArray(), 0, buffer.size());
        writer.endCopy();
    }

    private static long count(Connection connection, String sql, Object... binds) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < binds.length; i++) {
                statement.setObject(i + 1, binds[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private PipelineBenchmark() {
    }
}
