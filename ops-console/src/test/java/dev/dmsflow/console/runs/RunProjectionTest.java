package dev.dmsflow.console.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.groups.Tuple.tuple;

import dev.dmsflow.console.RunEventsFixture;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationRequested;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The projection's rules that need no database: stages of failed, replicating and repaired runs, attempts, leases. */
class RunProjectionTest {

    private static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
    private final RunEventsFixture run = new RunEventsFixture("r-1", START);

    @Test
    void aRequestRefusedAtOnceFailsInRequestWithNoStageStarted() {
        TaskFailed refused = new TaskFailed(run.header("refused", 40), FailureStage.REQUEST,
                "table 'nope' is not in the migration catalog", false, List.of("nope"), "UnknownTable");

        RunView view = RunProjection.project("r-1", List.of(refused, run.requested()));

        assertThat(view.status()).isEqualTo("FAILED");
        assertThat(view.stage()).isEqualTo("REQUEST");
        assertThat(view.durationMillis()).isEqualTo(40);
        assertThat(view.stages()).extracting(RunView.StageSpan::state).containsOnly("PENDING");
        assertThat(view.holdsLeases()).isFalse();
    }

    @Test
    void aRunWithoutItsRequestYetIsLoadingAndTakesWhatLaterEventsCarry() {
        RunView view = RunProjection.project("r-1", List.of(run.progress()));

        assertThat(view.stage()).isEqualTo("LOAD");
        assertThat(view.stages()).extracting(RunView.StageSpan::state).containsExactly("RUNNING", "PENDING", "PENDING", "PENDING");
        assertThat(view.kind()).isNull();
        assertThat(view.requestedAt()).isEqualTo(START.plusMillis(200));
        assertThat(view.holdsLeases()).isTrue();
        assertThat(view.engine()).isEqualTo("LOCAL_JDBC");
        assertThat(view.progress()).isEqualTo(40);

        RunView loaded = RunProjection.project("r-1", List.of(run.loaded()));
        assertThat(loaded.kind()).isEqualTo("TIME_WINDOW_RELOAD");
        assertThat(loaded.windowFrom()).isEqualTo(RunEventsFixture.JANUARY.getFrom());
        assertThat(loaded.tables()).containsExactly("orders", "customers");
    }

