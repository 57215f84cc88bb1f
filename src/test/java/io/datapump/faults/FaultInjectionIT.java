package io.datapump.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.datapump.support.CisStub.Reply;
import io.datapump.support.Ports;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The fault-injection suite: the packaged pump as its own process, killed with SIGKILL at every step boundary and at
 * random, against CIS faults, a broker restart, database outages, duplicate and out-of-order messages and a corpus of
 * bad input. After each scenario every work item must be Processed (or Failed with the reason the scenario makes
 * permanent); the CIS may see an item twice only after a crash between its call and Processed, and then always with
 * the same idempotency key. Prints a table of scenario, items, delivered, duplicates, lost and recovery time, and
 * writes it to target/faults/report.md.
 * <p>
 * Each scenario has its own broker, databases, CIS stub and pump processes, so scenarios run side by side, in the
 * test phase beside the Spring Boot tests (src/test/resources/junit-platform.properties): two at a time while those
 * run, three after; the longest are started first ({@link Order}; the report follows that order). Alone, a scenario
 * spends about half its time waiting (for a heartbeat to go stale, a fault to end), so side by side they keep both
 * cores busy. They start after the other classes that run beside the Spring Boot tests, and never beside
 * {@link SharedCisLimitsIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(value = FaultInjectionIT.FAULT_PUMPS, mode = ResourceAccessMode.READ)
@Order(Integer.MAX_VALUE)
class FaultInjectionIT {

    /** The lock the fault scenarios share and {@link SharedCisLimitsIT} holds alone. */
    static final String FAULT_PUMPS = "fault-pumps";

    static final Duration START = Duration.ofSeconds(90);
    static final Duration FINISH = Duration.ofSeconds(150);
    static Path root;
    /**
     * The report's rows by scenario (the {@link Order} of its test): scenarios run side by side, and each one's rows
     * still print in the suite's order.
     */
    static final Map<Integer, List<String>> ROWS = new java.util.concurrent.ConcurrentSkipListMap<>();
    private static final ThreadLocal<Integer> SCENARIO = new ThreadLocal<>();

    record Outcome(long items, long delivered, long failed, long duplicates, long lost, Duration recovery) {
    }

    @BeforeAll
    static void createRoot() throws Exception {
        root = Files.createDirectories(Path.of("target", "faults").toAbsolutePath());
    }

    @BeforeEach
    void nameTheScenario(TestInfo test) {
        SCENARIO.set(test.getTestMethod().orElseThrow().getAnnotation(Order.class).value());
    }

    /** Adds a row to the report, under the scenario this thread runs. */
    private static void report(String row) {
        ROWS.computeIfAbsent(SCENARIO.get(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(row);
    }

    @AfterAll
    static void writeReport() throws Exception {
        List<String> rows = new ArrayList<>(List.of(
                "| scenario | items | delivered | failed (expected) | duplicates (same key) | lost | recovery |",
                "|---|---|---|---|---|---|---|"));
        ROWS.values().forEach(rows::addAll);
        String table = String.join(System.lineSeparator(), rows);
        System.out.println(System.lineSeparator() + "Fault-injection results" + System.lineSeparator() + table);
        Files.writeString(root.resolve("report.md"), table + System.lineSeparator());
    }

    // ---- SIGKILL at each step boundary ------------------------------------------------------------------------

    @Test
    @Order(8)
    void killedRightAfterAClaimLosesNothing() throws Exception {
        crashAt("after claim", "claim-production:3");
    }

    @Test
    @Order(9)
    void killedMidBatchAfterPublishingLosesNothing() throws Exception {
        crashAt("after publish", "publish-production-payment:30");
    }

    @Test
    @Order(10)
    void killedAfterMarkingQueuedLosesNothing() throws Exception {
        crashAt("after mark Queued", "mark-queued-production:3");
    }

    @Test
    @Order(11)
    void killedAfterCisSuccessRepeatsOnlyWithTheSameKey() throws Exception {
        crashAt("after CIS success", "cis-call-production-payment:40");
    }

    @Test
    @Order(12)
    void killedMidCisCallLosesNothing() throws Exception {
        try (FaultEnvironment env = standardBillers("mid-cis-call")) {
            AtomicBoolean slow = new AtomicBoolean(true);
            env.cis.replyWith(call -> slow.get() ? new Reply(200, 3_000, Map.of()) : Reply.of(200));
            env.broker.start();
            env.app.start("mid-cis-call");
            env.app.awaitUp(START);
            await().atMost(Duration.ofSeconds(60)).until(() -> env.cis.calls().size() >= 4);
            env.app.kill();
            slow.set(false);
            Instant restart = Instant.now();
            env.app.start("mid-cis-call");
            record(env, "SIGKILL mid CIS call", env.billers(), restart, 0, true);
        }
    }

    // ---- random kills over thousands of items -----------------------------------------------------------------

    @Test
    @Order(4)
    void killedAtRandomMomentsThreeTimesLosesNothing() throws Exception {
        try (FaultEnvironment env = new FaultEnvironment(root, "random-kills")) {
            for (String b : List.of("r1", "r2", "r3", "r4")) {
                env.biller(b, 400, 100);
            }
            env.biller("r-demo", true, 400, 100, false);
            env.cis.replyWith(call -> new Reply(200, ThreadLocalRandom.current().nextInt(0, 15), Map.of()));
            env.broker.start();
            for (int kill = 0; kill < 3; kill++) {
                env.app.start("random-kills");
                env.app.awaitUp(START);
                long delay = ThreadLocalRandom.current().nextLong(1_500, 5_000);
                await().pollDelay(Duration.ofMillis(delay)).atMost(Duration.ofMillis(delay + 1_000)).until(() -> true);
                env.app.kill();
            }
            Instant restart = Instant.now();
            env.app.start("random-kills");
            record(env, "3 SIGKILLs at random moments", env.billers(), restart, 0, true);
        }
    }

    // ---- publishing again: the sweeper and replay -------------------------------------------------------------

    @Test
    @Order(2)
    void killedAtEachStepOfPublishingAgainLosesNothing() throws Exception {
        // seven kills in a minute: each counts a delivery against every message a killed consumer had fetched ahead
        // (Artemis fetches up to 1 MiB per consumer; Service Bus, with prefetch 0, only the ones in flight), so the
        // broker here gives up after 20 deliveries rather than the suite's usual 10
        try (FaultEnvironment env = new FaultEnvironment(root, "republish-steps", 20)
                .biller("alpha", 150, 50).biller("bravo", 150, 50).biller("delta", true, 80, 20, false)) {
            env.biller("picky", 40, 0);
            // first run: the standard billers' CIS is slow (1 s, inside the pump's 1.5 s timeout), so attempts are
            // in flight; picky's rejects everything
            AtomicBoolean slow = new AtomicBoolean(true);
            AtomicBoolean rejecting = new AtomicBoolean(true);
            env.cis.replyWith(call -> call.billerId().equals("picky") ? Reply.of(rejecting.get() ? 400 : 200)
                    : slow.get() ? new Reply(200, 1_000, Map.of()) : Reply.of(200));
            env.broker.start();
            env.app.start("republish-steps");
            env.app.awaitUp(START);
            await().atMost(Duration.ofSeconds(60)).until(() -> env.count(List.of("picky"), "Failed") == 40
                    && env.cis.inFlight("alpha") + env.cis.inFlight("bravo") + env.cis.inFlight("delta") >= 4);
            // killed with attempts in flight (abandoned: the sweeper publishes them again) and 40 Failed items
            env.app.kill();
            slow.set(false);
            rejecting.set(false);
            String replayPicky = "{\"billerId\":\"picky\",\"rate\":1000,\"reason\":\"fault suite\"}";
            List<String> steps = List.of("republish-take", "republish-publish", "republish-mark-queued");
            // then killed right after each step of publishing an abandoned attempt again (the sweeper, once the
            // heartbeats call the killed process dead) ...
            for (String step : steps) {
                crashRun(env, "republish-steps", step, null);
            }
            // ... and right after each step of a replay (which starts at once, before the sweeper judges anybody)
            for (String step : steps) {
                crashRun(env, "republish-steps", step, replayPicky);
            }
            env.app.without("datapump.local.crash-after");
            Instant restart = Instant.now();
            env.app.start("republish-steps");
            env.app.awaitUp(START);
            env.app.post("/api/replay", replayPicky);
            // the attempts in flight at the first kill may be repeated, under the same key
            record(env, "SIGKILL after each step of publishing again (sweeper, replay)", env.billers(), restart, 0,
                    true);
            // every item the CIS rejected was replayed and delivered, each under its own key; a replayed item whose
            // CIS call was in flight when a replay run was killed may be accepted again, under that same key
            assertThat(env.acceptedPerKey().entrySet()).filteredOn(e -> e.getKey().startsWith("datapump-picky-"))
                    .hasSize(40).allSatisfy(e -> assertThat(e.getValue()).isPositive());
        }
    }

    @Test
    @Order(3)
    void aKilledProcessesItemsAreFinishedByALiveOneWithinThirtySeconds() throws Exception {
        try (FaultEnvironment env = new FaultEnvironment(root, "live-takes-over")) {
            env.biller("east", 300, 0).biller("west", 300, 0);
            // paused until both processes run; few items queued ahead of the released ones, so their wait is the
            // heartbeat's, not the backlog's
            env.app.with("datapump.local.billers[0].paused", true).with("datapump.local.billers[1].paused", true)
                    .with("datapump.biller-consumer.max-in-flight-per-biller", 16)
                    // the default heartbeat (every 3 s, dead after 15 s) and leases (5 minutes)
                    .without("datapump.heartbeat.interval").without("datapump.heartbeat.timeout");
            env.cis.replyWith(call -> new Reply(200, 500, Map.of()));
            env.broker.start();
            AppProcess survivor = env.app.twin(Ports.free(), env.dir.resolve("app-b"));
            try {
                survivor.start("live-takes-over-survivor");
                survivor.awaitUp(START);
                env.app.start("live-takes-over");
                env.app.awaitUp(START);
                for (String b : env.billers()) {
                    assertThat(survivor.post("/api/billers/" + b + "/resume", "")).isEqualTo(200);
                }
                // both deliver; the survivor has beaten long enough to judge others (a heartbeat timeout)
                await().atMost(Duration.ofSeconds(60)).until(() -> env.sql("east",
                        "SELECT COUNT(DISTINCT ProcessorId) FROM DataPumpAttempt") >= 2);
                // the process to be killed is killed while it holds rows (a CIS call takes 500 ms, so what it
                // holds when this is seen it still holds a few milliseconds later, at the kill)
                String killedId = env.app.processorId();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    long holding = 0;
                    for (String b : env.billers()) {
                        holding += env.sql(b, "SELECT COUNT(*) FROM DataPumpControl WHERE State = 'Processing'"
                                + " AND ProcessorId = '" + killedId + "'");
                    }
                    return holding >= 2;
                });
                env.app.kill();
                Instant killed = Instant.now();
                // what the killed process held at that moment: its claims and its attempts in flight
                Map<String, List<Long>> held = new java.util.LinkedHashMap<>();
                for (String b : env.billers()) {
                    held.put(b, env.sqlList(b, "SELECT DataPumpRecordId FROM DataPumpControl WHERE State IN"
                            + " ('Fetched', 'Processing') AND ProcessorId = '" + killedId + "'", Long.class));
                }
                long heldCount = held.values().stream().mapToLong(List::size).sum();
                assertThat(heldCount).as("rows the killed process %s held", killedId).isPositive();
                java.util.concurrent.Callable<Boolean> allDelivered = () -> {
                    for (Map.Entry<String, List<Long>> e : held.entrySet()) {
                        for (long id : e.getValue()) {
                            if (env.sql(e.getKey(), "SELECT COUNT(*) FROM DataPumpControl WHERE State = 'Processed'"
                                    + " AND DataPumpRecordId = " + id) == 0) {
                                return false;
                            }
                        }
                    }
                    return true;
                };
                try {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(allDelivered);
                } catch (org.awaitility.core.ConditionTimeoutException late) {
                    StringBuilder states = new StringBuilder();
                    for (Map.Entry<String, List<Long>> e : held.entrySet()) {
                        states.append(e.getKey()).append(": ").append(env.sqlList(e.getKey(), "SELECT CONCAT("
                                + "DataPumpRecordId, ' ', State, ' ', ProcessorId) FROM DataPumpControl WHERE State <>"
                                + " 'Processed'", String.class)).append("; ");
                    }
                    System.out.println("live-takes-over: not delivered within 30 s: " + states + " queues: "
                            + env.broker.queueStats() + "; consumers: " + env.broker.consumers()
                            + "; survivor threads: " + survivor.threadDump("survivor"));
                    throw late;
                }
                Duration takeOver = Duration.between(killed, Instant.now());
                record(env, "SIGKILL of one of two processes mid-batch (the other finishes)", env.billers(), killed,
                        0, true);
                report(String.format("| (the %d rows the killed process held were delivered by the live one"
                        + " %.1f s after the kill; leases 5 min) | | | | | | |", heldCount,
                        takeOver.toMillis() / 1000.0));
            } finally {
                survivor.stop();
            }
        }
    }

    // ---- CIS faults --------------------------------------------------------------------------------------------

    @Test
    @Order(1)
    void cisFaultsOfOneBillerNeitherLoseItemsNorStarveTheOthers() throws Exception {
        try (FaultEnvironment env = new FaultEnvironment(root, "cis-faults")) {
            env.biller("bursty", 150, 0).biller("sluggish", 150, 0).biller("throttling", 150, 0)
                    .biller("picky", 100, 0).biller("down", 150, 0).biller("healthy", 600, 0);
            env.app.with("datapump.cis.max-concurrent-per-biller", 4);
            // 'down' has its own CIS, which is not listening at first: connection refused
            int downPort = Ports.free();
            env.cisBaseUrl("down", "http://127.0.0.1:" + downPort + "/cis/down");
            Instant begin = Instant.now();
            env.cis.replyWith(call -> {
                long sinceStart = Duration.between(begin, Instant.now()).toSeconds();
                return switch (call.billerId()) {
                    // 503 for 3 s out of every 10
                    case "bursty" -> sinceStart % 10 < 3 ? Reply.of(503) : Reply.of(200);
                    // every tenth item's first call takes 3 s (the pump gives up after 1.5 s)
                    case "sluggish" -> call.body().matches(".*\"recordId\":\\d*0,.*") && firstCall(env, call)
                            ? new Reply(200, 3_000, Map.of()) : Reply.of(200);
                    // every item's first call is refused with 429 and Retry-After: 1
                    case "throttling" -> firstCall(env, call) ? new Reply(429, 0, Map.of("Retry-After", "1"))
                            : Reply.of(200);
                    case "picky" -> call.body().contains("\"recordId\":1,") || call.body().matches(".*\"recordId\":\\d*0,.*")
                            ? Reply.of(400) : Reply.of(200);
                    default -> new Reply(200, 200, Map.of());
                };
            });
            env.broker.start();
            env.app.start("cis-faults");
            env.app.awaitUp(START);
            // measured from the moment the pump is up: its start takes longer when other scenarios share the CPU
            Instant up = Instant.now();
            // the healthy biller (4 calls at a time, 200 ms each: at most 20/s) runs while 'down' fails for 60 s
            AtomicLong healthyAtMinute = new AtomicLong();
            await().pollDelay(Duration.ofSeconds(45)).atMost(Duration.ofSeconds(50)).until(() -> {
                healthyAtMinute.set(env.states("healthy").getOrDefault("Processed", 0L));
                return true;
            });
            double upSeconds = Duration.between(up, Instant.now()).toMillis() / 1000.0;
            io.datapump.support.CisStub downCis = new io.datapump.support.CisStub(downPort);
            env.otherCis.add(downCis);
            Instant cisBack = Instant.now();
            // a CIS that times out may have done the work: the retry repeats it, under the same key
            Outcome o = record(env, "CIS faults: 503 bursts, timeouts, 429, 400s, one CIS refusing connections 45 s",
                    env.billers(), cisBack, 11, true);
            assertThat(env.acceptedPerKey().entrySet()).filteredOn(e -> e.getValue() > 1)
                    .allSatisfy(e -> assertThat(e.getKey()).startsWith("datapump-sluggish-"));
            assertThat(downCis.accepted().stream().map(io.datapump.support.CisStub.Call::idempotencyKey).distinct())
                    .hasSize(150);
            // picky rejects record 1 and every tenth record: those, and only those, end Failed (CisRejected)
            assertThat(env.failures("picky")).containsOnlyKeys("CisRejected");
            assertThat(env.failures("picky").get("CisRejected")).isEqualTo(11);
            // the healthy biller kept flowing while 'down' was down (its cap is 20/s; starved would be ~0)
            double rate = healthyAtMinute.get() / upSeconds;
            report("| (healthy biller while another's CIS was down: " + String.format("%.1f", rate)
                    + " items/s of its 20/s cap) | | | | | | |");
            // (a quarter of its cap: on the 2-core machine the pump shares the CPU with the stubs, the broker and
            // the other scenarios' processes)
            assertThat(rate).isGreaterThan(5);
            assertThat(o.lost()).isZero();
        }
    }

    // ---- broker and database outages --------------------------------------------------------------------------

    @Test
    @Order(13)
    void brokerDownAtStartAndRestartedMidRunLosesNothing() throws Exception {
        try (FaultEnvironment env = standardBillers("broker-outage")) {
            env.cis.replyWith(call -> new Reply(200, 5, Map.of()));
            // the broker is not there when the pump starts: it stays up, reports not ready, and waits
            env.app.start("broker-outage");
            env.app.awaitUp(START);
            await().atMost(Duration.ofSeconds(20)).until(() -> env.app.status("/actuator/health/readiness") != 200);
            assertThat(env.app.alive()).isTrue();
            env.broker.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> env.app.status("/actuator/health/readiness") == 200);
            await().atMost(Duration.ofSeconds(60)).until(() -> env.count(env.billers(), "Processed") > 100);
            // the broker goes away mid-run and comes back on the same journal
            env.broker.stop();
            await().atMost(Duration.ofSeconds(20)).until(() -> env.app.status("/actuator/health/readiness") != 200);
            Instant restart = Instant.now();
            env.broker.start();
            record(env, "broker down at start, restarted mid-run", env.billers(), restart, 0, false);
        }
    }

    @Test
    @Order(7)
    void registryAndShardDatabaseOutageMidRunLosesNothing() throws Exception {
        try (FaultEnvironment env = standardBillers("db-outage")) {
            env.cis.replyWith(call -> new Reply(200, 5, Map.of()));
            env.broker.start();
            env.app.start("db-outage");
            env.app.awaitUp(START);
            await().atMost(Duration.ofSeconds(60)).until(() -> env.count(env.billers(), "Processed") > 100);
            env.stopH2(env.registryPort());
            await().atMost(Duration.ofSeconds(30)).until(() -> env.app.status("/actuator/health/readiness") != 200);
            await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
            Instant restart = Instant.now();
            env.startH2(env.registryPort());
            await().atMost(Duration.ofSeconds(60)).until(() -> env.app.status("/actuator/health/readiness") == 200);
            // a CIS call that succeeded just before the outage cannot be marked Processed: repeated, same key
            record(env, "registry + shard DB down 8 s mid-run", env.billers(), restart, 0, true);
            // and the timer routes, which failed every tick meanwhile (the publisher every 300 ms), each warned once
            // and said when they worked again, instead of two stack traces per tick
            String log = env.app.log();
            // (Camel's own lines for a failed tick: "Failed delivery …" and "Error processing exchange")
            assertThat(log).doesNotContain("o.a.c.p.e.DefaultErrorHandler")
                    .doesNotContain("o.a.camel.component.timer.TimerConsumer");
            assertThat(log.lines().filter(l -> l.contains(" WARN ") && l.contains("Route biller-publisher failed")))
                    .hasSize(1);
            assertThat(log).contains("Route biller-publisher works again, after");
            // and the sweeper (every second here) warned once per biller whose shard it could not reach
            for (String biller : env.billers()) {
                assertThat(log.lines().filter(l -> l.contains(" WARN ")
                        && l.contains("Sweeper skipped biller " + biller + " this round"))).hasSizeLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    @Order(5)
    void oneShardDownAffectsOnlyItsBiller() throws Exception {
        try (FaultEnvironment env = new FaultEnvironment(root, "one-shard-down")) {
            env.biller("fragile", false, 200, 0, true).biller("steady", 600, 0);
            env.cis.replyWith(call -> new Reply(200, 20, Map.of()));
            env.broker.start();
            env.app.start("one-shard-down");
            env.app.awaitUp(START);
            await().atMost(Duration.ofSeconds(60)).until(() -> env.states("fragile").getOrDefault("Processed", 0L) > 20);
            int fragilePort = env.separateShardPort("fragile");
            env.stopH2(fragilePort);
            long steadyBefore = env.states("steady").getOrDefault("Processed", 0L);
            // while the fragile shard is down the pump stays ready and the steady biller keeps being delivered
            await().atMost(Duration.ofSeconds(30)).until(() -> env.states("steady").getOrDefault("Processed", 0L)
                    >= Math.min(600, steadyBefore + 200));
            assertThat(env.app.status("/actuator/health/readiness")).isEqualTo(200);
            Instant restart = Instant.now();
            env.startH2(fragilePort);
            Outcome o = record(env, "one biller's shard down mid-run", env.billers(), restart, 0, true);
            // its biller message waited for the shard: the biller did not wait out the 60 s outstanding lease
            assertThat(o.recovery()).isLessThan(Duration.ofSeconds(45));
        }
    }

    // ---- duplicates, out-of-order and bad input ---------------------------------------------------------------

    @Test
    @Order(14)
    void duplicateAndOutOfOrderMessagesCauseNoSecondDelivery() throws Exception {
        try (FaultEnvironment env = new FaultEnvironment(root, "duplicates")) {
            env.biller("dupes", 300, 0);
            env.app.with("datapump.publisher.initial-delay", "4s");
            env.cis.replyWith(call -> new Reply(200, 5, Map.of()));
            env.broker.start();
            env.app.start("duplicates");
            env.app.awaitUp(START);
            String topic = env.properties.getTopology().getProduction().getPaymentTopic();
            // out of order: item messages for work items nobody has claimed yet (records 1..20)
            for (long id = 1; id <= 20; id++) {
                env.publish(topic, itemJson("dupes", id, id, "Payment"), Map.of());
            }
            Instant start = Instant.now();
            await().atMost(Duration.ofSeconds(60)).until(() -> env.count(List.of("dupes"), "Processed") >= 100);
            // duplicates: every item message again, some already delivered, some still in flight or waiting
            for (long id = 1; id <= 300; id++) {
                env.publish(topic, itemJson("dupes", id, id, "Payment"), Map.of());
            }
            record(env, "duplicate and out-of-order item messages", List.of("dupes"), start, 0, false);
        }
    }

    @Test
    @Order(15)
    void badInputIsDeadLetteredWithAClearReasonAndThePipelineCarriesOn() throws Exception {
        try (FaultEnvironment env = new FaultEnvironment(root, "bad-input")) {
            env.biller("sane", 200, 50).biller("messy", 20, 0);
            env.app.with("datapump.publisher.initial-delay", "5s");
            env.broker.start();
            env.app.start("bad-input");
            env.app.awaitUp(START);
            // source rows with nulls and missing enrichment rows, and a work item of an unknown type
            env.update("messy", "UPDATE Account SET AccountNumber = NULL WHERE AccountId IN (SELECT AccountId FROM Payment WHERE PaymentId <= 3)");
            env.update("messy", "INSERT INTO DataPumpRecord (ItemType, SourceId, CreatedAt) VALUES ('Payment', 99999, CURRENT_TIMESTAMP)");
            env.update("messy", "INSERT INTO DataPumpRecord (ItemType, SourceId, CreatedAt) VALUES ('Refund', 1, CURRENT_TIMESTAMP)");
            var topology = env.properties.getTopology().getProduction();
            Map<String, String> corpus = new java.util.LinkedHashMap<>();
            corpus.put("not JSON", "this is not json at all");
            corpus.put("missing fields", "{\"billerId\":\"sane\",\"lane\":\"production\"}");
            corpus.put("wrong types", "{\"billerId\":\"sane\",\"lane\":\"production\",\"itemType\":\"Payment\",\"recordId\":\"abc\"}");
            corpus.put("unknown item type", itemJson("sane", 9_001, 1, "Refund"));
            corpus.put("unknown biller", itemJson("nobody", 1, 1, "Payment"));
            corpus.put("oversized", "{\"pad\":\"" + "x".repeat(300_000) + "\"}");
            for (Map.Entry<String, String> bad : corpus.entrySet()) {
                env.publish(topology.getPaymentTopic(), bad.getValue(), Map.of("corpus", bad.getKey()));
            }
            env.publish(topology.getBillerTopic(), "{\"billerId\": 42", Map.of("corpus", "broken biller message"));
            Instant start = Instant.now();
            Outcome o = record(env, "bad input corpus (6 bad messages + 5 bad rows)", List.of("sane", "messy"), start,
                    5, false);
            assertThat(env.failures("messy")).containsOnly(Map.entry("InvalidSourceData", 3L),
                    Map.entry("MissingEnrichment", 1L), Map.entry("UnknownItemType", 1L));
            List<Map<String, Object>> letters = env.browse(topology.getDeadLetterQueue());
            Map<String, Object> byCorpus = new java.util.HashMap<>();
            letters.stream().filter(l -> l.get("corpus") != null)
                    .forEach(l -> byCorpus.put((String) l.get("corpus"), l.get("DataPumpFailureClass")));
            assertThat(byCorpus).containsEntry("not JSON", "MalformedMessage")
                    .containsEntry("missing fields", "MalformedMessage")
                    .containsEntry("wrong types", "MalformedMessage")
                    .containsEntry("unknown item type", "MalformedMessage")
                    .containsEntry("unknown biller", "UnknownBiller")
                    .containsEntry("oversized", "OversizedMessage")
                    .containsEntry("broken biller message", "MalformedMessage");
            assertThat(o.delivered()).isEqualTo(250 + 17);
        }
    }

    @Test
    @Order(6)
    void aReplayKilledMidwayIsResumedAfterTheRestartAndDeliversEachItemOnce() throws Exception {
        try (FaultEnvironment env = new FaultEnvironment(root, "replay-resume").biller("echo", 120, 0)) {
            // given: 120 items the CIS rejected
            AtomicBoolean rejecting = new AtomicBoolean(true);
            env.cis.replyWith(call -> rejecting.get() ? Reply.of(400) : Reply.of(200));
            env.app.with("datapump.heartbeat.interval", "1s").with("datapump.heartbeat.timeout", "4s")
                    .with("datapump.replay.resume-check", "1s");
            env.broker.start();
            env.app.start("replay-resume");
            env.app.awaitUp(START);
            List<String> echo = List.of("echo");
            await().atMost(Duration.ofSeconds(90)).until(() -> env.count(echo, "Failed") == 120);

            // when: the CIS is fixed, the group is replayed at 10 items/s, and the pump is killed a few seconds in
            rejecting.set(false);
            assertThat(env.app.post("/api/replay", "{\"billerId\":\"echo\",\"rate\":10}")).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).until(() -> env.count(echo, "Processed") >= 20);
            env.app.kill();
            long beforeKill = env.count(echo, "Processed");
            Instant restart = Instant.now();
            env.app.start("replay-resume");

            // then: the restarted pump takes the job over and finishes it; each item is delivered once
            env.app.awaitUp(START);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> env.count(echo, "Processed") == 120);
            Outcome o = record(env, "SIGKILL mid replay (job resumed by the restarted pump)", echo, restart, 0, false);
            assertThat(beforeKill).isLessThan(120);
            assertThat(o.delivered()).isEqualTo(120);
            assertThat(o.duplicates()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> env.app.get("/api/replays").contains("\"Completed\""));
            assertThat(env.app.get("/api/replays")).doesNotContain("\"Running\"");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** Two production billers and a demo biller, both item types: 500 work items. */
    private static FaultEnvironment standardBillers(String name) throws Exception {
        return new FaultEnvironment(root, name)
                .biller("alpha", 150, 50)
                .biller("bravo", 150, 50)
                .biller("delta", true, 80, 20, false);
    }

    /** Starts the pump armed to halt after one step, optionally asks for a replay, and waits for the halt. */
    private static void crashRun(FaultEnvironment env, String name, String step, String replay) throws Exception {
        env.app.with("datapump.local.crash-after", step + ":1");
        env.app.start(name);
        env.app.awaitUp(START);
        if (replay != null) {
            // (the answer may not arrive: the replay job can halt the process first)
            env.app.post("/api/replay", replay);
        }
        assertThat(env.app.awaitExit(Duration.ofSeconds(90))).as("halted after " + step).isEqualTo(137);
    }

    /** Runs until the crash point halts the pump, restarts it, and checks nothing was lost. */
    private void crashAt(String label, String crashPoint) throws Exception {
        try (FaultEnvironment env = standardBillers(label.replace(' ', '-'))) {
            env.cis.replyWith(call -> new Reply(200, 5, Map.of()));
            env.broker.start();
            env.app.with("datapump.local.crash-after", crashPoint);
            env.app.start(label.replace(' ', '-'));
            int exit = env.app.awaitExit(Duration.ofSeconds(120));
            assertThat(exit).as("the pump halted at the crash point").isEqualTo(137);
            env.app.without("datapump.local.crash-after");
            Instant restart = Instant.now();
            env.app.start(label.replace(' ', '-'));
            // calls in flight when the process died may be repeated (same key): any kill can land between a CIS
            // call and its Processed mark
            record(env, "SIGKILL " + label + " (" + crashPoint + ")", env.billers(), restart, 0, true);
        }
    }

    /**
     * Waits until every item of the billers is Processed or Failed, checks the invariants and adds a report row.
     *
     * @param expectedFailed  items the scenario makes permanently undeliverable
     * @param repeatsAllowed  whether a crash between a CIS call and Processed may have repeated calls
     */
    private Outcome record(FaultEnvironment env, String scenario, List<String> billers, Instant since,
                           long expectedFailed, boolean repeatsAllowed) throws Exception {
        if (env.app.alive()) {
            env.app.awaitUp(START);
        }
        try {
            await().atMost(FINISH).pollInterval(Duration.ofMillis(500)).until(() -> env.unfinished(billers) == 0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported below as lost
        }
        Duration recovery = Duration.between(since, Instant.now());
        long items = env.workItems(billers);
        long delivered = env.count(billers, "Processed");
        long failed = env.count(billers, "Failed");
        long lost = env.unfinished(billers);
        long duplicates = env.duplicateKeys();
        Outcome outcome = new Outcome(items, delivered, failed, duplicates, lost, recovery);
        report(String.format("| %s | %d | %d | %d (%d) | %d | %d | %.1f s |", scenario, items, delivered, failed,
                expectedFailed, duplicates, lost, recovery.toMillis() / 1000.0));
        if (lost > 0) {
            // where did they go? the broker gives up on messages whose every delivery failed
            List<Map<String, Object>> brokerDlq = env.broker.running() ? env.browse("data-pump-broker-dlq") : List.of();
            System.out.println(scenario + ": " + brokerDlq.size() + " message(s) on the broker's dead-letter address: "
                    + brokerDlq.stream().limit(5).toList() + "; queues: " + env.broker.queueStats()
                    + "; thread dump: " + (env.app.alive() ? env.app.threadDump(env.dir.getFileName().toString()) : "-"));
        }
        assertThat(lost).as(scenario + ": items neither Processed nor Failed").isZero();
        assertThat(failed).as(scenario + ": Failed items").isEqualTo(expectedFailed);
        // every delivered item reached its CIS, under its own key
        assertThat(env.acceptedPerKey().keySet().stream().filter(k -> billers.stream()
                .anyMatch(b -> k.startsWith("datapump-" + b + "-"))).count()).isGreaterThanOrEqualTo(delivered);
        if (!repeatsAllowed) {
            assertThat(duplicates).as(scenario + ": items the CIS accepted twice").isZero();
        }
        return outcome;
    }

    private static boolean firstCall(FaultEnvironment env, io.datapump.support.CisStub.Call call) {
        return env.cis.attemptsOf(call.idempotencyKey()) == 1;
    }

    private static String itemJson(String billerId, long recordId, long sourceId, String itemType) {
        return "{\"billerId\":\"" + billerId + "\",\"lane\":\"production\",\"itemType\":\"" + itemType
                + "\",\"recordId\":" + recordId + ",\"sourceId\":" + sourceId + ",\"correlationId\":\"fault-"
                + recordId + "\",\"enqueuedAt\":\"" + Instant.now() + "\",\"deadline\":\""
                + Instant.now().plusSeconds(3600) + "\",\"retry\":0}";
    }
}
