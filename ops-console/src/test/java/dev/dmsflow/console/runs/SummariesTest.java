package dev.dmsflow.console.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.console.RunEventsFixture;
import dev.dmsflow.contracts.event.KeyBounds;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.RepairScope;
import dev.dmsflow.contracts.event.TableMergeResult;
import dev.dmsflow.contracts.event.TableRepairScope;
import dev.dmsflow.contracts.event.ValidationFailed;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummariesTest {

    private final ValidationFailed failed = new RunEventsFixture("r-1", Instant.parse("2026-02-01T06:00:00Z")).validationFailed();
    private static final String CHECKS = "1 of 2 checks failed: orders STALE expected 0 actual 1 keys [3000]";

    @Test
    void aFailedValidationSaysWhatItRecordedForARepairAndWhetherARepairCanFixIt() {
        assertThat(Summaries.failedChecks(ValidationFailed.newBuilder(failed).setDifferingKeys(10_010).setDifferingRanges(2).build()))
                .isEqualTo(CHECKS + "; 10010 differing keys and 2 key ranges recorded, repairable");
        assertThat(Summaries.failedChecks(ValidationFailed.newBuilder(failed).setDifferingKeys(3).setRepairable(false).build()))
                .isEqualTo(CHECKS + "; 3 differing keys recorded, not repairable (a count or structure check failed)");
    }

    @Test
    void anEventFromAValidationThatRecordedNothingShowsItsChecksOnly() {
        assertThat(Summaries.failedChecks(ValidationFailed.newBuilder(failed).setDifferingKeys(0).setDifferingRanges(0).setRepairable(false).build()))
                .isEqualTo(CHECKS);
    }

    @Test
    void aMergeCountsRowsTheSourceLacksOnlyWhenARepairRemovedOrKeptSome() {
        MergeCompleted merged = new RunEventsFixture("r-1", Instant.parse("2026-02-01T06:00:00Z")).merged();
        TableMergeResult orders = merged.getTables().get(0);

        assertThat(Summaries.of(merged)).isEqualTo("orders +8606 ~17212 stale 8612 deleted 4 dup 0, "
                + "customers +0 ~3444 stale 0 deleted 0 dup 0 in 653 ms");
        assertThat(Summaries.of(MergeCompleted.newBuilder(merged).setTables(List.of(
                TableMergeResult.newBuilder(orders).setKeptAbsent(3).build(),
                TableMergeResult.newBuilder(orders).setDeleted(2).setKeptAbsent(1).build())).build()))
                .isEqualTo("orders +8606 ~17212 stale 8612 deleted 4 dup 0 removed 0 kept 3, orders +8606 ~17212"
                        + " stale 8612 deleted 4 dup 0 removed 2 kept 1 in 653 ms");
    }

    @Test
    void aRepairPlanNamesTheFirstKeysAndRangesOfEachTableAndCountsTheRest() {
        RepairPlanned planned = new RunEventsFixture("r-1", Instant.parse("2026-02-01T06:00:00Z")).repairPlanned();
        TableRepairScope many = new TableRepairScope(RunEventsFixture.table("orders"),
                List.of("1", "2", "3", "4", "5", "6"), List.of(new KeyBounds(null, "10"), new KeyBounds("90", null)),
                false, 0L);
        TableRepairScope none = new TableRepairScope(RunEventsFixture.table("customers"), List.of(), List.of(), false,
                1L);
        RepairScope scope = new RepairScope(2, List.of(many, none));

        assertThat(Summaries.of(RepairPlanned.newBuilder(planned).setScope(scope).build()))
                .isEqualTo("repair round 2 planned in 5000 ms: orders 6 keys [1, 2, 3, 4, 5, …] and 2 key ranges"
                        + " […, 10) [90, …); customers 0 keys, 1 dropped (in sync again or changed by CDC)");
    }
}
