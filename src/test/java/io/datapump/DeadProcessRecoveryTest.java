package io.datapump;

import static io.datapump.support.HeldRows.control;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.datapump.admin.Replays;
import io.datapump.message.DataPumpHeaders;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub;
import io.datapump.support.HeldRows;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a process that died or stopped held is released within seconds by its heartbeat, and an item published again
 * (by the sweeper or a replay) is delivered once even when its consumer gets the message before the re-publishing
 * finished: the row was committed in a state the consumer accepts before the message existed.
 * <p>
 * Every re-published message is held at its publish step until its consumer has delivered it (the race), and the
 * row's committed state is read from another connection just before the message goes out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class DeadProcessRecoveryTest {

    static final CisStub CIS = new CisStub();
    /** "recordId=state" of every re-published row, as committed when its message was about to be published. */
    static final Set<String> COMMITTED_AT_PUBLISH = ConcurrentHashMap.newKeySet();

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "300");
        registry.add("datapump.publisher.initial-delay", () -> "100");
        registry.add("datapump.heartbeat.interval", () -> "500ms");
        registry.add("datapump.heartbeat.timeout", () -> "2s");
        // the leases stay at their 5-minute defaults: only the heartbeats can release these rows in time
        registry.add("datapump.replay.resume-check", () -> "500ms");
        TestBillers.into(registry).biller("hearts", false, true, 0, 0, CIS).biller("races", false, true, 0, 0, CIS)
                .biller("resumed", false, true, 0, 0, CIS);
    }

    @TestConfiguration
    static class HoldRepublishedMessages {
        @Bean
        CamelContextConfiguration holdAtPublish(ShardDataSources shards, BillerRegistry registry) {
            return new CamelContextConfiguration() {
                @Override
                public void beforeApplicationStart(CamelContext camel) {
                    camel.getCamelContextExtension().addInterceptStrategy(new InterceptStrategy() {
                        @Override
                        public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode node,
                                                                     Processor target, Processor next) {
                            return "republish-publish".equals(node.getId())
                                    ? new HoldUntilDelivered(target, shards, registry) : target;
                        }
                    });
                }

                @Override
                public void afterApplicationStart(CamelContext camel) {
                }
            };
        }
    }

    /** Records the row's committed state, publishes, and waits for the consumer to deliver before going on. */
    static final class HoldUntilDelivered extends DelegateAsyncProcessor {
        private final ShardDataSources shards;
        private final BillerRegistry registry;

        HoldUntilDelivered(Processor target, ShardDataSources shards, BillerRegistry registry) {
            super(target);
            this.shards = shards;
            this.registry = registry;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            String billerId = exchange.getMessage().getHeader(DataPumpHeaders.BILLER_ID, String.class);
            long recordId = exchange.getMessage().getHeader(DataPumpHeaders.RECORD_ID, Long.class);
            NamedParameterJdbcTemplate other = shards.forBiller(registry.require(billerId)).jdbc();
            COMMITTED_AT_PUBLISH.add(recordId + "=" + state(other, recordId));
            return super.process(exchange, doneSync -> {
                if (exchange.getException() == null) {
                    // the consumer takes the message and delivers the item while this re-publishing is unfinished
                    await().atMost(Duration.ofSeconds(30)).until(() -> "Processed".equals(state(other, recordId)));
                }
                callback.done(doneSync);
            });
        }

        private static String state(NamedParameterJdbcTemplate jdbc, long recordId) {
            return jdbc.queryForObject("SELECT State FROM DataPumpControl WHERE DataPumpRecordId = :id",
                    Map.of("id", recordId), String.class);
        }
    }

    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired NamedParameterJdbcTemplate registryDb;
    @Autowired Replays replays;

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Test
    void rowsOfAProcessThatStoppedBeatingAreReleasedWithinSecondsWhileALiveProcessKeepsItsRows() {
        // given: rows claimed moments ago (far inside their leases) by a process whose last beat is a minute old,
        // by one that stopped at shutdown, and by one that is alive
        ShardProbe probe = new ShardProbe(registry, shards);
        Shard shard = probe.shard("hearts");
        // (the rows first: a sweeper running between a dead process's heartbeat and its rows would forget the
        // process before it held anything, and its rows would wait for their leases)
        long silentClaim = control(shard, "Fetched", "silent-pod", 0);
        long silentAttempt = control(shard, "Processing", "silent-pod", 1);
        long stoppedAttempt = control(shard, "Processing", "stopped-pod", 1);
        long liveClaim = control(shard, "Fetched", "live-pod", 0);
        long liveAttempt = control(shard, "Processing", "live-pod", 1);
        // and CIS slots of the biller held by each, leased for minutes
        cisSlot(shard, 1, "silent-pod");
        cisSlot(shard, 2, "stopped-pod");
        cisSlot(shard, 3, "live-pod");
        heartbeat("live-pod", "DATEADD(HOUR, 1, CURRENT_TIMESTAMP)", false);
        heartbeat("silent-pod", "DATEADD(MINUTE, -1, CURRENT_TIMESTAMP)", false);
        heartbeat("stopped-pod", "CURRENT_TIMESTAMP", true);

        // when: the dead-processor sweeper runs (every heartbeat interval)

        // then: within seconds, each row of the two dead processes is delivered once
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("hearts", "Processed") == 3);
        assertThat(probe.state("hearts", silentClaim)).isEqualTo("Processed");
        assertThat(probe.state("hearts", silentAttempt)).isEqualTo("Processed");
        assertThat(probe.state("hearts", stoppedAttempt)).isEqualTo("Processed");
        assertThat(CIS.acceptedFor("hearts")).extracting(CisStub.Call::idempotencyKey)
                .containsExactlyInAnyOrder(key("hearts", silentClaim), key("hearts", silentAttempt),
                        key("hearts", stoppedAttempt));
        // the abandoned attempts are on record, and counted
        assertThat(probe.attempts("hearts", silentAttempt)).extracting(a -> a.get("ErrorClass"))
                .containsExactly("Abandoned", null);
        assertThat(probe.attempts("hearts", silentAttempt).get(0).get("ErrorMessage").toString())
                .contains("silent-pod");
        // the dead processes' CIS slots are free again long before their leases end; the live one keeps its slot
        assertThat(slotHolders(shard)).doesNotContain("silent-pod", "stopped-pod").contains("live-pod");
        // the live process's rows are untouched, and only the dead processes are forgotten
        assertThat(probe.state("hearts", liveClaim)).isEqualTo("Fetched");
        assertThat(probe.state("hearts", liveAttempt)).isEqualTo("Processing");
        await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats("silent-pod") + heartbeats("stopped-pod") == 0);
        assertThat(heartbeats("live-pod")).isEqualTo(1);
    }

    @Test
    void aReplayWhoseProcessStoppedBeatingIsResumedWhereItWasAndDeliversEachItemOnce() {
        // given: six failed items, and a replay job of a process that stopped beating a minute ago, after it had
        // replayed (and delivered) the first two
        Shard shard = new ShardProbe(registry, shards).shard("resumed");
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(control(shard, i < 2 ? "Processed" : "Failed", "replaying-pod", 1));
        }
        heartbeat("replaying-pod", "DATEADD(MINUTE, -1, CURRENT_TIMESTAMP)", false);
        registryDb.update("INSERT INTO Replay (ReplayId, RequestedBy, RequestedAt, Source, Selection, Reason,"
                + " RatePerSecond, Selected, Replayed, Skipped, Status, Canary, RunBy, CursorBillerId, CursorRecordId)"
                + " VALUES ('resume-me', 'operator', CURRENT_TIMESTAMP, 'control-table', :selection, 'resume test', 50,"
                + " 6, 2, 0, 'Running', 0, 'replaying-pod', 'resumed', :cursor)",
                Map.of("selection", "{\"billerId\":\"resumed\"}", "cursor", ids.get(1)));

        // when: a live process looks for jobs whose process is gone (every resume-check)

        // then: it takes the job over and finishes it: the four left are delivered once, the first two not again
        await().atMost(Duration.ofSeconds(30)).until(() -> "Completed".equals(replays.status("resume-me").status()));
        assertThat(replays.status("resume-me").replayed()).isEqualTo(6);
        assertThat(replays.status("resume-me").runBy()).isNotEqualTo("replaying-pod");
        ShardProbe probe = new ShardProbe(registry, shards);
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("resumed", "Processed") == 6);
        assertThat(CIS.acceptedFor("resumed")).extracting(CisStub.Call::idempotencyKey)
                .containsExactlyInAnyOrderElementsOf(ids.subList(2, 6).stream().map(id -> key("resumed", id)).toList());
    }

    @Test
    void aReplayedItemWhoseConsumerGetsTheMessageBeforeTheReplayFinishedIsDeliveredOnce() {
        // given: a failed item
        Shard shard = new ShardProbe(registry, shards).shard("races");
        long failed = control(shard, "Failed", "some-pod", 1);

        // when: it is replayed, and its consumer delivers it before the replay has marked it Queued
        Replays.Outcome outcome = replays.replayRecord("races", failed);

        // then: the row was committed Fetched (a state the consumer accepts) before the message existed, the item
        // was delivered once, and the replay's last step did not move it back from Processed
        assertThat(outcome).isEqualTo(Replays.Outcome.REPLAYED);
        assertThat(COMMITTED_AT_PUBLISH).contains(failed + "=Fetched");
        assertThat(new ShardProbe(registry, shards).state("races", failed)).isEqualTo("Processed");
        assertThat(CIS.acceptedPerKey()).containsEntry(key("races", failed), 1L);
    }

    @Test
    void anAbandonedAttemptWhoseConsumerGetsTheMessageBeforeTheSweeperFinishedIsDeliveredOnce() {
        // given: an attempt held by a process that stopped
        ShardProbe probe = new ShardProbe(registry, shards);
        long abandoned = control(probe.shard("races"), "Processing", "gone-pod", 1);
        heartbeat("gone-pod", "CURRENT_TIMESTAMP", true);

        // when: the sweeper publishes it again, and its consumer delivers it before the sweeper marked it Queued
        await().atMost(Duration.ofSeconds(20)).until(() -> "Processed".equals(probe.state("races", abandoned)));

        // then: committed Fetched before the message existed, delivered once, and left Processed
        assertThat(COMMITTED_AT_PUBLISH).contains(abandoned + "=Fetched");
        await().atMost(Duration.ofSeconds(10)).until(() -> heartbeats("gone-pod") == 0);
        assertThat(probe.state("races", abandoned)).isEqualTo("Processed");
        assertThat(CIS.acceptedPerKey()).containsEntry(key("races", abandoned), 1L);
    }

    private void heartbeat(String processorId, String lastBeat, boolean stopped) {
        HeldRows.heartbeat(registryDb, processorId, lastBeat, stopped);
    }

    private static void cisSlot(Shard shard, int slotNo, String processorId) {
        shard.jdbc().update("INSERT INTO CisSlot (BillerId, SlotNo, Token, ProcessorId, LeaseUntil) VALUES ('hearts',"
                + " :slot, :token, :processor, DATEADD(MINUTE, 5, CURRENT_TIMESTAMP))",
                Map.of("slot", slotNo, "token", "slot-token-" + slotNo, "processor", processorId));
    }

    private static List<String> slotHolders(Shard shard) {
        return shard.jdbc().getJdbcTemplate().queryForList(
                "SELECT ProcessorId FROM CisSlot WHERE BillerId = 'hearts' AND Token IS NOT NULL", String.class);
    }

    private long heartbeats(String processorId) {
        return registryDb.queryForObject("SELECT COUNT(*) FROM ProcessorHeartbeat WHERE ProcessorId = :id",
                Map.of("id", processorId), Long.class);
    }

    private static String key(String billerId, long recordId) {
        return "datapump-" + billerId + "-" + recordId;
    }
}
