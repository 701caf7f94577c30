package dev.dmsflow.merge.run;

import dev.dmsflow.contracts.event.MergeCompleted;
import dev.dmsflow.contracts.event.TaskFailed;

/** Where a run's outcome goes. Publishing must have succeeded when a method returns. */
public interface MergeEvents {

    void completed(MergeCompleted event);

    void failed(TaskFailed event);
}
