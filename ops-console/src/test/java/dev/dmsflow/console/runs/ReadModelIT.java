package dev.dmsflow.console.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.dmsflow.console.RunEventsFixture;
import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.infra.Database;
import dev.dmsflow.infra.DmsflowInfrastructure;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The read model against a real PostgreSQL: whatever order events come in, and however often, the view is the same. */
class ReadModelIT {

    private static final Instant START = Instant.parse("2026-03-02T10:00:00Z");

    private static DataSource dataSource;
    private static JdbcClient jdbc;
    private static TransactionTemplate transactions;

    private final List<SpecificRecord> alerts = new CopyOnWriteArrayList<>();
    private final List<RunView> ended = new CopyOnWriteArrayList<>();
    private ReadModel readModel;

    @BeforeAll
    static void migrate() {
        dataSource = DmsflowInfrastructure.shared().dataSource(Database.DB1);
        Flyway.configure().dataSource(dataSource).schemas("ops_console").defaultSchema("ops_console")
                .locations("classpath:db/migration/console").load().migrate();
        jdbc = JdbcClient.create(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    private ReadModel readModel() {
        if (readModel == null) {
            readModel = new ReadModel(new JdbcRunStore(jdbc), alerts::add, ended::add);
        }
        return readModel;
    }

    private void accept(SpecificRecord event) {
        transactions.executeWithoutResult(status -> readModel().accept(topic(event), event));
    }

    @Test
    void stageDurationsCountsAndChecksOfASuccessfulRun() {
        RunEventsFixture run = new RunEventsFixture(runId(), START);
        run.successfulRun().forEach(this::accept);

        RunView view = readModel().run(run.requested().getHeader().getRequestId());

        assertThat(view.status()).isEqualTo("PASSED");
        assertThat(view.stage()).isEqualTo("DONE");
        assertThat(view.kind()).isEqualTo("TIME_WINDOW_RELOAD");
        assertThat(view.requestedBy()).isEqualTo("billing");
        assertThat(view.tables()).containsExactly("orders", "customers");
        assertThat(view.windowFrom()).isEqualTo(RunEventsFixture.JANUARY.getFrom());
        assertThat(view.durationMillis()).isEqualTo(3500);
        assertThat(view.stages()).extracting(RunView.StageSpan::stage, RunView.StageSpan::millis, RunView.StageSpan::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("LOAD", 1500L, "DONE"),
                        org.assertj.core.groups.Tuple.tuple("STAGING", 300L, "DONE"),
                        org.assertj.core.groups.Tuple.tuple("MERGE", 800L, "DONE"),
                        org.assertj.core.groups.Tuple.tuple("VALIDATION", 900L, "DONE"));
        assertThat(view.tableCounts()).first().isEqualTo(new RunView.TableCounts("orders", 34_434L, 34_434L, 8_606L, 17_212L, 8_612L, 0L, 4L,
                START.plusMillis(2600), "PASSED"));
        assertThat(view.checks()).hasSize(3).allMatch(RunView.Check::passed);
        assertThat(view.failure()).isNull();
        assertThat(view.holdsLeases()).isFalse();
        assertThat(view.timeline()).extracting(RunView.TimelineEntry::type).containsExactly("TaskRequested", "TaskProgress",
                "FullLoadCompleted", "WindowStaged", "MergeCompleted", "ValidationPassed");
        assertThat(storedRun(view.requestId())).containsEntry("status", "PASSED").containsEntry("stage", "DONE")
                .containsEntry("duration_ms", 3500L).containsEntry("holds_leases", false);
    }

    @Test
    void shuffledDuplicatedAndRedeliveredEventsGiveTheViewOfTheRunInOrder() {
        RunEventsFixture inOrder = new RunEventsFixture(runId(), START);
        inOrder.successfulRun().forEach(this::accept);
        RunEventsFixture shuffled = new RunEventsFixture(runId(), START);
        List<SpecificRecord> events = new ArrayList<>(shuffled.successfulRun());
        events.addAll(shuffled.successfulRun()); // every event delivered twice
        Collections.shuffle(events, new Random(42));
        Collections.reverse(events.subList(0, 6)); // and the outcome surely before the request
        events.forEach(this::accept);

        RunView expected = readModel().run(id(inOrder));
        RunView actual = readModel().run(id(shuffled));

        assertThat(withoutIds(actual)).isEqualTo(withoutIds(expected));
        // each run is told as ended once, whatever came twice
        assertThat(ended).extracting(RunView::requestId).containsExactlyInAnyOrder(id(inOrder), id(shuffled));
        assertThat(jdbc.sql("SELECT count(*) FROM ops_console.events WHERE request_id = :id").param("id", id(shuffled)).query(Long.class).single())
                .isEqualTo(6);
        Map<String, Object> expectedRow = storedRun(id(inOrder));
        Map<String, Object> actualRow = storedRun(id(shuffled));
        expectedRow.remove("request_id");
        actualRow.remove("request_id");
        assertThat(actualRow).isEqualTo(expectedRow);
        assertThat(storedTables(id(shuffled))).isEqualTo(storedTables(id(inOrder)));
    }

    @Test
    void aRunWhoseLaterEventsCameFirstShowsTheStageItIsIn() {
        RunEventsFixture run = new RunEventsFixture(runId(), START);
        accept(run.merged());
        accept(run.requested());
        accept(run.loaded());

        RunView view = readModel().run(id(run));

        // staged has not arrived, but the merge is done, so staging was: the run is validating
        assertThat(view.status()).isEqualTo("RUNNING");
        assertThat(view.stage()).isEqualTo("VALIDATION");
        assertThat(view.stages()).extracting(RunView.StageSpan::state).containsExactly("DONE", "DONE", "DONE", "RUNNING");
        assertThat(view.stages()).extracting(RunView.StageSpan::millis).containsExactly(1500L, null, null, null);
        assertThat(view.holdsLeases()).isTrue();

        accept(run.staged());
        accept(run.passed());
        accept(run.progress());
        assertThat(readModel().run(id(run)).stages()).extracting(RunView.StageSpan::millis).containsExactly(1500L, 300L, 800L, 900L);
    }

    @Test
    void aFailedMergeEndsTheRunInItsStageAndRaisesOneAlert() {
        RunEventsFixture run = new RunEventsFixture(runId(), START);
        List.of(run.requested(), run.progress(), run.loaded(), run.staged(), run.mergeFailed(), run.mergeFailed()).forEach(this::accept);

        RunView view = readModel().run(id(run));

        assertThat(view.status()).isEqualTo("FAILED");
        assertThat(view.stage()).isEqualTo("MERGE");
        assertThat(view.failure().reason()).contains("relation production.orders does not exist");
        assertThat(view.failure().errorType()).isEqualTo("UndefinedTable");
        assertThat(view.durationMillis()).isEqualTo(2600);
        assertThat(view.stages()).extracting(RunView.StageSpan::state, RunView.StageSpan::millis)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("DONE", 1500L), org.assertj.core.groups.Tuple.tuple("DONE", 300L),
                        org.assertj.core.groups.Tuple.tuple("FAILED", 800L), org.assertj.core.groups.Tuple.tuple("PENDING", null));
        assertThat(view.holdsLeases()).isFalse();
        assertThat(alerts).hasSize(1).first().isInstanceOf(TaskFailed.class);
        assertThat(ended).singleElement().extracting(RunView::status).isEqualTo("FAILED");
    }

    @Test
    void aFailedValidationShowsItsChecksAndARetryStartsOver() {
        RunEventsFixture run = new RunEventsFixture(runId(), START);
        List.of(run.requested(), run.loaded(), run.staged(), run.merged(), run.validationFailed()).forEach(this::accept);

        RunView failed = readModel().run(id(run));
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.failure().stage()).isEqualTo("VALIDATION");
        assertThat(failed.failure().reason()).isEqualTo("1 of 2 checks failed: orders STALE expected 0 actual 1 keys [3000]; 1 differing key recorded, repairable");
        assertThat(failed.checks()).filteredOn(check -> !check.passed()).singleElement()
                .satisfies(check -> assertThat(check.sampleKeys()).containsExactly("3000"));
        assertThat(failed.tableCounts()).first().extracting(RunView.TableCounts::validation).isEqualTo("FAILED");
        assertThat(alerts).singleElement().isInstanceOf(ValidationFailed.class);

        RunEventsFixture retry = run.retried(START.plus(1, ChronoUnit.HOURS));
        List.of(retry.requested(), retry.progress()).forEach(this::accept);
        RunView retried = readModel().run(id(run));
        assertThat(ended).singleElement().extracting(RunView::status).isEqualTo("FAILED");
        assertThat(retried.attempt()).isEqualTo(2);
        assertThat(retried.status()).isEqualTo("RUNNING");
        assertThat(retried.stage()).isEqualTo("LOAD");
        assertThat(retried.checks()).isEmpty();
        assertThat(retried.timeline()).hasSize(7);
    }

