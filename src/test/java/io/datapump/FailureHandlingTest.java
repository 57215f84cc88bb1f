package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.billerconsumer.BillerClaims;
import io.datapump.billerconsumer.ClaimedBatch;
import io.datapump.local.SourceRows;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemType;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub.Reply;
import io.datapump.support.CisStub;
import io.datapump.support.DeadLetterQueue;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;
import io.datapump.tracing.TraceIds;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Classified failures on the real application: transient failures get quick in-process redeliveries and durable
 * delayed retries, permanent ones go straight to Failed, and every failure ends on the dead-letter queue with its
 * failure headers. Retry timings are shortened; the counts are the production rules.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class FailureHandlingTest {

    static final CisStub CIS = new CisStub();
    static final int IMMEDIATE = 3;
    static final int DELAYED = 2;

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "1h");
        registry.add("datapump.publisher.initial-delay", () -> "1h");
        registry.add("datapump.retry.immediate.attempts", () -> IMMEDIATE);
        registry.add("datapump.retry.immediate.initial-delay", () -> 20);
        registry.add("datapump.retry.delayed.attempts", () -> DELAYED);
        registry.add("datapump.retry.delayed.initial-delay", () -> "300ms");
        registry.add("datapump.retry.delayed.max-delay", () -> "600ms");
        registry.add("datapump.cis.response-timeout", () -> 400);
        // the breaker is CisProtectionTest's subject; here it must not turn failures into deferrals
        registry.add("datapump.cis.circuit-breaker.minimum-calls", () -> 1000);
        registry.add("datapump.cis.circuit-breaker.sliding-window", () -> 1000);
        TestBillers.into(registry)
                .biller("down", false, true, 0, 0, CIS)
                .biller("rejects", false, true, 0, 0, CIS)
                .biller("throttled", false, true, 0, 0, CIS)
                .biller("slow", false, true, 0, 0, CIS)
                .biller("plain", false, true, 0, 0, CIS)
                .biller("offline", false, true, 0, 0, CIS)
                .biller("toggled-off", false, false, 0, 0, CIS);
        // a CIS base URL on which nothing listens: connection refused
        registry.add("datapump.local.billers[5].cis-base-url", () -> "http://127.0.0.1:9/cis/offline");
    }

    @Autowired ProducerTemplate producer;
    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired BillerClaims claims;
    @Autowired JmsTemplate jms;
    @Autowired ObjectMapper json;
    @Autowired MeterRegistry meters;
    @Value("${datapump.endpoints.production.payment-out}") String paymentTopic;
    @Value("${datapump.endpoints.production.biller-out}") String billerTopic;
    @Value("${datapump.topology.production.dead-letter-queue}") String deadLetterQueue;

    ShardProbe probe;
    DeadLetterQueue dlq;

    @BeforeEach
    void setUp() {
        probe = new ShardProbe(registry, shards);
        dlq = new DeadLetterQueue(jms, deadLetterQueue);
        CIS.replyWith(call -> switch (call.billerId()) {
            case "down" -> Reply.of(503);
            case "rejects" -> Reply.of(400);
            case "throttled" -> CIS.attemptsOf(call.idempotencyKey()) == 1
                    ? new Reply(429, 0, Map.of("Retry-After", "1")) : Reply.of(200);
            case "slow" -> CIS.attemptsOf(call.idempotencyKey()) == 1 ? new Reply(200, 2_000, Map.of()) : Reply.of(200);
            default -> Reply.of(200);
        });
    }

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Test
    void transientFailureIsRetriedInProcessThenDurablyThenFailedAndDeadLettered() throws Exception {
        // given: a CIS that answers 503 every time
        ItemMessage item = claimAndPublish("down", ItemType.PAYMENT);
        int expectedAttempts = (1 + IMMEDIATE) * (1 + DELAYED);

        // when / then: every attempt is made and recorded, then the item is Failed
        await().atMost(Duration.ofSeconds(30)).until(() -> "Failed".equals(probe.state("down", item.recordId())));
        assertThat(CIS.attemptsOf(item.idempotencyKey())).isEqualTo(expectedAttempts);
        Map<String, Object> row = probe.control("down", item.recordId());
        assertThat(row.get("LastErrorClass")).isEqualTo("CisServerError");
        assertThat(((Number) row.get("Attempts")).intValue()).isEqualTo(expectedAttempts);
        List<Map<String, Object>> attempts = probe.attempts("down", item.recordId());
        assertThat(attempts).hasSize(expectedAttempts)
                .allSatisfy(a -> assertThat(a.get("Outcome")).isEqualTo("Failed"))
                .allSatisfy(a -> assertThat(a.get("HttpStatus")).isEqualTo(503));
        assertThat(attempts).extracting(a -> ((Number) a.get("Attempt")).intValue())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, expectedAttempts).boxed().toList());

        // and: the original message is on the dead-letter queue with its failure headers
        await().atMost(Duration.ofSeconds(5)).until(() -> !dlq.forItem("down", item.recordId()).isEmpty());
        DeadLetterQueue.Letter letter = dlq.forItem("down", item.recordId()).get(0);
        assertThat(json.readValue(letter.body(), ItemMessage.class).recordId()).isEqualTo(item.recordId());
        assertThat(letter.header("DataPumpFailureClass")).isEqualTo("CisServerError");
        assertThat(letter.header("DataPumpFailureKind")).isEqualTo("TRANSIENT");
        assertThat(letter.header("DataPumpFailureHttpStatus")).isEqualTo(503);
        assertThat(letter.header("DataPumpFailureRouteId")).isEqualTo("item-consumer-payment-production");
        assertThat(letter.header("DataPumpFailureAttempts")).isEqualTo(expectedAttempts);
        assertThat(letter.header("DataPumpFailureCause").toString()).contains("HttpOperationFailedException");
        assertThat(Instant.parse((String) letter.header("DataPumpFailureFirstAt")))
                .isBefore(Instant.parse((String) letter.header("DataPumpFailureLastAt")));
    }

    @Test
    void anItemStaysInOneTraceThroughItsQuickAndDurableRetriesAndEveryAttemptKeepsIt() throws Exception {
        // given: a CIS that answers 503 every time
        ItemMessage item = claimAndPublish("down", ItemType.PAYMENT);
        int expectedAttempts = (1 + IMMEDIATE) * (1 + DELAYED);

        // when: the item is tried in process, published again for its durable retries, and finally Failed
        await().atMost(Duration.ofSeconds(30)).until(() -> "Failed".equals(probe.state("down", item.recordId())));

        // then: every CIS call carried a traceparent of one and the same trace
        List<String> traces = CIS.callsWithKey(item.idempotencyKey()).stream()
                .map(call -> TraceIds.fromTraceparent(call.traceparent())).toList();
        assertThat(traces).hasSize(expectedAttempts).doesNotContainNull();
        assertThat(traces).containsOnly(traces.get(0));
        // and: every attempt (the last one recorded by the dead-lettering) keeps that trace id
        assertThat(probe.attempts("down", item.recordId())).hasSize(expectedAttempts)
                .allSatisfy(a -> assertThat(a.get("TraceId")).isEqualTo(traces.get(0)));
    }

    @Test
    void permanentCisRejectionSkipsRetries() throws Exception {
        // given: a CIS that answers 400 Bad Request
        ItemMessage item = claimAndPublish("rejects", ItemType.PAYMENT);

        // then: one call, Failed at once, dead-lettered
        await().atMost(Duration.ofSeconds(15)).until(() -> "Failed".equals(probe.state("rejects", item.recordId())));
        assertThat(CIS.attemptsOf(item.idempotencyKey())).isEqualTo(1);
        assertThat(probe.control("rejects", item.recordId()).get("LastErrorClass")).isEqualTo("CisRejected");
        await().atMost(Duration.ofSeconds(5)).until(() -> !dlq.forItem("rejects", item.recordId()).isEmpty());
        assertThat(dlq.forItem("rejects", item.recordId()).get(0).header("DataPumpFailureKind")).isEqualTo("PERMANENT");
    }

    @Test
    void rateLimitedCallWaitsForRetryAfterBeforeTheNextAttempt() throws Exception {
        // given: a CIS that answers 429 with Retry-After: 1 to the first call
        ItemMessage item = claimAndPublish("throttled", ItemType.PAYMENT);

        // then: no quick redelivery; the retry comes durably, not before the second asked for
        await().atMost(Duration.ofSeconds(15)).until(() -> "Processed".equals(probe.state("throttled", item.recordId())));
        List<Map<String, Object>> attempts = probe.attempts("throttled", item.recordId());
        assertThat(attempts).extracting(a -> a.get("HttpStatus")).containsExactly(429, 200);
        Instant first = ((java.sql.Timestamp) attempts.get(0).get("StartedAt")).toInstant();
        Instant second = ((java.sql.Timestamp) attempts.get(1).get("StartedAt")).toInstant();
        assertThat(Duration.between(first, second)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void cisTimeoutIsRetriedAndTheRetryCarriesTheSameIdempotencyKey() throws Exception {
        // given: a CIS that takes 2 s to answer the first call (the pump waits 400 ms)
        ItemMessage item = claimAndPublish("slow", ItemType.PAYMENT);

        // then: the item is delivered by a retry, and every call carried the same key
        await().atMost(Duration.ofSeconds(15)).until(() -> "Processed".equals(probe.state("slow", item.recordId())));
        assertThat(probe.attempts("slow", item.recordId()).get(0).get("ErrorClass")).isEqualTo("CisTimeout");
        assertThat(CIS.callsWithKey(item.idempotencyKey())).hasSizeGreaterThanOrEqualTo(2)
                .extracting(CisStub.Call::billerId).containsOnly("slow");
    }

    @Test
    void unreachableCisIsTransientAndEndsFailedWithItsClass() throws Exception {
        // given: a CIS URL where nothing listens
        ItemMessage item = claimAndPublish("offline", ItemType.PAYMENT);

        // then
        await().atMost(Duration.ofSeconds(30)).until(() -> "Failed".equals(probe.state("offline", item.recordId())));
        assertThat(probe.control("offline", item.recordId()).get("LastErrorClass")).isEqualTo("CisUnreachable");
        assertThat(probe.attempts("offline", item.recordId())).hasSize((1 + IMMEDIATE) * (1 + DELAYED));
    }

    @Test
    void missingEnrichmentRowFailsWithoutCallingTheCis() throws Exception {
        // given: a work item whose payment row does not exist
        Shard shard = probe.shard("plain");
        SourceRows.insertWorkItem(shard, "Payment", 999_999);
        ItemMessage item = claims.claim(registry.require("plain"), 1).items().get(0);

        // when
        producer.sendBody(paymentTopic, json.writeValueAsString(item));

        // then
        await().atMost(Duration.ofSeconds(15)).until(() -> "Failed".equals(probe.state("plain", item.recordId())));
        assertThat(probe.control("plain", item.recordId()).get("LastErrorClass")).isEqualTo("MissingEnrichment");
        assertThat(probe.control("plain", item.recordId()).get("LastError").toString()).contains("999999");
        assertThat(CIS.attemptsOf(item.idempotencyKey())).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> !dlq.forItem("plain", item.recordId()).isEmpty());
    }

    @Test
    void itemPastItsKillDateIsNotStartedAndRaisesTheAlert() throws Exception {
        // given: an item whose deadline has passed
        ItemMessage fresh = claimOne("plain", ItemType.PAYMENT);
        ItemMessage expired = new ItemMessage(fresh.billerId(), fresh.lane(), fresh.itemType(), fresh.recordId(),
                fresh.sourceId(), fresh.correlationId(), fresh.enqueuedAt(), Instant.now().minusSeconds(1), 0);
        double alertsBefore = expiredCount();

        // when
        producer.sendBody(paymentTopic, json.writeValueAsString(expired));

        // then
        await().atMost(Duration.ofSeconds(15)).until(() -> "Failed".equals(probe.state("plain", expired.recordId())));
        assertThat(probe.control("plain", expired.recordId()).get("LastErrorClass")).isEqualTo("Expired");
        assertThat(CIS.attemptsOf(expired.idempotencyKey())).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> !dlq.forItem("plain", expired.recordId()).isEmpty());
        assertThat(expiredCount()).isEqualTo(alertsBefore + 1);
    }

    @Test
    void poisonMessageIsDeadLetteredAndThePipelineCarriesOn() throws Exception {
        // given / when: a body that is not JSON, then a good item
        producer.sendBodyAndHeader(paymentTopic, "this is { not json", "poison-marker", "p-1");
        ItemMessage good = claimAndPublish("plain", ItemType.PAYMENT);

        // then: the poison message waits on the dead-letter queue with a clear reason, and the good item is delivered
        await().atMost(Duration.ofSeconds(15)).until(() -> dlq.letters().stream()
                .anyMatch(l -> "p-1".equals(l.header("poison_HYPHEN_marker"))));
        DeadLetterQueue.Letter poison = dlq.letters().stream()
                .filter(l -> "p-1".equals(l.header("poison_HYPHEN_marker"))).findFirst().orElseThrow();
        assertThat(poison.body()).isEqualTo("this is { not json");
        assertThat(poison.header("DataPumpFailureClass")).isEqualTo("MalformedMessage");
        assertThat(poison.header("DataPumpFailureRouteId")).isEqualTo("item-consumer-payment-production");
        await().atMost(Duration.ofSeconds(15)).until(() -> "Processed".equals(probe.state("plain", good.recordId())));
    }

    @Test
    void itemOfADisabledOrUnknownBillerIsDeadLettered() throws Exception {
        // given: item messages naming a biller with the toggle off and one that does not exist
        ItemMessage base = claimOne("plain", ItemType.PAYMENT);
        ItemMessage disabled = new ItemMessage("toggled-off", "production", "Payment", 1, 1, "c-1", Instant.now(),
                Instant.now().plusSeconds(60), 0);
        ItemMessage unknown = new ItemMessage("nobody", "production", "Payment", 1, 1, "c-2", Instant.now(),
                Instant.now().plusSeconds(60), 0);

        // when
        producer.sendBody(paymentTopic, json.writeValueAsString(disabled));
        producer.sendBody(paymentTopic, json.writeValueAsString(unknown));
        producer.sendBody(paymentTopic, json.writeValueAsString(base));

        // then
        await().atMost(Duration.ofSeconds(15)).until(() -> dlq.forItem("toggled-off", 1).size() == 1
                && dlq.forItem("nobody", 1).size() == 1);
        assertThat(dlq.forItem("toggled-off", 1).get(0).header("DataPumpFailureClass")).isEqualTo("BillerDisabled");
        assertThat(dlq.forItem("nobody", 1).get(0).header("DataPumpFailureClass")).isEqualTo("UnknownBiller");
        await().atMost(Duration.ofSeconds(15)).until(() -> "Processed".equals(probe.state("plain", base.recordId())));
    }

    @Test
    void unreadableOrExpiredBillerMessagesAreDeadLetteredAndClaimNothing() throws Exception {
        // given: a pending work item, and two bad biller messages for its biller
        long recordId = SourceRows.insert(probe.shard("plain"), ItemType.PAYMENT);
        String expired = json.writeValueAsString(new io.datapump.message.BillerMessage("plain", "production", "scan",
                Instant.now().minusSeconds(120), Instant.now().minusSeconds(60), null));

        // when
        producer.sendBodyAndHeader(billerTopic, "{\"billerId\": ", "poison-marker", "b-1");
        producer.sendBodyAndHeader(billerTopic, expired, "poison-marker", "b-2");

        // then: both wait on the dead-letter queue with their reason, and the work item was not claimed
        await().atMost(Duration.ofSeconds(15)).until(() -> dlq.letters().stream()
                .filter(l -> String.valueOf(l.header("poison_HYPHEN_marker")).startsWith("b-")).count() == 2);
        assertThat(dlq.letters()).filteredOn(l -> "b-1".equals(l.header("poison_HYPHEN_marker")))
                .singleElement().satisfies(l -> assertThat(l.header("DataPumpFailureClass")).isEqualTo("MalformedMessage"));
        assertThat(dlq.letters()).filteredOn(l -> "b-2".equals(l.header("poison_HYPHEN_marker")))
                .singleElement().satisfies(l -> {
                    assertThat(l.header("DataPumpFailureClass")).isEqualTo("Expired");
                    assertThat(l.header("DataPumpFailureRouteId")).isEqualTo("biller-consumer-production");
                });
        assertThat(probe.state("plain", recordId)).isNull();
    }

    private double expiredCount() {
        return meters.find("datapump.items.expired").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private ItemMessage claimOne(String billerId, ItemType type) {
        SourceRows.insert(probe.shard(billerId), type);
        ClaimedBatch batch = claims.claim(registry.require(billerId), 1);
        assertThat(batch.items()).hasSize(1);
        return batch.items().get(0);
    }

    private ItemMessage claimAndPublish(String billerId, ItemType type) throws Exception {
        ItemMessage item = claimOne(billerId, type);
        producer.sendBody(paymentTopic, json.writeValueAsString(item));
        return item;
    }
}
