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

import io.datapump.local.SourceRows;
import io.datapump.message.BillerMessage;
import io.datapump.message.ItemType;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.sql.SqlFiles;
import io.datapump.support.CisStub;
import io.datapump.support.Ports;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;

import org.apache.camel.ProducerTemplate;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A biller whose shard is down when its biller message arrives: the message waits for the shard (it still holds
 * the biller's outstanding marker, which nobody can release while the shard is down) instead of being dropped and
 * leaving the biller unpublished until the marker's lease runs out. The lease here is an hour, so only the waiting
 * message can deliver the backlog.
 */
@SpringBootTest
@ActiveProfiles("local")
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
        TestBillers.into(registry)
                .biller("fragile", false, true, 0, 0, CIS)
                .shardUrl("jdbc:h2:tcp://127.0.0.1:" + PORT + "/fragile;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;"
                        + "CASE_INSENSITIVE_IDENTIFIERS=TRUE;DB_CLOSE_DELAY=-1;WRITE_DELAY=0");
    }

    @Autowired ProducerTemplate producer;
    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired ObjectMapper json;
    @Autowired MeterRegistry meters;
    @Value("${datapump.endpoints.production.biller-out}") String billerTopic;

    @AfterAll
    static void stop() {
        shardServer.stop();
        CIS.close();
    }

    @Test
    void billerMessageWaitsForItsShardAndThenDeliversTheBacklog() throws Exception {
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
        assertThat(meters.find("datapump.biller.messages.dropped").counters()).isEmpty();
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