    @Test
    void aValidateOnlyRunGoesFromItsRequestStraightToValidationAndGivesItsReadLeasesBackWithItsOutcome() {
        TaskRequested check = TaskRequested.newBuilder(run.requested()).setKind(TaskKind.VALIDATE_ONLY).build();
        ValidationRequested requested = new ValidationRequested(run.header("validation-requested", 100), TaskKind.VALIDATE_ONLY,
                RunEventsFixture.JANUARY, List.of(RunEventsFixture.table("orders"), RunEventsFixture.table("customers")), START.plusMillis(100));

        RunView validating = RunProjection.project("r-1", List.of(check, requested));

        assertThat(validating.kind()).isEqualTo("VALIDATE_ONLY");
        assertThat(validating.status()).isEqualTo("RUNNING");
        assertThat(validating.stage()).isEqualTo("VALIDATION");
        assertThat(validating.holdsLeases()).isTrue();
        assertThat(validating.timeline()).extracting(RunView.TimelineEntry::summary)
                .contains("read leases on [orders, customers]: source compared with production");

        RunView failed = RunProjection.project("r-1", List.of(check, requested, ValidationFailed.newBuilder(run.validationFailed())
                .setKind(TaskKind.VALIDATE_ONLY).build()));
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.holdsLeases()).isFalse();
    }

    @Test
    void aReplicatingRunKeepsItsLeasesAfterItValidated() {
        TaskRequested cdc = TaskRequested.newBuilder(run.requested()).setKind(TaskKind.FULL_LOAD_AND_CDC).setWindow(null).build();

        RunView view = RunProjection.project("r-1", List.of(cdc, run.progress(), run.loaded(), run.staged(), run.merged(), run.passed()));

        assertThat(view.status()).isEqualTo("PASSED");
        assertThat(view.holdsLeases()).isTrue();
    }

    @Test
    void theLatestAttemptMakesTheRunAndTheTimelineKeepsEveryAttempt() {
        RunEventsFixture retry = run.retried(START.plusSeconds(60));

        RunView view = RunProjection.project("r-1", List.of(run.requested(), run.loaded(), run.mergeFailed(), retry.requested(),
                retry.progress(), retry.loaded(), retry.staged(), retry.merged(), retry.passed()));

        assertThat(view.attempt()).isEqualTo(2);
        assertThat(view.status()).isEqualTo("PASSED");
        assertThat(view.failure()).isNull();
        assertThat(view.requestedAt()).isEqualTo(START.plusSeconds(60));
        assertThat(view.durationMillis()).isEqualTo(3500);
        assertThat(view.timeline()).hasSize(9).first().extracting(RunView.TimelineEntry::attempt).isEqualTo(1);
    }

    @Test
    void eventsOfTheSameMillisecondFollowTheRunsOrder() {
        // clocks in milliseconds: a fast stage may publish in the same millisecond as the one before it
        RunEventsFixture sameInstant = new RunEventsFixture("r-2", START);
        RunView view = RunProjection.project("r-2", List.of(
                dev.dmsflow.contracts.event.ValidationPassed.newBuilder(sameInstant.passed()).setHeader(sameInstant.header("passed", 0)).build(),
                sameInstant.requested()));

        assertThat(view.timeline()).extracting(RunView.TimelineEntry::type).containsExactly("TaskRequested", "ValidationPassed");
    }

    @Test
    void aValidationSeenAloneNamesTheTablesOfItsChecks() {
        RunView view = RunProjection.project("r-1", List.of(run.validationFailed()));

        assertThat(view.tables()).containsExactly("orders");
        assertThat(view.tableCounts()).singleElement().extracting(RunView.TableCounts::validation).isEqualTo("FAILED");
    }

    @Test
    void aFailedValidationWhoseRepairIsRequestedIsRepairingNotFailed() {
        List<SpecificRecord> failed = List.of(run.requested(), run.progress(), run.loaded(), run.staged(), run.merged(),
                run.validationFailed());
        List<SpecificRecord> asked = with(failed, run.repairRequested());

        RunView repairing = RunProjection.project("r-1", asked);

        assertThat(RunProjection.project("r-1", failed).status()).isEqualTo("FAILED");
        assertThat(repairing.status()).isEqualTo("RUNNING");
        assertThat(repairing.stage()).isEqualTo("REPAIR");
        assertThat(repairing.repairRound()).isEqualTo(1);
        assertThat(repairing.attempt()).isEqualTo(1);
        assertThat(repairing.failure()).isNull();
        assertThat(repairing.finishedAt()).isNull();
        // the controller kept the failed run's leases for its repair
        assertThat(repairing.holdsLeases()).isTrue();
        assertThat(repairing.stages()).extracting(RunView.StageSpan::stage, RunView.StageSpan::state).containsExactly(
                tuple("REPAIR", "RUNNING"), tuple("LOAD", "PENDING"), tuple("STAGING", "PENDING"),
                tuple("MERGE", "PENDING"), tuple("VALIDATION", "PENDING"));
        // what is being repaired
        assertThat(repairing.tableCounts()).first().extracting(RunView.TableCounts::validation).isEqualTo("FAILED");

        RunView planned = RunProjection.project("r-1", with(asked, run.repairPlanned()));
        assertThat(planned.stage()).isEqualTo("LOAD");
        assertThat(planned.stages()).extracting(RunView.StageSpan::state).containsExactly("DONE", "RUNNING", "PENDING",
                "PENDING", "PENDING");
        assertThat(planned.stages().get(0).millis()).isEqualTo(5_000);
    }

    @Test
    void aRepairRoundThatHealsTheRunPassesItWithTheWindowsCountsAndTheRoundsChecks() {
        RunView view = RunProjection.project("r-1", run.repairedRun());

        assertThat(view.status()).isEqualTo("PASSED");
        assertThat(view.stage()).isEqualTo("DONE");
        assertThat(view.attempt()).isEqualTo(2);
        assertThat(view.repairRound()).isEqualTo(1);
        assertThat(view.failure()).isNull();
        assertThat(view.holdsLeases()).isFalse();
        // from the run's request to the round's verdict
        assertThat(view.requestedAt()).isEqualTo(START);
        assertThat(view.durationMillis()).isEqualTo(12_100);
        assertThat(view.stages()).extracting(RunView.StageSpan::stage, RunView.StageSpan::millis,
                        RunView.StageSpan::state)
                .containsExactly(tuple("REPAIR", 5_000L, "DONE"), tuple("LOAD", 1_500L, "DONE"),
                        tuple("STAGING", 300L, "DONE"), tuple("MERGE", 800L, "DONE"),
                        tuple("VALIDATION", 900L, "DONE"));
        assertThat(view.tableCounts()).extracting(RunView.TableCounts::table, RunView.TableCounts::loaded,
                        RunView.TableCounts::inserted, RunView.TableCounts::mergedAt, RunView.TableCounts::validation)
                .containsExactly(tuple("orders", 34_434L, 8_606L, START.plusMillis(2600), "PASSED"),
                        tuple("customers", 3_444L, 0L, START.plusMillis(2600), null));
        assertThat(view.checks()).extracting(RunView.Check::check).containsExactly("CONTENTS");
        assertThat(view.timeline()).extracting(RunView.TimelineEntry::type, RunView.TimelineEntry::attempt)
                .containsExactly(tuple("TaskRequested", 1), tuple("TaskProgress", 1), tuple("FullLoadCompleted", 1),
                        tuple("WindowStaged", 1), tuple("MergeCompleted", 1), tuple("ValidationFailed", 1),
                        tuple("RepairRequested", 1), tuple("RepairPlanned", 1), tuple("FullLoadCompleted", 2),
                        tuple("WindowStaged", 2), tuple("MergeCompleted", 2), tuple("RepairCompleted", 2),
                        tuple("ValidationPassed", 2));
        assertThat(view.timeline().subList(6, 13)).extracting(RunView.TimelineEntry::summary).containsExactly(
                "repair round 1 requested by auto for [orders], deletes allowed for [orders]",
                "repair round 1 planned in 5000 ms: orders 2 keys [3000, 3001] and 1 key range [5000, 5100),"
                        + " 1 dropped (in sync again or changed by CDC)",
                "repair round 1: LOCAL_JDBC orders=2",
                "repair round 1: orders staged 2",
                "repair round 1: orders +0 ~2 stale 0 deleted 0 dup 0 removed 1 kept 0 in 653 ms",
                "repair round 1 healed in 8500 ms: orders of 2 keys +0 ~2 removed 1 kept absent 0 left to CDC 0"
                        + " still different 0",
                "1 checks passed");

        List<SpecificRecord> shuffled = new ArrayList<>(run.repairedRun());
        Collections.shuffle(shuffled, new Random(7));
        assertThat(RunProjection.project("r-1", shuffled)).isEqualTo(view);
    }

    @Test
    void aRepairRoundOnItsWayIsInItsStageAndARoundThatDoesNotHealFailsTheRunUnlessAnotherIsAsked() {
        RunEventsFixture round = run.repairRound();
        List<SpecificRecord> asked = List.of(run.requested(), run.loaded(), run.staged(), run.merged(),
                run.validationFailed(), run.repairRequested(), run.repairPlanned());

        RunView merging = RunProjection.project("r-1", with(asked, round.loaded(), round.staged()));
        assertThat(merging.attempt()).isEqualTo(2);
        assertThat(merging.status()).isEqualTo("RUNNING");
        assertThat(merging.stage()).isEqualTo("MERGE");
        assertThat(merging.holdsLeases()).isTrue();
        assertThat(merging.tableCounts()).first().extracting(RunView.TableCounts::loaded).isEqualTo(34_434L);

        List<SpecificRecord> notHealed = with(asked, round.loaded(), round.repairCompleted(false),
                round.validationFailed());
        RunView failed = RunProjection.project("r-1", notHealed);
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.stage()).isEqualTo("VALIDATION");
        assertThat(failed.stages()).extracting(RunView.StageSpan::stage, RunView.StageSpan::state).containsExactly(
                tuple("REPAIR", "DONE"), tuple("LOAD", "DONE"), tuple("STAGING", "DONE"), tuple("MERGE", "DONE"),
                tuple("VALIDATION", "FAILED"));
        assertThat(failed.holdsLeases()).isFalse();
        assertThat(failed.timeline()).filteredOn(e -> e.type().equals("RepairCompleted"))
                .extracting(RunView.TimelineEntry::summary).singleElement().asString()
                .startsWith("repair round 1 not healed in 8500 ms: ").endsWith(" still different 1");

        RunView again = RunProjection.project("r-1", with(notHealed, round.repairRequested()));
        assertThat(again.status()).isEqualTo("RUNNING");
        assertThat(again.stage()).isEqualTo("REPAIR");
        assertThat(again.repairRound()).isEqualTo(2);
        // still the counts of the attempt the rounds repair
        assertThat(again.tableCounts()).first().extracting(RunView.TableCounts::loaded).isEqualTo(34_434L);
    }

    @Test
    void aRepairRoundWithNoKeyLeftToLoadIsValidatedAgainStraightAway() {
        RunEventsFixture round = run.repairRound();
        // CDC or time healed every recorded key: the controller asks for the validation at once
        ValidationRequested again = new ValidationRequested(round.header("validation-requested", 0),
                TaskKind.TIME_WINDOW_RELOAD, RunEventsFixture.JANUARY, List.of(RunEventsFixture.table("orders")),
                START.plusMillis(8600));
        List<SpecificRecord> validating = List.of(run.requested(), run.loaded(), run.staged(), run.merged(),
                run.validationFailed(), run.repairRequested(), run.repairPlanned(), again);

        RunView view = RunProjection.project("r-1", validating);

        assertThat(view.attempt()).isEqualTo(2);
        assertThat(view.status()).isEqualTo("RUNNING");
        assertThat(view.stage()).isEqualTo("VALIDATION");
        assertThat(view.holdsLeases()).isTrue();
        assertThat(RunProjection.project("r-1", with(validating, round.passed())).status()).isEqualTo("PASSED");
    }

    @Test
    void aRepairThatCannotBeConfirmedFailsTheRunInRepair() {
        TaskFailed unconfirmed = new TaskFailed(run.header("repair-failed", 8600), FailureStage.VALIDATION,
                "no source configured", false, List.of("orders"), "IllegalStateException");

        RunView view = RunProjection.project("r-1", List.of(run.requested(), run.loaded(), run.staged(), run.merged(),
                run.validationFailed(), run.repairRequested(), unconfirmed));

        assertThat(view.status()).isEqualTo("FAILED");
        assertThat(view.stage()).isEqualTo("REPAIR");
        assertThat(view.failure().stage()).isEqualTo("REPAIR");
        assertThat(view.failure().reason()).isEqualTo("no source configured");
        assertThat(view.stages()).extracting(RunView.StageSpan::state).containsExactly("FAILED", "PENDING", "PENDING",
                "PENDING", "PENDING");
        assertThat(view.stages().get(0).millis()).isEqualTo(5_000);
        assertThat(view.holdsLeases()).isFalse();
    }

    @Test
    void aRetryAfterARepairStartsOver() {
        RunEventsFixture retry = run.retried(START.plusSeconds(60));

        RunView view = RunProjection.project("r-1", List.of(run.requested(), run.loaded(), run.validationFailed(),
                run.repairRequested(), retry.requested(), retry.progress()));

        assertThat(view.attempt()).isEqualTo(2);
        assertThat(view.repairRound()).isNull();
        assertThat(view.stage()).isEqualTo("LOAD");
        assertThat(view.requestedAt()).isEqualTo(START.plusSeconds(60));
        assertThat(view.stages()).extracting(RunView.StageSpan::stage).containsExactlyElementsOf(RunProjection.STAGES);
        assertThat(view.checks()).isEmpty();
    }

    @Test
    void aRunHasAtLeastOneEvent() {
        assertThatIllegalArgumentException().isThrownBy(() -> RunProjection.project("r-1", List.of()));
    }

    private static List<SpecificRecord> with(List<SpecificRecord> events, SpecificRecord... later) {
        List<SpecificRecord> more = new ArrayList<>(events);
        more.addAll(List.of(later));
        return more;
    }
}
