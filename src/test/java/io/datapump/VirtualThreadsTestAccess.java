package io.datapump;

import org.springframework.core.task.TaskExecutor;

/** Lets tests in other packages ask whether an executor runs its tasks on virtual threads. */
public final class VirtualThreadsTestAccess {

    private VirtualThreadsTestAccess() {
    }

    public static boolean runsOnVirtualThread(TaskExecutor executor) throws Exception {
        return VirtualThreadsTest.runsOnVirtualThread(executor);
    }
}
