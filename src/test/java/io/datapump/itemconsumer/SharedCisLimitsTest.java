package io.datapump.itemconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.failure.DeferredFailure;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardMigrations;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The shared CIS limits on a real H2 database (MSSQLServer mode), with several instances standing for several pump
 * processes: each has its own connections and processor id, and they share only the database.
 */
class SharedCisLimitsTest {

    static final String BILLER = "acme";
    static final Duration LEASE = Duration.ofMillis(600);
    static final Duration WAIT_IN_OPEN = Duration.ofMillis(400);

    String url;
    final List<SharedCisLimits> processes = new ArrayList<>();

    @BeforeEach
    void database() {
        url = "jdbc:h2:mem:limits-" + UUID.randomUUID() + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;"
                + "CASE_INSENSITIVE_IDENTIFIERS=TRUE;DB_CLOSE_DELAY=-1";
        DriverManagerDataSource ds = new DriverManagerDataSource(url, "sa", "");
        ShardMigrations.migrateSourceTables(ds);
        ShardMigrations.migratePumpTables(ds);
    }

    @AfterEach
    void stop() {
        processes.forEach(SharedCisLimits::destroy);
    }

    /** A pump process: its own settings, processor id and connections to the shared shard. */
    SharedCisLimits process(int limit) {
        DataPumpProperties properties = new DataPumpProperties();
        DataPumpProperties.Cis cis = properties.getCis();
        cis.setMaxConcurrentPerBiller(limit);
        cis.setConnectTimeout(100);
        cis.setResponseTimeout(200);
        cis.setSlotLease(LEASE);
        cis.setBusyRetryDelay(Duration.ofMillis(50));
        cis.getCircuitBreaker().setMinimumCalls(2);
        cis.getCircuitBreaker().setSlidingWindow(2);
        cis.getCircuitBreaker().setWaitInOpen(WAIT_IN_OPEN);
        cis.getCircuitBreaker().setHalfOpenCalls(2);
        SharedCisLimits process = new SharedCisLimits(properties, new SimpleMeterRegistry());
        processes.add(process);
        return process;
    }

    Shard shard() {
        DriverManagerDataSource ds = new DriverManagerDataSource(url, "sa", "");
        return new Shard(BILLER, new NamedParameterJdbcTemplate(ds),
                new TransactionTemplate(new DataSourceTransactionManager(ds)));
    }

    static String refusal(SharedCisLimits process, Shard shard) {
        DeferredFailure deferred = catchThrowableOfType(DeferredFailure.class, () -> process.acquire(shard, BILLER));
        return deferred == null ? null : deferred.reason();
    }

    @Test
    void threeProcessesRacingForABillerLimitedToFourGetExactlyFourSlots() throws Exception {
        // given: three processes with a limit of 4, and 24 threads asking at the same moment
        List<SharedCisLimits> pods = List.of(process(4), process(4), process(4));
        List<Shard> shards = List.of(shard(), shard(), shard());
        ExecutorService threads = Executors.newFixedThreadPool(24);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<SharedCisLimits.Slot>> asks = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int pod = i % 3;
            Callable<SharedCisLimits.Slot> ask = () -> {
                start.await();
                try {
                    return pods.get(pod).acquire(shards.get(pod), BILLER);
                } catch (DeferredFailure busy) {
                    assertThat(busy.reason()).isEqualTo(CisGuard.BILLER_BUSY);
                    return null;
                }
            };
            asks.add(threads.submit(ask));
        }

        // when
        start.countDown();
        List<SharedCisLimits.Slot> granted = new ArrayList<>();
        for (Future<SharedCisLimits.Slot> ask : asks) {
            if (ask.get() != null) {
                granted.add(ask.get());
            }
        }
        threads.shutdown();

