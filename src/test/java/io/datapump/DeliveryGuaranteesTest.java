package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.billerconsumer.BillerClaims;
import io.datapump.billerconsumer.ClaimedBatch;
import io.datapump.local.LocalSetup;
import io.datapump.local.SourceRows;
import io.datapump.message.BillerMessage;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemType;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub;
import io.datapump.support.LostAnswers;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Delivery edge cases on the real application. The publisher is effectively off (first tick after an hour), so
 * every biller message and item message here is one the test sends, and nothing else moves the rows.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class DeliveryGuaranteesTest {

    static final CisStub CIS = new CisStub();
    static final int BATCH = 20;

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "1h");
        registry.add("datapump.publisher.initial-delay", () -> "1h");
        registry.add("datapump.biller-consumer.claim-batch-size", () -> BATCH);
        TestBillers.into(registry)
                .biller("duplicate", false, true, 0, 0, CIS)
                .biller("early", false, true, 0, 0, CIS)
                .biller("mixed", false, true, 0, 0, CIS)
                .biller("backlog", false, true, 0, 0, CIS)
                .biller("flaky", false, true, 0, 0, CIS)
                .biller("rerun", false, true, 0, 0, CIS)
                .biller("redrive", false, true, 0, 0, CIS)
                // its shard's connection breaks, when a test asks, after a write was made and before its answer
                .biller("lost-answer", false, true, 0, 0, CIS).shardUrl(LostAnswers.url("jdbc:h2:file:"
                        + TestBillers.freshDataDir().resolve("lost-answer") + LocalSetup.H2_OPTIONS));
    }

    @Autowired CamelContext camel;
    @Autowired ProducerTemplate producer;
    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired BillerClaims claims;
    @Autowired ObjectMapper json;
    org.springframework.boot.test.web.client.TestRestTemplate http;

    /** The admin API needs a user: the operator may read and act. */
    @Autowired
    void authenticate(org.springframework.boot.test.web.client.TestRestTemplate anonymous) {
        http = anonymous.withBasicAuth(io.datapump.support.TestUsers.OPERATOR,
                io.datapump.support.TestUsers.OPERATOR_PASSWORD);
    }
    @Value("${datapump.endpoints.production.biller-out}") String billerTopic;
    @Value("${datapump.endpoints.production.payment-out}") String paymentTopic;

    ShardProbe probe;

    @BeforeEach
    void setUp() {
        probe = new ShardProbe(registry, shards);
        CIS.respondWith(call -> switch (call.billerId()) {
            case "flaky" -> CIS.attemptsOf(call.idempotencyKey()) <= 2 ? 503 : 200;
            default -> 200;
        });
    }

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Test
    void sameItemMessageDeliveredTwiceCausesOneCisCall() throws Exception {
        // given: one claimed work item
        ItemMessage item = claimOne("duplicate", ItemType.PAYMENT);
        NotifyBuilder bothConsumed = new NotifyBuilder(camel).fromRoute("item-consumer-payment-production")
                .whenDone(2).create();

        // when: its item message arrives twice
        producer.sendBody(paymentTopic, json.writeValueAsString(item));
        producer.sendBody(paymentTopic, json.writeValueAsString(item));

        // then: both messages were consumed, the CIS was called once and the row is Processed
        assertThat(bothConsumed.matches(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> "Processed".equals(probe.state("duplicate", item.recordId())));
        assertThat(CIS.acceptedPerKey().get(item.idempotencyKey())).isEqualTo(1L);
        assertThat(probe.attempts("duplicate", item.recordId())).hasSize(1);
    }

    @Test
    void itemMessageArrivingBeforeItsRowIsQueuedIsStillDelivered() throws Exception {
        // given: a row claimed by a biller consumer that has not yet marked it Queued
        ItemMessage item = claimOne("early", ItemType.PAPERLESS_REGISTRATION);
        assertThat(probe.state("early", item.recordId())).isEqualTo("Fetched");

        // when: the item message is consumed first
        producer.sendBody(paymentTopic.replace("payment-created", "paperless-registration-created"),
                json.writeValueAsString(item));

        // then: it is delivered, not dropped
        await().atMost(Duration.ofSeconds(20)).until(() -> "Processed".equals(probe.state("early", item.recordId())));
        assertThat(CIS.acceptedFor("early")).hasSize(1);
    }

    @Test
    void unknownItemTypeEndsFailedWithItsReasonWhileTheRestOfTheBatchIsDelivered() throws Exception {
        // given: a batch of payments and paperless registrations with one item of a type no topic handles
        Shard shard = probe.shard("mixed");
        for (int i = 0; i < 3; i++) {
            SourceRows.insert(shard, ItemType.PAYMENT);
            SourceRows.insert(shard, ItemType.PAPERLESS_REGISTRATION);
        }
        long refund = SourceRows.insertWorkItem(shard, "Refund", 42);

        // when: the biller consumer handles the biller's message
        publishBillerMessage("mixed");

        // then: the unknown item is Failed with a clear reason, the others are Processed
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("mixed", "Processed") == 6);
        Map<String, Object> failed = probe.control("mixed", refund);
        assertThat(failed.get("State")).isEqualTo("Failed");
        assertThat(failed.get("LastErrorClass")).isEqualTo("UnknownItemType");
        assertThat((String) failed.get("LastError")).contains("unknown item type 'Refund'");
        assertThat(probe.attempts("mixed", refund)).singleElement()
                .satisfies(a -> assertThat(a.get("Outcome")).isEqualTo("Failed"));
        assertThat(CIS.acceptedFor("mixed")).hasSize(6);
    }

    @Test
    void billerWithMoreRowsThanOneBatchIsDrainedByContinuationsWithoutPublisherTicks() throws Exception {
        // given: twelve batches' worth of work items and a publisher that will not tick for an hour
        Shard shard = probe.shard("backlog");
        int items = BATCH * 12 + 7;
        for (int i = 0; i < items; i++) {
            SourceRows.insert(shard, ItemType.PAYMENT);
        }
        NotifyBuilder billerMessages = new NotifyBuilder(camel).fromRoute("biller-consumer-production")
                .whenDone(13).create();

        // when: one biller message arrives
        publishBillerMessage("backlog");

        // then: every row is delivered, through one claim per batch (12 full ones continue, the 13th does not)
        await().atMost(Duration.ofSeconds(60)).until(() -> probe.inState("backlog", "Processed") == items);
        assertThat(billerMessages.matches(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(CIS.acceptedFor("backlog")).hasSize(items);
        assertThat(CIS.acceptedPerKey().entrySet().stream().filter(e -> e.getKey().startsWith("datapump-backlog-")))
                .allSatisfy(e -> assertThat(e.getValue()).isEqualTo(1L));
    }

    @Test
    void failedCisCallsLeaveTheItemRetryableUntilItIsDelivered() throws Exception {
        // given: a CIS that answers 503 twice before accepting
        ItemMessage item = claimOne("flaky", ItemType.PAYMENT);

        // when
        producer.sendBody(paymentTopic, json.writeValueAsString(item));

        // then: it was redelivered until the CIS accepted; every attempt is in the history
        await().atMost(Duration.ofSeconds(30)).until(() -> "Processed".equals(probe.state("flaky", item.recordId())));
        assertThat(CIS.attemptsOf(item.idempotencyKey())).isEqualTo(3);
        List<Map<String, Object>> attempts = probe.attempts("flaky", item.recordId());
        assertThat(attempts).extracting(a -> a.get("Outcome")).containsExactly("Failed", "Failed", "Succeeded");
        assertThat(attempts).extracting(a -> a.get("HttpStatus")).containsExactly(503, 503, 200);
        assertThat(attempts).extracting(a -> ((Number) a.get("Attempt")).intValue()).containsExactly(1, 2, 3);
    }

    @Test
    void rerunClaimsABillersPendingWorkWithoutWaitingForThePublisher() {
        // given: five pending items and a publisher that will not tick for an hour
        Shard shard = probe.shard("rerun");
        for (int i = 0; i < 5; i++) {
            SourceRows.insert(shard, ItemType.PAYMENT);
        }

        // when: an operator re-runs the biller
        com.fasterxml.jackson.databind.JsonNode result = http.postForObject("/api/billers/rerun/rerun", null,
                com.fasterxml.jackson.databind.JsonNode.class);

        // then
        assertThat(result.get("pending").asLong()).isEqualTo(5);
        assertThat(result.get("published").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("rerun", "Processed") == 5);
    }

    /** Inserts one work item and claims it as a biller consumer would (row Fetched), without publishing. */
    @Test
    void aRedrivenMessageTakesOverTheRowFromTheAttemptWhoseFailureCouldNotBeRecorded() throws Exception {
        // given: two items left Processing by attempts whose failure could not be written (their shard was down), so
        // only a redriven message is on its way for each; one of the rows was taken over by another attempt since
        ItemMessage stillHeld = claimOne("redrive", ItemType.PAYMENT);
        ItemMessage takenOver = claimOne("redrive", ItemType.PAYMENT);
        Shard shard = probe.shard("redrive");
        for (ItemMessage item : List.of(stillHeld, takenOver)) {
            shard.jdbc().update("UPDATE DataPumpControl SET State = 'Processing', ClaimToken = :token"
                    + " WHERE DataPumpRecordId = :id", Map.of("token", "failed-" + item.recordId(), "id", item.recordId()));
        }
        shard.jdbc().update("UPDATE DataPumpControl SET ClaimToken = 'someone-else' WHERE DataPumpRecordId = :id",
                Map.of("id", takenOver.recordId()));
        NotifyBuilder consumed = new NotifyBuilder(camel).fromRoute("item-consumer-payment-production")
                .whenDone(2).create();

        // when: the redriven messages arrive, each naming the attempt it resumes
        for (ItemMessage item : List.of(stillHeld, takenOver)) {
            producer.sendBodyAndHeader(paymentTopic, json.writeValueAsString(item),
                    io.datapump.message.DataPumpHeaders.RESUMES_ATTEMPT, "failed-" + item.recordId());
        }

        // then: the row its attempt still held is delivered, once; the other is left to whoever holds it
        assertThat(consumed.matches(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> "Processed".equals(probe.state("redrive", stillHeld.recordId())));
        assertThat(CIS.acceptedPerKey().get(stillHeld.idempotencyKey())).isEqualTo(1L);
        assertThat(probe.state("redrive", takenOver.recordId())).isEqualTo("Processing");
        assertThat(CIS.acceptedPerKey()).doesNotContainKey(takenOver.idempotencyKey());
    }

    @Test
    void aClaimWhoseAnswerWasLostIsTakenUpByItsRetryAndTheItemDeliveredOnce() throws Exception {
        // given: a claimed item whose processing claim will be written, but the connection breaks before the
        // answer comes back (a network cut or a database crash at that moment)
        ItemMessage item = claimOne("lost-answer", ItemType.PAYMENT);
        int lostBefore = LostAnswers.lost();
        LostAnswers.loseNext("State = 'Processing',");

        // when: its item message arrives
        producer.sendBody(paymentTopic, json.writeValueAsString(item));

        // then: the quick retry finds the row held by its own claim and goes on; the item is delivered once within
        // seconds (not after the processing lease), as one attempt
        await().atMost(Duration.ofSeconds(20)).until(() -> "Processed".equals(probe.state("lost-answer", item.recordId())));
        assertThat(LostAnswers.lost()).isEqualTo(lostBefore + 1);
        assertThat(CIS.acceptedPerKey().get(item.idempotencyKey())).isEqualTo(1L);
        assertThat(probe.attempts("lost-answer", item.recordId())).extracting(a -> a.get("Outcome"))
                .containsExactly("Succeeded");
        assertThat(((Number) probe.control("lost-answer", item.recordId()).get("Attempts")).intValue()).isEqualTo(1);
    }

    @Test
    void aDeliveryWhoseRecordingLostItsAnswerIsRecordedOnceWithoutCallingTheCisAgain() throws Exception {
        // given: a claimed item whose row will be marked Processed, but the commit's answer is lost
        ItemMessage item = claimOne("lost-answer", ItemType.PAYMENT);
        int lostBefore = LostAnswers.lost();
        LostAnswers.loseNext("SET State = 'Processed'");

        // when: its item message arrives
        producer.sendBody(paymentTopic, json.writeValueAsString(item));

        // then: the CIS was called once, and the history shows the one successful attempt, nothing failed
        await().atMost(Duration.ofSeconds(20)).until(() -> LostAnswers.lost() == lostBefore + 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> "Processed".equals(probe.state("lost-answer", item.recordId())));
        assertThat(CIS.acceptedPerKey().get(item.idempotencyKey())).isEqualTo(1L);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(
                () -> probe.attempts("lost-answer", item.recordId()).stream().map(a -> a.get("Outcome")).toList(),
                outcomes -> outcomes.equals(List.of("Succeeded")));
    }

    private ItemMessage claimOne(String billerId, ItemType type) {
        Shard shard = probe.shard(billerId);
        SourceRows.insert(shard, type);
        ClaimedBatch batch = claims.claim(registry.require(billerId), 1);
        assertThat(batch.items()).hasSize(1);
        return batch.items().get(0);
    }

    private void publishBillerMessage(String billerId) throws Exception {
        producer.sendBody(billerTopic, json.writeValueAsString(
                new BillerMessage(billerId, "production", BillerMessage.SCAN, Instant.now(), Instant.now().plusSeconds(3600), null)));
    }
}
