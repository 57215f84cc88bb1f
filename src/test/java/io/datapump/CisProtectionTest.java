package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.itemconsumer.CisGuard;
import io.datapump.local.SourceRows;
import io.datapump.message.ItemType;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub.Reply;
import io.datapump.support.CisStub;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Per-biller protection of the CIS: a circuit breaker and a concurrency limit per biller, on the real application. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class CisProtectionTest {

    static final CisStub CIS = new CisStub();
    static volatile boolean stormy = true;

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "300");
        registry.add("datapump.publisher.initial-delay", () -> "100");
        registry.add("datapump.biller-consumer.claim-batch-size", () -> 10);
        registry.add("datapump.item-consumer.concurrency.production.payment", () -> 8);
        registry.add("datapump.retry.immediate.attempts", () -> 1);
        registry.add("datapump.retry.immediate.initial-delay", () -> 10);
        registry.add("datapump.retry.delayed.attempts", () -> 3);
        registry.add("datapump.retry.delayed.initial-delay", () -> "200ms");
        registry.add("datapump.retry.delayed.max-delay", () -> "400ms");
        registry.add("datapump.cis.max-concurrent-per-biller", () -> 2);
        registry.add("datapump.cis.busy-retry-delay", () -> "50ms");
        registry.add("datapump.cis.circuit-breaker.minimum-calls", () -> 4);
        registry.add("datapump.cis.circuit-breaker.sliding-window", () -> 4);
        registry.add("datapump.cis.circuit-breaker.wait-in-open", () -> "1s");
        registry.add("datapump.cis.circuit-breaker.half-open-calls", () -> 1);
        TestBillers.into(registry)
                .biller("storm", false, true, 0, 0, CIS)
                .biller("calm", false, true, 0, 0, CIS)
                .biller("narrow", false, true, 0, 0, CIS);
    }

    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired CisGuard guard;
    @Autowired MeterRegistry meters;

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Test
    void billerWithABrokenCisIsDeferredBehindItsOpenBreakerWhileOtherBillersFlow() {
        // given: storm's CIS answers 503 until we say otherwise; calm's CIS is fine
        CIS.replyWith(call -> "storm".equals(call.billerId()) && stormy ? Reply.of(503)
                : "narrow".equals(call.billerId()) ? new Reply(200, 150, java.util.Map.of()) : Reply.of(200));
        ShardProbe probe = new ShardProbe(registry, shards);
        insert(probe.shard("storm"), 30);
        insert(probe.shard("calm"), 30);

        // when: the pump runs; then storm's breaker opens and its items are deferred, not failed
        await().atMost(Duration.ofSeconds(20)).until(() -> guard.state("storm") == CircuitBreaker.State.OPEN
                || guard.state("storm") == CircuitBreaker.State.HALF_OPEN);
        await().atMost(Duration.ofSeconds(20)).until(() -> deferred("CisCircuitOpen") > 0);
        // and calm is delivered meanwhile
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("calm", "Processed") == 30);
        int stormCallsWhileBroken = CIS.calls().stream().filter(c -> c.billerId().equals("storm")).toList().size();
        assertThat(probe.inState("storm", "Processed")).isZero();

        // when: storm's CIS recovers
        stormy = false;

        // then: the breaker closes again and every storm item is delivered, none Failed
        await().atMost(Duration.ofSeconds(40)).until(() -> probe.inState("storm", "Processed") == 30);
        assertThat(probe.inState("storm", "Failed")).isZero();
        assertThat(guard.state("storm")).isEqualTo(CircuitBreaker.State.CLOSED);
        // the breaker kept the broken CIS from being hammered: far fewer calls than items x attempts
        assertThat(stormCallsWhileBroken).isLessThan(30 * 2);
        assertThat(CIS.acceptedFor("storm")).extracting(CisStub.Call::idempotencyKey).doesNotHaveDuplicates();
    }

    @Test
    void billerNeverHasMoreCisCallsInFlightThanItsLimit() {
        // given: a slow CIS (150 ms per call) and 24 items, with 8 consumers and a per-biller limit of 2
        ShardProbe probe = new ShardProbe(registry, shards);
        CIS.replyWith(call -> "narrow".equals(call.billerId()) ? new Reply(200, 150, java.util.Map.of())
                : "storm".equals(call.billerId()) && stormy ? Reply.of(503) : Reply.of(200));
        insert(probe.shard("narrow"), 24);

        // then: all delivered, never more than 2 at a time, and the surplus was deferred rather than blocking
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("narrow", "Processed") == 24);
        assertThat(CIS.maxConcurrent("narrow")).isBetween(1, 2);
        assertThat(deferred("BillerBusy")).isPositive();
        assertThat(CIS.acceptedFor("narrow")).hasSize(24);
    }

    private double deferred(String errorClass) {
        return meters.find("datapump.items.deferred").tag("errorClass", errorClass).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static List<Long> insert(Shard shard, int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(SourceRows.insert(shard, ItemType.PAYMENT));
        }
        return ids;
    }
}
