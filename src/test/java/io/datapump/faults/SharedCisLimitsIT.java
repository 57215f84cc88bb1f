package io.datapump.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.datapump.support.CisStub.Reply;
import io.datapump.support.Ports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The per-biller CIS limits hold across pump processes: three packaged pumps on one broker and the same shards. A
 * biller limited to 4 never has more than 4 calls at its CIS in total; its failing CIS opens the breaker in every
 * process and receives no more than the half-open trial calls per wait interval in total; the slots of a process
 * killed with SIGKILL come back within the slot lease; and another biller's throughput is not hurt by the noisy one.
 * Prints its figures prefixed {@code SHARED-LIMITS} and writes them to target/faults/shared-limits.md.
 */
// beside the Spring Boot tests but not beside the fault scenarios (their lock, written here, read there): it times slot
// leases and breaker intervals to the second, and compares throughputs; first of the classes that run beside the others
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = FaultInjectionIT.FAULT_PUMPS, mode = ResourceAccessMode.READ_WRITE)
@Order(1)
class SharedCisLimitsIT {

    static final int LIMIT = 4;
    static final int HALF_OPEN_CALLS = 2;
    static final Duration WAIT_IN_OPEN = Duration.ofSeconds(3);
    static final Duration LEASE = Duration.ofSeconds(4);
    static final int QUIET_ITEMS = 100;

    final List<String> report = new ArrayList<>();

