package dev.dmsflow.schema.staged;

import dev.dmsflow.contracts.event.TaskFailed;
import dev.dmsflow.contracts.event.WindowStaged;

/** Where a load check's outcome goes. Publishing must have succeeded when a method returns. */
public interface StagedEvents {

    void staged(WindowStaged event);

    void failed(TaskFailed event);
}
