package io.datapump.itemconsumer;

import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.Test;

/** The item consumers' executor chooses virtual threads only where the JDK has them. */
class ItemConsumerThreadsTest {

    @Test
    void flagOnJava17FallsBackToPlatformThreads() throws Exception {
        // given / when: the flag on, as if on Java 17
        var executor = ItemConsumerThreads.executor(true, 17);

        // then: tasks run on platform threads named for the item consumers
        assertThat(io.datapump.VirtualThreadsTestAccess.runsOnVirtualThread(executor)).isFalse();
        assertThat(executor.getThreadNamePrefix()).isEqualTo("item-consumer-");
    }

    @Test
    void flagOffKeepsPlatformThreadsOnAnyJava() throws Exception {
        // given / when: the flag off on this JDK
        var executor = ItemConsumerThreads.executor(false, Runtime.version().feature());

        // then
        assertThat(io.datapump.VirtualThreadsTestAccess.runsOnVirtualThread(executor)).isFalse();
    }
}