        // then: four slots in total, no more, no fewer; a freed one goes to the next asker, in any process
        assertThat(granted).hasSize(4);
        assertThat(refusal(pods.get(0), shards.get(0))).isEqualTo(CisGuard.BILLER_BUSY);
        pods.get(1).release(granted.get(0));
        assertThat(pods.get(2).acquire(shards.get(2), BILLER)).isNotNull();
        assertThat(refusal(pods.get(0), shards.get(0))).isEqualTo(CisGuard.BILLER_BUSY);
    }

    @Test
    void aKilledProcessesSlotsComeBackWithinTheLeaseWhileALiveOneKeepsItsSlotsByRenewing() {
        // given: process A holds both slots of a biller limited to 2
        SharedCisLimits a = process(2);
        SharedCisLimits b = process(2);
        Shard shardA = shard();
        Shard shardB = shard();
        a.acquire(shardA, BILLER);
        a.acquire(shardA, BILLER);

        // then: while A lives it renews them, so B stays busy well past one lease
        await().during(LEASE.multipliedBy(2)).atMost(LEASE.multipliedBy(4))
                .until(() -> CisGuard.BILLER_BUSY.equals(refusal(b, shardB)));

        // when: A is killed (it renews nothing more and releases nothing)
        a.destroy();
        long killed = System.nanoTime();

        // then: B gets both slots within the lease (and a renewal interval it may just have missed)
        await().atMost(LEASE.multipliedBy(3)).until(() -> refusal(b, shardB) == null);
        assertThat(refusal(b, shardB)).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(LEASE.plus(LEASE).plusMillis(500));
    }

    @Test
    void aFailingCisOpensTheBreakerForEveryProcessAndGrantsOnlyTheTrialCallsInTotal() {
        // given: three processes; A's last two calls fail
        SharedCisLimits a = process(8);
        SharedCisLimits b = process(8);
        SharedCisLimits c = process(8);
        Shard shardA = shard();
        Shard shardB = shard();
        Shard shardC = shard();
        SharedCisLimits.Slot first = a.acquire(shardA, BILLER);
        SharedCisLimits.Slot second = a.acquire(shardA, BILLER);
        b.acquire(shardB, BILLER);
        a.failed(first);
        a.failed(second);

        // then: open for everyone, known without a round trip by the process that opened it
        assertThat(a.knownOpen(BILLER)).isTrue();
        assertThat(refusal(b, shardB)).isEqualTo(CisGuard.CIRCUIT_OPEN);
        assertThat(refusal(c, shardC)).isEqualTo(CisGuard.CIRCUIT_OPEN);
        assertThat(b.state(BILLER)).isEqualTo(CircuitBreaker.State.OPEN);

        // when: wait-in-open has passed: the three processes ask for calls, again and again
        await().atMost(Duration.ofSeconds(5)).until(() -> b.state(BILLER) == CircuitBreaker.State.HALF_OPEN);
        List<SharedCisLimits.Slot> trials = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (SharedCisLimits pod : List.of(a, b, c)) {
                Shard shard = pod == a ? shardA : pod == b ? shardB : shardC;
                try {
                    trials.add(pod.acquire(shard, BILLER));
                } catch (DeferredFailure deferred) {
                    assertThat(deferred.reason()).isEqualTo(CisGuard.CIRCUIT_OPEN);
                }
            }
        }

        // then: exactly half-open-calls trial calls in total
        assertThat(trials).hasSize(2).allMatch(SharedCisLimits.Slot::trial);

        // when: one trial fails: open again, for wait-in-open, for everyone
        SharedCisLimits trialOwnerFailing = trials.get(0).shard == shardA ? a : trials.get(0).shard == shardB ? b : c;
        trialOwnerFailing.failed(trials.get(0));
        assertThat(c.state(BILLER)).isEqualTo(CircuitBreaker.State.OPEN);
        // the other trial of that phase decides nothing any more
        SharedCisLimits otherOwner = trials.get(1).shard == shardA ? a : trials.get(1).shard == shardB ? b : c;
        otherOwner.succeeded(trials.get(1));
        otherOwner.release(trials.get(1));
        trialOwnerFailing.release(trials.get(0));
        assertThat(c.state(BILLER)).isEqualTo(CircuitBreaker.State.OPEN);

        // when: the next phase's two trials succeed
        await().atMost(Duration.ofSeconds(5)).until(() -> c.state(BILLER) == CircuitBreaker.State.HALF_OPEN);
        SharedCisLimits.Slot t1 = await().atMost(Duration.ofSeconds(5)).until(() -> tryAcquire(c, shardC), s -> s != null);
        SharedCisLimits.Slot t2 = await().atMost(Duration.ofSeconds(5)).until(() -> tryAcquire(c, shardC), s -> s != null);
        assertThat(List.of(t1, t2)).allMatch(SharedCisLimits.Slot::trial);
        c.succeeded(t1);
        c.succeeded(t2);
        c.release(t1);
        c.release(t2);

        // then: closed for everyone, normal calls again
        assertThat(a.state(BILLER)).isEqualTo(CircuitBreaker.State.CLOSED);
        SharedCisLimits.Slot normal = await().atMost(Duration.ofSeconds(5)).until(() -> tryAcquire(a, shardA),
                s -> s != null);
        assertThat(normal.trial()).isFalse();
        assertThat(a.knownOpen(BILLER)).isFalse();
    }

    @Test
    void aTrialWhoseItemNeverCalledTheCisIsGivenBackToThePhase() {
        // given: an open breaker past its wait, and one process that takes a trial
        SharedCisLimits a = process(8);
        Shard shard = shard();
        SharedCisLimits.Slot s1 = a.acquire(shard, BILLER);
        SharedCisLimits.Slot s2 = a.acquire(shard, BILLER);
        a.failed(s1);
        a.failed(s2);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.state(BILLER) == CircuitBreaker.State.HALF_OPEN);
        SharedCisLimits.Slot t1 = await().atMost(Duration.ofSeconds(5)).until(() -> tryAcquire(a, shard), s -> s != null);
        SharedCisLimits.Slot t2 = a.acquire(shard, BILLER);
        assertThat(refusal(a, shard)).isEqualTo(CisGuard.CIRCUIT_OPEN);

        // when: one trial's item ends before its call (e.g. a duplicate), without an outcome
        a.release(t1);

        // then: another item may make that trial call
        SharedCisLimits.Slot again = await().atMost(Duration.ofSeconds(5)).until(() -> tryAcquire(a, shard),
                s -> s != null);
        assertThat(again.trial()).isTrue();
        assertThat(t2.trial()).isTrue();
    }

    @Test
    void a429WithRetryAfterHoldsTheBillerInEveryProcessUntilThen() {
        // given: process A's call is answered 429 with Retry-After
        SharedCisLimits a = process(8);
        SharedCisLimits b = process(8);
        Shard shardA = shard();
        Shard shardB = shard();
        SharedCisLimits.Slot slot = a.acquire(shardA, BILLER);

        // when
        a.hold(slot, Duration.ofMillis(700));
        a.release(slot);

        // then: both processes defer the biller's items for at most that long, then call again
        DeferredFailure held = catchThrowableOfType(DeferredFailure.class, () -> b.acquire(shardB, BILLER));
        assertThat(held.reason()).isEqualTo(CisGuard.CIS_HELD);
        assertThat(held.delay()).isPositive().isLessThanOrEqualTo(Duration.ofMillis(700));
        assertThat(refusal(a, shardA)).isEqualTo(CisGuard.CIS_HELD);
        await().atMost(Duration.ofSeconds(3)).until(() -> refusal(b, shardB) == null);
        await().atMost(Duration.ofSeconds(3)).until(() -> refusal(a, shardA) == null);
    }

    @Test
    void aBillersOwnLimitFromTheRegistryReplacesTheGlobalOneInEveryProcessAndCanBeRaisedOrLowered() {
        // given: two processes whose global limit is 8, and a biller whose registry row says 1
        SharedCisLimits a = process(8);
        SharedCisLimits b = process(8);
        Shard shardA = shard();
        Shard shardB = shard();

        // when: A takes the biller's one slot
        SharedCisLimits.Slot first = a.acquire(shardA, BILLER, 1);

        // then: nobody gets a second one while it is held, and the refusal names the biller's own limit
        DeferredFailure busy = catchThrowableOfType(DeferredFailure.class, () -> b.acquire(shardB, BILLER, 1));
        assertThat(busy.reason()).isEqualTo(CisGuard.BILLER_BUSY);
        assertThat(busy.getMessage()).contains("already has 1 CIS calls in flight");
        assertThat(catchThrowableOfType(DeferredFailure.class, () -> a.acquire(shardA, BILLER, 1))).isNotNull();

        // when: the operator raises it to 2
        SharedCisLimits.Slot second = b.acquire(shardB, BILLER, 2);

        // then: a second call may run, a third may not
        assertThat(second).isNotNull();
        assertThat(catchThrowableOfType(DeferredFailure.class, () -> b.acquire(shardB, BILLER, 2)).reason())
                .isEqualTo(CisGuard.BILLER_BUSY);

        // when: it is lowered to 1 again while both calls run, and the first ends
        a.release(first);
        SharedCisLimits.Slot third = a.acquire(shardA, BILLER, 1);

        // then: slot 1 is free and taken; the call above the new limit finishes, and its slot goes to nobody
        assertThat(third).isNotNull();
        b.release(second);
        assertThat(catchThrowableOfType(DeferredFailure.class, () -> b.acquire(shardB, BILLER, 1)).reason())
                .isEqualTo(CisGuard.BILLER_BUSY);
        // and without a limit of its own the biller has the global 8 again
        assertThat(b.acquire(shardB, BILLER, null)).isNotNull();
    }

    private static SharedCisLimits.Slot tryAcquire(SharedCisLimits process, Shard shard) {
        try {
            return process.acquire(shard, BILLER);
        } catch (DeferredFailure deferred) {
            return null;
        }
    }
}
