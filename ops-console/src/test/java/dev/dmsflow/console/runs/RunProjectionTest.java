package dev.dmsflow.console.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.dmsflow.console.RunEventsFixture;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskKind;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationRequested;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The projection's rules that need no database: stages of failed and replicating runs, attempts, leases. */
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
    void aRunHasAtLeastOneEvent() {
        assertThatIllegalArgumentException().isThrownBy(() -> RunProjection.project("r-1", List.of()));
    }
}
