package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.datapump.support.CisStub.Reply;
import io.datapump.support.CisStub;
import io.datapump.support.PumpProcess;
import io.datapump.support.TestBillers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stopping the pump (what SIGTERM does: the Spring context closes) while CIS calls are in flight, then starting it
 * again on the same broker journal and shards.
 */
// its own pump process and no Spring context: runs beside the other test classes (junit-platform.properties)
@Execution(ExecutionMode.CONCURRENT)
class GracefulShutdownTest {

    static final CisStub CIS = new CisStub();

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Test
    void inFlightWorkFinishesWithinTheDrainTimeoutAndNothingIsLeftHalfDone() throws Exception {
        // given: a slow CIS (800 ms per call) and a drain timeout long enough for calls in flight
        Path dir = TestBillers.freshDataDir();
        PumpProcess pump = pump(dir, "drain", 20).with("datapump.shutdown-timeout", 10);
        CIS.replyWith(call -> new Reply(200, 800, Map.of()));
        ConfigurableApplicationContext running = pump.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> CIS.calls().stream().filter(c -> c.billerId().equals("drain")).count() >= 3);

        // when: the pump is told to stop
        running.close();

        // then: no row is left Fetched or Processing; what was in flight finished
        Map<String, Long> states = pump.states("drain");
        assertThat(states).doesNotContainKeys("Fetched", "Processing");
        assertThat(states.getOrDefault("Processed", 0L)).isGreaterThanOrEqualTo(3);

        // and: after a restart everything is delivered, nothing twice
        CIS.replyWith(call -> Reply.of(200));
        try (ConfigurableApplicationContext again = pump.start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> pump.states("drain").getOrDefault("Processed", 0L) == 20);
        }
        assertThat(CIS.acceptedFor("drain")).extracting(CisStub.Call::idempotencyKey).hasSize(20).doesNotHaveDuplicates();
    }

    @Test
    void workStillInFlightAfterTheDrainTimeoutIsReleasedAtOnceByTheNextSweeper() throws Exception {
        // given: a CIS slower (6 s) than the drain timeout (1 s)
        Path dir = TestBillers.freshDataDir();
        PumpProcess pump = pump(dir, "abandon", 6).with("datapump.shutdown-timeout", 1);
        CIS.replyWith(call -> new Reply(200, 6_000, Map.of()));
        ConfigurableApplicationContext running = pump.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> CIS.calls().stream().filter(c -> c.billerId().equals("abandon")).count() >= 2);

        // when
        running.close();

        // then: nothing is left Fetched; what is still Processing is held by this process, which marked itself
        // stopped in the registry, so any live sweeper (here: the next start's) releases it without waiting for a
        // lease
        Map<String, Long> states = pump.states("abandon");
        assertThat(states).doesNotContainKey("Fetched");
        assertThat(pump.processorsOfState("abandon", "Processing")).allSatisfy(processor ->
                assertThat(pump.heartbeatStopped(processor)).as("processor %s marked stopped", processor).isTrue());

        // and: after a restart every item is delivered within seconds (the processing lease is 5 minutes); the
        // interrupted attempts are on record, either abandoned (released by the sweeper) or, when Camel's forced
        // stop closed the HTTP connection first, failed as a transient CIS error and scheduled for retry; a repeated
        // call carries the same idempotency key
        CIS.replyWith(call -> Reply.of(200));
        try (ConfigurableApplicationContext again = pump.start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> pump.states("abandon").getOrDefault("Processed", 0L) == 6);
        }
        assertThat(pump.attemptErrorClasses("abandon")).isNotEmpty().allSatisfy(errorClass ->
                assertThat(errorClass).isIn("Abandoned", "CisUnreachable"));
        assertThat(CIS.acceptedFor("abandon")).extracting(CisStub.Call::idempotencyKey).containsAll(
                java.util.stream.IntStream.rangeClosed(1, 6).mapToObj(i -> "datapump-abandon-" + i).toList());
    }

    private static PumpProcess pump(Path dir, String billerId, int payments) {
        return new PumpProcess(dir)
                .with("datapump.publisher.interval", "300")
                .with("datapump.publisher.initial-delay", "100")
                .with("datapump.cis.response-timeout", 10_000)
                .with("datapump.local.billers[0].id", billerId)
                .with("datapump.local.billers[0].name", billerId)
                .with("datapump.local.billers[0].cis-base-url", CIS.baseUrl(billerId))
                .with("datapump.local.billers[0].items.payment", payments);
    }
}
