package dev.dmsflow.console.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmsflow.console.RunEventsFixture;
import dev.dmsflow.contracts.event.ValidationFailed;
import java.time.Instant;
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
}