    @Test
    void aRunWhoseValidationFailedIsRepairingOnceARepairIsAskedForAndPassesWithItsRound() {
        RunEventsFixture run = new RunEventsFixture(runId(), START);
        List<SpecificRecord> events = run.repairedRun();
        // through RepairRequested
        events.subList(0, 7).forEach(this::accept);

        assertThat(storedRun(id(run))).containsEntry("status", "RUNNING").containsEntry("stage", "REPAIR")
                .containsEntry("attempt", 1).containsEntry("holds_leases", true).containsEntry("finished_at", null);

        events.subList(7, events.size()).forEach(this::accept);
        RunView view = readModel().run(id(run));

        assertThat(view.status()).isEqualTo("PASSED");
        assertThat(view.repairRound()).isEqualTo(1);
        assertThat(view.timeline()).hasSize(13);
        assertThat(storedRun(id(run))).containsEntry("status", "PASSED").containsEntry("stage", "DONE")
                .containsEntry("attempt", 2).containsEntry("duration_ms", 12_100L).containsEntry("holds_leases", false);
        // the window's merge stays the run's, so the tables page counts the rows it merged
        assertThat(storedTables(id(run))).extracting(row -> row.get("table_name"), row -> row.get("inserted"),
                        row -> row.get("validation"))
                .containsExactly(tuple("customers", 0L, null), tuple("orders", 8_606L, "PASSED"));
        // told as failed when its validation failed, then with its repair round's outcome
        assertThat(ended).extracting(RunView::status).containsExactly("FAILED", "PASSED");
        assertThat(alerts).singleElement().isInstanceOf(ValidationFailed.class);
    }

