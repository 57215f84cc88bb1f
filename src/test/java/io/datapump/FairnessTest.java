package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.datapump.local.SourceRows;
import io.datapump.message.ItemType;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub.Reply;
import io.datapump.support.CisStub;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Fairness between billers on the real application: one outstanding biller message, bounded work in flight. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class FairnessTest {

    static final CisStub CIS = new CisStub();

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "100");
        registry.add("datapump.publisher.initial-delay", () -> "100");
        registry.add("datapump.biller-consumer.claim-batch-size", () -> 20);
        registry.add("datapump.biller-consumer.max-in-flight-per-biller", () -> 40);
        registry.add("datapump.biller-consumer.throttle-delay", () -> "50ms");
        TestBillers.into(registry)
                .biller("patient", false, true, 0, 0, CIS)
                .biller("huge", false, true, 1500, 0, CIS)
                .biller("small-1", false, true, 15, 0, CIS)
                .biller("small-2", false, true, 15, 0, CIS)
                .biller("small-3", false, true, 15, 0, CIS)
                .biller("small-4", false, true, 15, 0, CIS);
    }

    @Autowired CamelContext camel;
    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired JmsTemplate jms;

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Test
    void smallBillersAreDeliveredLongBeforeANoisyNeighbourFinishes() {
        // given: a biller with 1500 pending items started with four billers of 15 each; the CIS takes 5 ms a call
        CIS.replyWith(call -> new Reply(200, 5, Map.of()));
        ShardProbe probe = new ShardProbe(registry, shards);
        List<String> small = List.of("small-1", "small-2", "small-3", "small-4");

        // when: the small billers are done
        await().atMost(Duration.ofSeconds(60)).until(() -> small.stream()
                .allMatch(b -> probe.inState(b, "Processed") == 15));

        // then: the huge biller is still far from done: its backlog did not stand in front of theirs
        long hugeDone = probe.inState("huge", "Processed");
        assertThat(hugeDone).as("huge biller items delivered when the small ones finished").isLessThan(750);
        // and it never had more than its cap claimed and unfinished
        assertThat(probe.count("huge", "SELECT COUNT(*) FROM DataPumpControl WHERE State IN ('Fetched','Queued','Processing')"))
                .isLessThanOrEqualTo(40);
        await().atMost(Duration.ofSeconds(120)).until(() -> probe.inState("huge", "Processed") == 1500);
    }

    @Test
    void slowBillerConsumerDoesNotLetThePublisherPileUpMessagesForOneBiller() throws Exception {
        // given: the production biller consumer is stopped, and a biller has pending work
        camel.getRouteController().stopRoute("biller-consumer-production");
        try {
            Shard shard = new ShardProbe(registry, shards).shard("patient");
            for (int i = 0; i < 5; i++) {
                SourceRows.insert(shard, ItemType.PAYMENT);
            }

            // when: the publisher runs twenty more cycles
            NotifyBuilder cycles = new NotifyBuilder(camel).fromRoute("biller-publisher").whenDone(20).create();
            assertThat(cycles.matches(30, TimeUnit.SECONDS)).isTrue();

            // then: exactly one biller message for that biller waits on the biller topic
            assertThat(waitingBillerMessages("patient")).isEqualTo(1);
        } finally {
            camel.getRouteController().startRoute("biller-consumer-production");
        }

        // and: once consumed, its work is delivered
        await().atMost(Duration.ofSeconds(30)).until(() ->
                new ShardProbe(registry, shards).inState("patient", "Processed") == 5);
    }

    private int waitingBillerMessages(String billerId) {
        Integer n = jms.browse("data-pump-data-created::data-pump-data-created-biller-consumer", (session, browser) -> {
            int count = 0;
            var messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                var message = (jakarta.jms.Message) messages.nextElement();
                if (billerId.equals(message.getStringProperty("DataPumpBillerId"))) {
                    count++;
                }
            }
            return count;
        });
        return n == null ? 0 : n;
    }
}
