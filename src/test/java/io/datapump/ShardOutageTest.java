package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.billerconsumer.BillerClaims;
import io.datapump.billerconsumer.ClaimedBatch;
import io.datapump.local.SourceRows;
import io.datapump.message.BillerMessage;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemType;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.sql.SqlFiles;
import io.datapump.support.CisStub;
import io.datapump.support.HeldRows;
import io.datapump.support.Ports;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;

import org.apache.camel.ProducerTemplate;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A biller whose shard is down when its biller message arrives: the message waits for the shard (it still holds
 * the biller's outstanding marker, which nobody can release while the shard is down) instead of being dropped and
 * leaving the biller unpublished until the marker's lease runs out. The lease here is an hour, so only the waiting
 * message can deliver the backlog. And an item message that arrives while its shard is down is published again for
 * later, not handed back to the broker, whose delivery limit would dead-letter it within seconds.
 */
// (the sweeper's DEBUG lines show its rounds that failed quietly)
@SpringBootTest(properties = "logging.level.io.datapump.recovery.Sweeper=DEBUG")
@ActiveProfiles("local")
@ExtendWith(OutputCaptureExtension.class)
class ShardOutageTest {

    static final CisStub CIS = new CisStub();
    static final int ITEMS = 30;
    static final int PORT = Ports.free();
    static final Path SHARD_DIR = TestBillers.freshDataDir().resolve("fragile-shard-server");
    static Server shardServer = startShardServer();

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        // the publisher runs, but never publishes the biller again while its marker is held
        registry.add("datapump.publisher.interval", () -> "300ms");
        registry.add("datapump.publisher.outstanding-lease", () -> "1h");
        registry.add("datapump.shards.unavailable-backoff", () -> "1s");
        registry.add("datapump.shards.connection-timeout", () -> "1s");
        registry.add("datapump.retry.immediate.initial-delay", () -> 50);
        registry.add("datapump.retry.delayed.initial-delay", () -> "1s");
        TestBillers.into(registry)
                .biller("fragile", false, true, 0, 0, CIS).shardUrl(shardUrl("fragile"))
                .biller("brittle", false, true, 0, 0, CIS).shardUrl(shardUrl("brittle"))
                .biller("frail", false, true, 0, 0, CIS).shardUrl(shardUrl("frail"));
    }

    private static String shardUrl(String name) {
        return "jdbc:h2:tcp://127.0.0.1:" + PORT + "/" + name + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;"
                + "CASE_INSENSITIVE_IDENTIFIERS=TRUE;DB_CLOSE_DELAY=-1;WRITE_DELAY=0";
    }

    @Autowired ProducerTemplate producer;
    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired ObjectMapper json;
    @Autowired MeterRegistry meters;
    @Autowired BillerClaims claims;
    @Autowired NamedParameterJdbcTemplate registryDb;
    @Value("${datapump.endpoints.production.biller-out}") String billerTopic;
    @Value("${datapump.endpoints.production.payment-out}") String paymentTopic;

    @AfterAll
    static void stop() {
        shardServer.stop();
        CIS.close();
    }

    @Test
    void billerMessageWaitsForItsShardAndThenDeliversTheBacklog(CapturedOutput log) throws Exception {
        // given: a biller with pending payments whose outstanding marker is held by a biller message in flight
        // (the marker first, so the running publisher never publishes the biller itself)
        ShardProbe probe = new ShardProbe(registry, shards);
        String token = UUID.randomUUID().toString();
        probe.shard("fragile").jdbc().update(SqlFiles.get("marker/hold-outstanding"), Map.of("token", token));
        for (int i = 0; i < ITEMS; i++) {
            SourceRows.insert(probe.shard("fragile"), ItemType.PAYMENT);
        }

        // when: the shard goes down, the biller message arrives, and the shard comes back a few seconds later
        shardServer.stop();
        producer.sendBody(billerTopic, json.writeValueAsString(new BillerMessage("fragile", "production",
                BillerMessage.SCAN, Instant.now(), Instant.now().plusSeconds(3600), token)));
        await().atMost(Duration.ofSeconds(30)).until(() -> deferrals() >= 2);
        assertThat(CIS.acceptedFor("fragile")).isEmpty();
        shardServer = startShardServer();

        // then: the waiting biller message claims the backlog and every item is delivered once
        // (the probe reads through the pump's own pools, which refuse the shard for the rest of its back-off)
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> probe.inState("fragile", "Processed") == ITEMS);
        assertThat(CIS.acceptedFor("fragile")).hasSize(ITEMS);
        assertThat(CIS.acceptedPerKey().values()).allSatisfy(n -> assertThat(n).isEqualTo(1L));
        assertThat(meters.find("datapump.biller.messages.dropped").tag("biller", "fragile").counters()).isEmpty();
        // and the publisher, which failed to scan the biller every 300 ms meanwhile, warned once and says when it
        // scans it again
        await().atMost(Duration.ofSeconds(10)).until(() -> log.getOut().contains("Biller fragile is scanned again"));
        assertThat(meters.find("datapump.publisher.scan.failures").tag("biller", "fragile").counter().count())
                .isGreaterThanOrEqualTo(3);
        assertThat(log.getOut().lines().filter(l -> l.contains(" WARN ")
                && l.contains("Skipping biller fragile this cycle"))).hasSize(1);
    }

    @Test
    void itemMessageArrivingWhileItsShardIsDownIsPublishedAgainAndDeliveredOnce() throws Exception {
        // given: a claimed payment of biller brittle (row Fetched) whose item message is not sent yet
        ShardProbe probe = new ShardProbe(registry, shards);
        SourceRows.insert(probe.shard("brittle"), ItemType.PAYMENT);
        ClaimedBatch batch = claims.claim(registry.require("brittle"), 1);
        assertThat(batch.items()).hasSize(1);
        ItemMessage item = batch.items().get(0);

        // when: the shard goes down, the item message arrives, and the shard comes back once the message has been
        // published again (the failure cannot be recorded: neither its attempt nor its retry reaches the shard)
        // (within seconds: the shard's back-off refuses the quick retries at once; the wait allows for a loaded machine)
        shardServer.stop();
        try {
            producer.sendBody(paymentTopic, json.writeValueAsString(item));
            await().atMost(Duration.ofSeconds(60)).until(() -> redriven("brittle") >= 1);
        } finally {
            shardServer = startShardServer();
        }

        // then: the item is delivered, once, from the message that was published again
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> "Processed".equals(probe.state("brittle", item.recordId())));
        assertThat(CIS.acceptedPerKey().get(item.idempotencyKey())).isEqualTo(1L);
    }

    @Test
    void aDeadProcessorsRowsOnAShardThatIsDownAreReleasedWhenItIsBackAfterOneWarning(CapturedOutput log) {
        // given: a payment of biller frail held (Processing) by a process that died, and its shard down by the time
        // the heartbeats call the process dead
        ShardProbe probe = new ShardProbe(registry, shards);
        long held = HeldRows.control(probe.shard("frail"), "Processing", "vanished-pod", 1);
        String unreleased = "Sweeper could not release the rows of dead processor vanished-pod in biller frail";
        shardServer.stop();
        try {
            HeldRows.heartbeat(registryDb, "vanished-pod", "DATEADD(MINUTE, -1, CURRENT_TIMESTAMP)", false);

            // when: the dead-processor sweeper fails round after round (every heartbeat interval)
            await().atMost(Duration.ofSeconds(60)).until(() -> log.getOut().lines()
                    .filter(l -> l.contains(" DEBUG ") && l.contains(unreleased)).count() >= 2);
        } finally {
            // and the shard comes back
            shardServer = startShardServer();
        }

        // then: the row is released and its item delivered once
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> "Processed".equals(probe.state("frail", held)));
        assertThat(CIS.acceptedPerKey().get("datapump-frail-" + held)).isEqualTo(1L);
        // and the outage was one warning, with the rounds after it at DEBUG and one line when the sweeper got through
        assertThat(log.getOut().lines().filter(l -> l.contains(" WARN ") && l.contains(unreleased))).hasSize(1);
        assertThat(log.getOut()).containsPattern("Sweeper reached the rows of dead processor vanished-pod in biller"
                + " frail, after (?:[2-9]|[1-9]\\d+) failed round\\(s\\)");
    }

    private double redriven(String billerId) {
        return meters.find("datapump.items.redriven").tag("biller", billerId).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private double deferrals() {
        return meters.find("datapump.biller.messages.deferred").tag("biller", "fragile").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static Server startShardServer() {
        try {
            return Server.createTcpServer("-tcpPort", String.valueOf(PORT), "-baseDir", SHARD_DIR.toString(),
                    "-ifNotExists").start();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