    @Test
    void billerLimitsBreakerAndSlotLeasesHoldOverThreeProcesses() throws Exception {
        long testStart = System.nanoTime();
        Path root = Files.createDirectories(Path.of("target", "faults").toAbsolutePath());
        try (FaultEnvironment env = new FaultEnvironment(root, "shared-limits")) {
            // given: a noisy biller with a slow CIS and two quiet ones, all paused until the three pumps run
            env.biller("noisy", 500, 0).biller("quiet-a", QUIET_ITEMS, 0).biller("quiet-b", QUIET_ITEMS, 0);
            for (int i = 0; i < 3; i++) {
                env.app.with("datapump.local.billers[" + i + "].paused", true);
            }
            env.app.with("datapump.cis.max-concurrent-per-biller", LIMIT)
                    .with("datapump.cis.slot-lease", LEASE.toMillis() + "ms")
                    .with("datapump.cis.busy-retry-delay", "500ms")
                    .with("datapump.cis.circuit-breaker.minimum-calls", 4)
                    .with("datapump.cis.circuit-breaker.sliding-window", 4)
                    .with("datapump.cis.circuit-breaker.wait-in-open", WAIT_IN_OPEN.toMillis() + "ms")
                    .with("datapump.cis.circuit-breaker.half-open-calls", HALF_OPEN_CALLS)
                    .with("datapump.biller-consumer.max-in-flight-per-biller", 24);
            AtomicBoolean failing = new AtomicBoolean();
            List<Long> noisyCalls = new CopyOnWriteArrayList<>();
            env.cis.replyWith(call -> {
                if (!"noisy".equals(call.billerId())) {
                    return new Reply(200, 20, Map.of());
                }
                noisyCalls.add(System.nanoTime());
                return failing.get() ? Reply.of(503) : new Reply(200, 200, Map.of());
            });
            env.broker.start();
            List<AppProcess> pumps = List.of(env.app, env.twin(Ports.free(), env.dir.resolve("app-b")),
                    env.twin(Ports.free(), env.dir.resolve("app-c")));
            for (int i = 0; i < pumps.size(); i++) {
                pumps.get(i).start("shared-limits-" + (char) ('a' + i));
            }
            for (AppProcess pump : pumps) {
                pump.awaitUp(FaultInjectionIT.START);
            }
            Duration started = Duration.ofNanos(System.nanoTime() - testStart);

            // when: a quiet biller runs alone
            double alone = itemsPerSecond(env, pumps.get(0), "quiet-a");

            // when: the noisy biller and the other quiet one run together
            assertThat(pumps.get(1).post("/api/billers/noisy/resume", "")).isEqualTo(200);
            double withNoisy = itemsPerSecond(env, pumps.get(0), "quiet-b");
            // then: the noisy biller used its 4 slots, over all processes, and never more
            await().atMost(Duration.ofSeconds(30)).until(() -> env.cis.maxConcurrent("noisy") >= LIMIT);
            await().atMost(Duration.ofSeconds(30)).until(() -> env.sql("noisy",
                    "SELECT COUNT(DISTINCT ProcessorId) FROM DataPumpAttempt") == pumps.size());
            int maxInFlight = env.cis.maxConcurrent("noisy");
            assertThat(maxInFlight).as("noisy's calls in flight at its CIS, over three processes").isEqualTo(LIMIT);
            // and the quiet biller was not slowed down by it
            assertThat(withNoisy).as("quiet items/s with the noisy biller (alone: %.1f)", alone)
                    .isGreaterThan(alone * 0.5);

            // when: the noisy biller's CIS fails
            failing.set(true);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> env.sql("noisy", "SELECT COUNT(*) FROM CisBreaker WHERE State = 'Open'") == 1);
            long opened = System.nanoTime();
            // then: every process defers its items behind the open breaker, and it stays open while the CIS fails
            await().atMost(Duration.ofSeconds(15)).until(() -> pumps.stream()
                    .allMatch(p -> deferred(p, "noisy", "CisCircuitOpen") > 0));
            await().during(WAIT_IN_OPEN.multipliedBy(3)).atMost(WAIT_IN_OPEN.multipliedBy(4))
                    .until(() -> env.sql("noisy", "SELECT COUNT(*) FROM CisBreaker WHERE State = 'Open'") == 1);
            long observedUntil = System.nanoTime();
            // calls that took their slot before the breaker opened may still arrive for a moment
            long from = opened + Duration.ofMillis(500).toNanos();
            List<Long> trials = noisyCalls.stream().filter(t -> t >= from && t <= observedUntil).sorted().toList();
            int maxPerInterval = maxInWindow(trials, WAIT_IN_OPEN);
            assertThat(trials).as("trial calls while the breaker was open").isNotEmpty();
            // the breaker lets half-open-calls trials through per wait interval, over all processes. A trial reaches
            // the CIS a scheduling delay after it was let through (this test shares the machine with the other
            // tests), so two trials of one interval and one of the next can land within one interval at the stub:
            // the bound is over the whole time open, allowing one interval more for that lag. Breakers per process
            // would let through processes x half-open-calls per interval, three times as many.
            long intervals = (observedUntil - from) / WAIT_IN_OPEN.toNanos() + 1;
            assertThat(trials).as("CIS calls while the breaker is open (at most %d in any %s)", maxPerInterval,
                    WAIT_IN_OPEN).hasSizeLessThanOrEqualTo((int) (HALF_OPEN_CALLS * (intervals + 1)));
            double seconds = (observedUntil - from) / 1e9;

            // when: the CIS recovers: the trials close the breaker for everyone
            failing.set(false);
            await().atMost(WAIT_IN_OPEN.multipliedBy(4))
                    .until(() -> env.sql("noisy", "SELECT COUNT(*) FROM CisBreaker WHERE State = 'Closed'") == 1);

            // when: a process holding noisy slots is killed (SIGKILL: it releases nothing)
            AppProcess victim = pumps.get(2);
            String victimId = victim.processorId();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> env.sql("noisy",
                    "SELECT COUNT(*) FROM CisSlot WHERE Token IS NOT NULL AND ProcessorId = '" + victimId + "'") > 0);
            victim.kill();
            long killed = System.nanoTime();
            List<Integer> held = env.sqlList("noisy", "SELECT SlotNo FROM CisSlot WHERE Token IS NOT NULL"
                    + " AND ProcessorId = '" + victimId + "'", Integer.class);
            // then: each of its slots is free (lease run out) or taken by a live process within the lease
            await().atMost(LEASE.plusSeconds(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> stillHeld(env, victimId, held) == 0);
            Duration recovered = Duration.ofNanos(System.nanoTime() - killed);
            assertThat(recovered).isLessThanOrEqualTo(LEASE.plusSeconds(1));
            // and the two live processes use all 4 of the biller's slots again
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> env.cis.inFlight("noisy") == LIMIT);
            Duration backToFour = Duration.ofNanos(System.nanoTime() - killed);
            assertThat(env.cis.maxConcurrent("noisy")).isEqualTo(LIMIT);

