package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub;
import io.datapump.support.ItemTopics;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.ShardProbe;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;

/**
 * The three jobs end to end through the real application: embedded Artemis, H2 shards, the real routes, and real
 * HTTP to a CIS stub.
 */
@PumpTest
class EndToEndDeliveryTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();

    @BeforeAll
    static void billers() {
        // four seeded billers (claims of 10, so billers interleave and continuations are exercised)
        PUMP.biller("alpha").items(40, 15).create();
        PUMP.biller("bravo").items(25, 10).create();
        PUMP.biller("demo-one").demo().items(20, 5).create();
        PUMP.biller("switched-off").disabled().items(10, 5).create();
    }

    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    TestRestTemplate http;

    @BeforeEach
    void operator() {
        http = PUMP.operator();
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
        ItemTopics.BILLERS_BY_TOPIC.forEach((topic, billers) -> {
            if (topic.endsWith("-demo")) {
                assertThat(billers).as(topic).containsOnly("demo-one");
            } else {
                assertThat(billers).as(topic).doesNotContain("demo-one");
            }
        });
        assertThat(ItemTopics.BILLERS_BY_TOPIC).containsKeys("data-pump-payment-created-demo",
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
        assertThat(ids).contains("alpha", "bravo", "demo-one", "switched-off");
        JsonNode alpha = all.get("billers").get(ids.indexOf("alpha"));
        assertThat(alpha.get("lane").asText()).isEqualTo("production");
        assertThat(alpha.get("enabled").asBoolean()).isTrue();
        assertThat(alpha.get("counts").get("processed").asLong()).isEqualTo(55);
        assertThat(alpha.get("counts").get("new").asLong()).isZero();
        assertThat(all.get("billers").get(ids.indexOf("demo-one")).get("lane").asText()).isEqualTo("demo");
        assertThat(off.get("enabled").asBoolean()).isFalse();
        assertThat(off.get("counts").get("new").asLong()).isEqualTo(15);
        assertThat(http.getForEntity("/api/billers/nobody", String.class).getStatusCode().value()).isEqualTo(404);
    }
}