    @Test
    void eventsOfOneRunArrivingOnSeveralConsumersAtOnceEndInTheWholeView() throws Exception {
        RunEventsFixture run = new RunEventsFixture(runId(), START);
        ExecutorService consumers = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (SpecificRecord event : run.successfulRun()) {
                done.add(consumers.submit(() -> accept(event)));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            consumers.shutdown();
        }

        assertThat(storedRun(id(run))).containsEntry("status", "PASSED").containsEntry("duration_ms", 3500L);
        assertThat(storedTables(id(run))).hasSize(2);
    }

    private Map<String, Object> storedRun(String requestId) {
        // tables as a plain list: the driver's array has no equals
        return new java.util.HashMap<>(jdbc.sql("""
                        SELECT request_id, kind, array_to_string(tables, ',') AS tables, window_from, window_to, requested_by, attempt, stage,
                               status, requested_at, finished_at, duration_ms, last_event_at, holds_leases
                          FROM ops_console.runs WHERE request_id = :id""")
                .param("id", requestId).query().singleRow());
    }

    private List<Map<String, Object>> storedTables(String requestId) {
        return jdbc.sql("SELECT table_name, loaded, staged, inserted, updated, stale, duplicates, deleted, merged_at, validation "
                + "FROM ops_console.run_tables WHERE request_id = :id ORDER BY table_name").param("id", requestId).query().listOfRows();
    }

    /** The view with the requestId and event-derived ids left out, to compare two runs of the same events. */
    private static RunView withoutIds(RunView view) {
        return new RunView(null, view.kind(), view.tables(), view.windowFrom(), view.windowTo(), view.requestedBy(),
                view.attempt(), view.repairRound(), view.stage(), view.status(), view.requestedAt(), view.finishedAt(),
                view.durationMillis(), view.lastEventAt(), view.progress(), view.engine(), view.holdsLeases(),
                view.stages(), view.tableCounts(), view.checks(), view.failure(), view.timeline());
    }

    private static String id(RunEventsFixture run) {
        return run.requested().getHeader().getRequestId();
    }

    private static String runId() {
        return "read-model-" + UUID.randomUUID();
    }

    private static String topic(SpecificRecord event) {
        return Topics.VALUE_TYPES.entrySet().stream().filter(entry -> entry.getValue().contains(event.getClass())).findFirst().orElseThrow().getKey();
    }
}