            figure("processes: 3 on one broker and the same H2 shards; noisy biller limited to %d, slot lease %s,"
                    + " wait-in-open %s, half-open-calls %d", LIMIT, LEASE, WAIT_IN_OPEN, HALF_OPEN_CALLS);
            figure("max CIS calls in flight for the noisy biller over 3 processes: %d (limit %d)",
                    env.cis.maxConcurrent("noisy"), LIMIT);
            figure("breaker open with a failing CIS: %d trial calls in %.1f s, at most %d in any %s (half-open-calls"
                    + " %d)", trials.size(), seconds, maxPerInterval, WAIT_IN_OPEN, HALF_OPEN_CALLS);
            figure("every process deferred the noisy biller's items as CisCircuitOpen: %s", pumps.stream()
                    .filter(p -> p != victim).map(p -> String.format("%.0f", deferred(p, "noisy", "CisCircuitOpen")))
                    .toList() + " (live processes) ");
            figure("SIGKILL of a process holding %d noisy slots: free again after %.1f s (lease %s); 4 in flight"
                    + " again after %.1f s", held.size(), recovered.toMillis() / 1e3, LEASE,
                    backToFour.toMillis() / 1e3);
            figure("quiet biller: %.1f items/s alone, %.1f items/s beside the noisy one", alone, withNoisy);
            figure("pumps up after %.0f s; whole test %.0f s", started.toMillis() / 1e3,
                    (System.nanoTime() - testStart) / 1e9);
            Files.writeString(root.resolve("shared-limits.md"), String.join(System.lineSeparator(), report)
                    + System.lineSeparator());
        }
    }

    /**
     * Resumes the biller and measures its items per second from then until all of them are Processed (processes
     * starting together may each seed a new local shard: its work items are counted, not assumed).
     */
    private static double itemsPerSecond(FaultEnvironment env, AppProcess pump, String billerId) throws Exception {
        long items = env.states(billerId).get("WorkItems");
        long start = System.nanoTime();
        assertThat(pump.post("/api/billers/" + billerId + "/resume", "")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> env.states(billerId).getOrDefault("Processed", 0L) == items);
        return items / ((System.nanoTime() - start) / 1e9);
    }

    /** The largest number of calls within any window of the given length. */
    static int maxInWindow(List<Long> sortedNanos, Duration window) {
        int max = 0;
        for (int i = 0, j = 0; i < sortedNanos.size(); i++) {
            while (sortedNanos.get(i) - sortedNanos.get(j) >= window.toNanos()) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        return max;
    }

    /** The killed process's slots that are still leased to it. */
    private static long stillHeld(FaultEnvironment env, String victimId, List<Integer> slots) throws Exception {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        long n = 0;
        for (int slot : slots) {
            List<LocalDateTime> leases = env.sqlList("noisy", "SELECT LeaseUntil FROM CisSlot WHERE SlotNo = " + slot
                    + " AND Token IS NOT NULL AND ProcessorId = '" + victimId + "'", LocalDateTime.class);
            n += leases.stream().filter(until -> until != null && until.isAfter(now)).count();
        }
        return n;
    }

    /** The process's count of a biller's items deferred with the error class (from /actuator/prometheus). */
    private static double deferred(AppProcess pump, String billerId, String errorClass) {
        return pump.get("/actuator/prometheus").lines()
                .filter(l -> l.startsWith("datapump_items_deferred_total{") && l.contains("biller=\"" + billerId + "\"")
                        && l.contains("errorClass=\"" + errorClass + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private void figure(String format, Object... args) {
        String line = String.format(format, args);
        report.add("- " + line);
        System.out.println("SHARED-LIMITS: " + line);
    }
}
