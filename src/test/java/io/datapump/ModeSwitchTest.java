package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import io.datapump.example.DirectItemPublisher.DirectItem;
import io.datapump.example.DirectItemPublisher;
import io.datapump.local.SourceRows;
import io.datapump.message.ItemType;
import io.datapump.registry.BillerRegistry;
import io.datapump.registry.Lane;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub.Reply;
import io.datapump.support.CisStub;
import io.datapump.support.DirectSource;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Switching a biller from adapter to direct mode under load, following the procedure of docs/direct-publishing.md:
 * the mode is switched while the pump is busy with the biller's rows, the source keeps writing rows for a while (its
 * deployment lags), then publishes directly (re-sending some items), writes its very last rows after the backlog has
 * settled (nothing polls them any more), and an operator's rerun drains them. Every item must reach the CIS exactly once, counted by Idempotency-Key.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class ModeSwitchTest {

    static final CisStub CIS = new CisStub();
    static final String BILLER = "switching";
    static final int ADAPTER_BEFORE = 400;
    static final int ADAPTER_LAGGING = 25;
    static final int ADAPTER_LAST = 25;
    static final int DIRECT = 400;
    static final int RESENT_EVERY = 10;

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "200ms");
        registry.add("datapump.publisher.initial-delay", () -> "200ms");
        registry.add("datapump.biller-consumer.claim-batch-size", () -> 25);
        TestBillers.into(registry).biller(BILLER, false, true, 0, 0, CIS);
    }

    @Autowired CamelContext camel;
    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired DirectItemPublisher publisher;
    @Autowired JdbcTemplate registryDb;
    TestRestTemplate http;

    /** The admin API needs a user: the operator may read and act. */
    @Autowired
    void authenticate(TestRestTemplate anonymous) {
        http = anonymous.withBasicAuth(io.datapump.support.TestUsers.OPERATOR,
                io.datapump.support.TestUsers.OPERATOR_PASSWORD);
    }

    private static long directProcessed(ShardProbe probe) {
        return probe.count(BILLER, "SELECT COUNT(*) FROM DataPumpControl c JOIN DataPumpDirectItem d"
                + " ON d.DataPumpRecordId = c.DataPumpRecordId WHERE c.State = 'Processed'");
    }

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Test
    void switchingABillerToDirectModeUnderLoadLosesAndDuplicatesNothing() throws IOException {
        ShardProbe probe = new ShardProbe(registry, shards);
        DirectSource source = new DirectSource(probe, publisher);
        Shard shard = probe.shard(BILLER);
        // a CIS with some latency, so that items are genuinely in flight when the mode changes
        CIS.replyWith(call -> new Reply(200, 15, Map.of()));
        Instant start = Instant.now();

        // given: the source writes work-item rows and the pump is busy delivering them
        List<Long> adapterRows = new ArrayList<>();
        for (int i = 0; i < ADAPTER_BEFORE; i++) {
            adapterRows.add(SourceRows.insert(shard, i % 4 == 0 ? ItemType.PAPERLESS_REGISTRATION : ItemType.PAYMENT));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> probe.inState(BILLER, "Processed") >= 50);

        // when: (1) the biller is switched to direct mode in the registry while items are in flight
        registryDb.update("UPDATE Biller SET Mode = 'direct' WHERE BillerId = ?", BILLER);
        long processedAtSwitch = probe.inState(BILLER, "Processed");
        long inFlightAtSwitch = probe.inState(BILLER, "Fetched") + probe.inState(BILLER, "Queued")
                + probe.inState(BILLER, "Processing");
        long pendingAtSwitch = ADAPTER_BEFORE - probe.controlRows(BILLER);
        // (2) the source, not yet redeployed, still writes rows
        for (int i = 0; i < ADAPTER_LAGGING; i++) {
            adapterRows.add(SourceRows.insert(shard, ItemType.PAYMENT));
        }
        // (3) once the pump sees the new mode, the source publishes directly, re-sending every tenth item
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.findFresh(BILLER).orElseThrow().direct());
        List<DirectItem> direct = new ArrayList<>();
        for (int i = 0; i < DIRECT; i++) {
            DirectItem item = source.publishNew(BILLER, Lane.PRODUCTION,
                    i % 4 == 0 ? ItemType.PAPERLESS_REGISTRATION : ItemType.PAYMENT);
            direct.add(item);
            if (i % RESENT_EVERY == 0) {
                source.publish(item);
            }
        }
        // (4) the source's last rows arrive once the backlog has settled: nothing polls them any more
        await().atMost(Duration.ofSeconds(60)).until(() -> directProcessed(probe) == DIRECT
                && probe.inState(BILLER, "Fetched") + probe.inState(BILLER, "Queued")
                        + probe.inState(BILLER, "Processing") == 0);
        List<Long> lastRows = new ArrayList<>();
        for (int i = 0; i < ADAPTER_LAST; i++) {
            lastRows.add(SourceRows.insert(shard, ItemType.PAYMENT));
        }
        adapterRows.addAll(lastRows);
        NotifyBuilder cycles = new NotifyBuilder(camel).fromRoute("biller-publisher").whenDone(3).create();
        assertThat(cycles.matches(20, TimeUnit.SECONDS)).isTrue();
        assertThat(lastRows).allSatisfy(id -> assertThat(probe.state(BILLER, id)).isNull());
        // (5) the operator drains the rows the publisher no longer polls
        JsonNode rerun = http.postForObject("/api/billers/" + BILLER + "/rerun", null, JsonNode.class);

        // then: every row and every direct item ends Processed
        int items = adapterRows.size() + DIRECT;
        await().atMost(Duration.ofSeconds(120)).until(() -> probe.inState(BILLER, "Processed") == items);
        Duration took = Duration.between(start, Instant.now());
        Map<String, Long> perKey = CIS.acceptedPerKey();
        Set<String> expected = new HashSet<>();
        adapterRows.forEach(id -> expected.add("datapump-" + BILLER + "-" + id));
        direct.forEach(item -> expected.add(source.idempotencyKey(item)));
        long duplicates = perKey.values().stream().filter(n -> n > 1).count();
        long lost = expected.stream().filter(k -> !perKey.containsKey(k)).count();
        long delivered = expected.stream().filter(perKey::containsKey).count();
        String figures = String.format("mode switch under load: items %d (%d adapter rows before the switch, %d written"
                        + " after it, %d published directly, %d of them twice); at the switch: %d processed, %d in flight"
                        + " (Fetched/Queued/Processing), %d not yet claimed; rerun found %d pending; delivered %d,"
                        + " duplicates %d, lost %d, unexpected keys %d; %.1f s",
                items, ADAPTER_BEFORE, ADAPTER_LAGGING + ADAPTER_LAST, DIRECT, (DIRECT + RESENT_EVERY - 1) / RESENT_EVERY,
                processedAtSwitch, inFlightAtSwitch, pendingAtSwitch, rerun.get("pending").asLong(), delivered,
                duplicates, lost, perKey.size() - delivered, took.toMillis() / 1000.0);
        System.out.println(figures);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "mode-switch.txt"), figures + System.lineSeparator());

        assertThat(expected).hasSize(items);
        assertThat(inFlightAtSwitch).as("items in flight at the switch").isPositive();
        assertThat(rerun.get("pending").asLong()).as("rows left for the rerun").isGreaterThanOrEqualTo(ADAPTER_LAST);
        assertThat(lost).isZero();
        assertThat(duplicates).isZero();
        assertThat(perKey.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(probe.count(BILLER, "SELECT COUNT(*) FROM DataPumpDirectItem")).isEqualTo(DIRECT);
        assertThat(probe.inState(BILLER, "Failed")).isZero();
    }
}
