package dev.dmsflow.controller.kafka;

import dev.dmsflow.contracts.Topics;
import dev.dmsflow.contracts.event.CheckResult;
import dev.dmsflow.contracts.event.FailureStage;
import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.RepairPlanned;
import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.TaskRequested;
import dev.dmsflow.contracts.event.ValidationFailed;
import dev.dmsflow.contracts.event.ValidationPassed;
import dev.dmsflow.contracts.event.WindowStaged;
import dev.dmsflow.controller.run.RunCoordinator;
import dev.dmsflow.controller.run.RunTicker;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/** Requests in, the pipeline's later events in (progress and outcomes); each ticks at once to advance runs. */
@Component
class RunListeners {

    private final RunCoordinator coordinator;
    private final RunTicker ticker;

    RunListeners(RunCoordinator coordinator, RunTicker ticker) {
        this.coordinator = coordinator;
        this.ticker = ticker;
    }

    @KafkaListener(topics = Topics.TASK_REQUESTED)
    void onTaskRequested(TaskRequested request) {
        coordinator.onTaskRequested(request);
        ticker.tickNow();
    }

    /**
     * Outcomes release a run's leases, and wake the ticker for the queued runs that wait for them; WindowStaged and
     * MergeCompleted are a run's progress after its load, which no tick acts on.
     */
    @KafkaListener(topics = {Topics.VALIDATION_PASSED, Topics.ALERTS, Topics.WINDOW_STAGED, Topics.MERGE_COMPLETED})
    void onPipelineEvent(SpecificRecord outcome) {
        if (outcome instanceof WindowStaged staged) {
            coordinator.onStage(staged.getHeader().getRequestId(), staged.getHeader().getAttempt(), FailureStage.MERGE);
            return;
        } else if (outcome instanceof MergeCompleted merged) {
            coordinator.onStage(merged.getHeader().getRequestId(), merged.getHeader().getAttempt(), FailureStage.VALIDATION);
            return;
        } else if (outcome instanceof ValidationPassed passed) {
            coordinator.onOutcome(passed.getHeader().getRequestId(), passed.getHeader().getAttempt(), true);
        } else if (outcome instanceof ValidationFailed failed) {
            coordinator.onValidationFailed(failed.getHeader().getRequestId(), failed.getHeader().getAttempt(),
                    failed.getFailures().stream().map(CheckResult::getTable).collect(Collectors.toSet()), failed.getRepairable());
        } else if (outcome instanceof TaskFailed failed
                // a request rejection has no run; a load failure already released the run's leases
                && failed.getStage() != FailureStage.REQUEST && failed.getStage() != FailureStage.LOAD) {
            coordinator.onOutcome(failed.getHeader().getRequestId(), failed.getHeader().getAttempt(), false);
        }
        // an outcome gives leases back: queued runs may start now
        ticker.tickNow();
    }

    /** A repair round planned: the run loads its keys as its next attempt, started by a tick now. */
    @KafkaListener(topics = Topics.REPAIRS)
    void onRepair(SpecificRecord event) {
        if (event instanceof RepairPlanned planned && coordinator.onRepairPlanned(planned)) {
            ticker.wake();
        }
    }
}
