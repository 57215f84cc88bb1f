package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.pump.DataPumpHeaders;
import io.datapump.pump.ItemMessage;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.support.EventNotifierSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The three jobs end to end through the real application: embedded Artemis, H2 shards seeded from configuration,
 * the real routes, and real HTTP to a CIS stub.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class EndToEndDeliveryTest {

    static final CisStub CIS = new CisStub();
    static final Map<String, Set<String>> BILLERS_BY_ITEM_TOPIC = new ConcurrentHashMap<>();

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "500");
        registry.add("datapump.publisher.initial-delay", () -> "200");
        // small batches so billers interleave and continuations are exercised
        registry.add("datapump.biller-consumer.claim-batch-size", () -> 15);
        TestBillers.into(registry)
                .biller("alpha", false, true, 40, 15, CIS)
                .biller("bravo", false, true, 25, 10, CIS)
                .biller("demo-one", true, true, 20, 5, CIS)
                .biller("switched-off", false, false, 10, 5, CIS);
    }

    /** Records which billers' items every item-topic consumer route handled. */
    @TestConfiguration
    static class TopicRecorder {
        @Bean
        CamelContextConfiguration itemTopicRecorder() {
            return new CamelContextConfiguration() {
                @Override
                public void beforeApplicationStart(CamelContext camel) {
                    camel.getManagementStrategy().addEventNotifier(recorder());
                }

                @Override
                public void afterApplicationStart(CamelContext camel) {
                }
            };
        }

        private static EventNotifier recorder() {
            return new EventNotifierSupport() {
                @Override
                public void notify(CamelEvent event) {
                    Exchange exchange = ((CamelEvent.ExchangeCompletedEvent) event).getExchange();
                    ItemMessage item = exchange.getProperty(DataPumpHeaders.ITEM, ItemMessage.class);
                    if (item != null && exchange.getFromEndpoint() != null) {
                        String topic = exchange.getFromEndpoint().getEndpointUri().replaceAll("^jms://topic:|\\?.*$", "");
                        BILLERS_BY_ITEM_TOPIC.computeIfAbsent(topic, t -> ConcurrentHashMap.newKeySet()).add(item.billerId());
                    }
                }

                @Override
                public boolean isEnabled(CamelEvent event) {
                    return event instanceof CamelEvent.ExchangeCompletedEvent;
                }
            };
        }
    }

    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    TestRestTemplate http;

    /** The admin API needs a user: the operator may read and act. */
    @Autowired
    void authenticate(TestRestTemplate anonymous) {
        http = anonymous.withBasicAuth(io.datapump.support.TestUsers.OPERATOR,
                io.datapump.support.TestUsers.OPERATOR_PASSWORD);
    }

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Test
    void everyWorkItemOfEveryEnabledBillerReachesItsCisExactlyOnce() throws Exception {
        // given: four seeded billers, one of them with the data-pump-v2 toggle off
        ShardProbe probe = new ShardProbe(registry, shards);
        Map<String, Long> expected = Map.of("alpha", 55L, "bravo", 35L, "demo-one", 25L);

        // when: the pump runs on its own
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                expected.forEach((biller, items) ->
                        assertThat(probe.inState(biller, "Processed")).as(biller).isEqualTo(items)));

        // then: the CIS saw every item of the enabled billers exactly once, under its own idempotency key
        assertThat(CIS.acceptedPerKey()).hasSize(115).allSatisfy((key, calls) -> assertThat(calls).as(key).isEqualTo(1));
        expected.forEach((biller, items) -> assertThat(CIS.acceptedFor(biller)).as(biller).hasSize(items.intValue()));
        assertThat(CIS.acceptedFor("alpha")).extracting(CisStub.Call::resource)
                .containsOnly("payments", "paperless-registrations");
        // every control row is Processed with one successful attempt
        for (String biller : expected.keySet()) {
            assertThat(probe.controlRows(biller)).isEqualTo(expected.get(biller));
            assertThat(probe.count(biller, "SELECT COUNT(*) FROM DataPumpAttempt WHERE Outcome = 'Succeeded'"))
                    .isEqualTo(expected.get(biller));
        }

        // and: the disabled biller's rows are untouched
        assertThat(probe.workItems("switched-off")).isEqualTo(15);
        assertThat(probe.controlRows("switched-off")).isZero();
        assertThat(CIS.acceptedFor("switched-off")).isEmpty();

        // and: demo items travelled only on demo topics, production items only on production topics
        BILLERS_BY_ITEM_TOPIC.forEach((topic, billers) -> {
            if (topic.endsWith("-demo")) {
                assertThat(billers).as(topic).containsOnly("demo-one");
            } else {
                assertThat(billers).as(topic).doesNotContain("demo-one");
            }
        });
        assertThat(BILLERS_BY_ITEM_TOPIC).containsKeys("data-pump-payment-created-demo",
                "data-pump-paperless-registration-created-demo", "data-pump-payment-created",
                "data-pump-paperless-registration-created");
    }

    @Test
    void cisRequestCarriesTheEnrichedItemAndStableKeys() throws Exception {
        // given: the pump has delivered alpha's items
        await().atMost(Duration.ofSeconds(60)).until(() -> CIS.acceptedFor("alpha").size() == 55);

        // when: looking at one payment request as the CIS received it
        CisStub.Call call = CIS.acceptedFor("alpha").stream().filter(c -> c.resource().equals("payments"))
                .findFirst().orElseThrow();
        JsonNode body = new ObjectMapper().readTree(call.body());

        // then: it names biller and record, carries the joined source data and the derived keys
        assertThat(body.get("billerId").asText()).isEqualTo("alpha");
        assertThat(body.get("itemType").asText()).isEqualTo("Payment");
        assertThat(call.idempotencyKey()).isEqualTo("datapump-alpha-" + body.get("recordId").asLong());
        assertThat(call.correlationId()).isEqualTo(body.get("correlationId").asText()).isNotBlank();
        JsonNode data = body.get("data");
        assertThat(data.get("amount").decimalValue()).isPositive();
        assertThat(data.get("accountNumber").asText()).isNotBlank();
        assertThat(data.get("email").asText()).contains("@example.com");
        assertThat(data.get("paidAt").asText()).endsWith("Z");
    }

    @Test
    void statusApiShowsCountsPerStateForEveryBiller() {
        // given: the pump has finished the seeded work
        await().atMost(Duration.ofSeconds(60)).until(() -> CIS.accepted().size() >= 115);

        // when
        JsonNode all = http.getForObject("/api/billers", JsonNode.class);
        JsonNode off = http.getForObject("/api/billers/switched-off", JsonNode.class);

        // then
        List<String> ids = all.get("billers").findValuesAsText("id");
        assertThat(ids).containsExactly("alpha", "bravo", "demo-one", "switched-off");
        JsonNode alpha = all.get("billers").get(0);
        assertThat(alpha.get("lane").asText()).isEqualTo("production");
        assertThat(alpha.get("enabled").asBoolean()).isTrue();
        assertThat(alpha.get("counts").get("processed").asLong()).isEqualTo(55);
        assertThat(alpha.get("counts").get("new").asLong()).isZero();
        assertThat(all.get("billers").get(2).get("lane").asText()).isEqualTo("demo");
        assertThat(off.get("enabled").asBoolean()).isFalse();
        assertThat(off.get("counts").get("new").asLong()).isEqualTo(15);
        assertThat(http.getForEntity("/api/billers/nobody", String.class).getStatusCode().value()).isEqualTo(404);
    }
}
