package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.example.DirectItemPublisher.DirectItem;
import io.datapump.example.DirectItemPublisher;
import io.datapump.local.SourceRows;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemType;
import io.datapump.registry.BillerRegistry;
import io.datapump.registry.Lane;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub;
import io.datapump.support.DeadLetterQueue;
import io.datapump.support.DirectSource;
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
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Items that source applications publish straight to the item topics, for billers in direct mode, on
 * the embedded stack (Artemis, H2 shards, the CIS stub over HTTP). The publisher runs, so adapter billers are pumped
 * beside the direct ones.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("local")
class DirectPublishingTest {

    static final CisStub CIS = new CisStub();
    static final Set<String> REJECTING = ConcurrentHashMap.newKeySet();
    static final int SIDE_PAYMENTS = 15;
    static final int SIDE_PAPERLESS = 5;

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "300ms");
        registry.add("datapump.publisher.initial-delay", () -> "500ms");
        TestBillers.into(registry)
                .biller("direct-e2e", false, true, 0, 0, CIS).direct()
                .biller("direct-dup", false, true, 0, 0, CIS).direct()
                .biller("side-adapter", false, true, SIDE_PAYMENTS, SIDE_PAPERLESS, CIS)
                .biller("side-direct", false, true, 0, 0, CIS).direct()
                .biller("adapter-only", false, true, 0, 0, CIS)
                .biller("direct-off", false, false, 0, 0, CIS).direct()
                .biller("direct-rejected", false, true, 0, 0, CIS).direct()
                .biller("direct-unpolled", false, true, 0, 0, CIS).direct()
                .biller("direct-expired", false, true, 0, 0, CIS).direct()
                .biller("late-switch", true, true, 0, 0, CIS);
    }

    @Autowired CamelContext camel;
    @Autowired ProducerTemplate producer;
    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired DirectItemPublisher publisher;
    @Autowired JmsTemplate jms;
    @Autowired JdbcTemplate registryDb;
    @Autowired ObjectMapper json;
    TestRestTemplate http;

    /** The admin API needs a user: the operator may read and act. */
    @Autowired
    void authenticate(TestRestTemplate anonymous) {
        http = anonymous.withBasicAuth(io.datapump.support.TestUsers.OPERATOR,
                io.datapump.support.TestUsers.OPERATOR_PASSWORD);
    }
    @Autowired io.micrometer.core.instrument.MeterRegistry meters;
    @Value("${datapump.endpoints.production.payment-out}") String paymentTopic;
    @Value("${datapump.topology.production.dead-letter-queue}") String deadLetterQueue;
    @Value("${datapump.topology.demo.dead-letter-queue}") String demoDeadLetterQueue;

    ShardProbe probe;
    DirectSource source;

    @BeforeEach
    void setUp() {
        probe = new ShardProbe(registry, shards);
        source = new DirectSource(probe, publisher);
        CIS.respondWith(call -> REJECTING.contains(call.billerId()) ? 400 : 200);
    }

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    @Test
    void directlyPublishedItemsAreDeliveredEndToEndWithTheAdapterPathsGuarantees() throws Exception {
        // given: a source that commits its rows and publishes 10 payments and 5 paperless registrations itself
        List<DirectItem> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            items.add(source.newItem("direct-e2e", Lane.PRODUCTION, ItemType.PAYMENT));
        }
        for (int i = 0; i < 5; i++) {
            items.add(source.newItem("direct-e2e", Lane.PRODUCTION, ItemType.PAPERLESS_REGISTRATION));
        }

        double admittedBefore = admitted("direct-e2e");

        // when
        items.forEach(source::publish);

        // then: each ends Processed with one succeeded attempt, reaching the CIS once under its own key
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("direct-e2e", "Processed") == items.size());
        assertThat(probe.workItems("direct-e2e")).isZero();
        assertThat(CIS.acceptedFor("direct-e2e")).hasSize(items.size());
        for (DirectItem item : items) {
            long recordId = source.recordId(item);
            assertThat(recordId).isGreaterThanOrEqualTo(1_000_000_000_000_000L);
            assertThat(CIS.acceptedPerKey().get("datapump-direct-e2e-" + recordId)).isEqualTo(1L);
            assertThat(probe.attempts("direct-e2e", recordId)).singleElement()
                    .satisfies(a -> assertThat(a.get("Outcome")).isEqualTo("Succeeded"));
        }
        // and: the CIS request is enriched from the shard, exactly as for adapter items
        DirectItem payment = items.get(0);
        CisStub.Call call = CIS.callsWithKey(source.idempotencyKey(payment)).get(0);
        JsonNode body = json.readTree(call.body());
        assertThat(call.resource()).isEqualTo("payments");
        assertThat(call.correlationId()).isEqualTo(payment.sourceItemId());
        assertThat(body.get("recordId").asLong()).isEqualTo(source.recordId(payment));
        assertThat(body.at("/data/paymentId").asLong()).isEqualTo(payment.sourceId());
        assertThat(body.at("/data/accountNumber").asText()).isNotBlank();
        assertThat(body.at("/data/firstName").asText()).isNotBlank();
        // and: they are counted as admitted, once each
        assertThat(admitted("direct-e2e") - admittedBefore).isEqualTo(items.size());
        // and: the status API shows the biller's mode and counts
        JsonNode status = http.getForObject("/api/billers/direct-e2e", JsonNode.class);
        assertThat(status.get("mode").asText()).isEqualTo("direct");
        assertThat(status.at("/counts/processed").asLong()).isEqualTo(items.size());
    }

    @Test
    void sameMessagePublishedTwiceCausesOneCisCall() {
        // given: one item
        DirectItem item = source.newItem("direct-dup", Lane.PRODUCTION, ItemType.PAYMENT);
        NotifyBuilder allConsumed = new NotifyBuilder(camel).fromRoute("item-consumer-payment-production")
                .filter(e -> isAbout(e, item)).whenDone(4).create();

        // when: the source publishes it twice, and twice more (a retry after an unknown send outcome, say)
        for (int i = 0; i < 4; i++) {
            source.publish(item);
        }

        // then: every message was consumed, yet there is one record, one control row and one CIS call
        assertThat(allConsumed.matches(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> probe.inState("direct-dup", "Processed") == 1);
        assertThat(probe.count("direct-dup", "SELECT COUNT(*) FROM DataPumpDirectItem")).isEqualTo(1);
        assertThat(probe.controlRows("direct-dup")).isEqualTo(1);
        assertThat(CIS.acceptedFor("direct-dup")).hasSize(1);
        assertThat(CIS.attemptsOf(source.idempotencyKey(item))).isEqualTo(1);
    }

    @Test
    void adapterAndDirectBillersRunSideBySide() {
        // given: an adapter biller whose source wrote work-item rows (at start), and a direct biller's source
        List<DirectItem> direct = new ArrayList<>();

        // when: the direct source publishes as many items while the publisher pumps the adapter biller
        for (int i = 0; i < SIDE_PAYMENTS; i++) {
            direct.add(source.publishNew("side-direct", Lane.PRODUCTION, ItemType.PAYMENT));
        }
        for (int i = 0; i < SIDE_PAPERLESS; i++) {
            direct.add(source.publishNew("side-direct", Lane.PRODUCTION, ItemType.PAPERLESS_REGISTRATION));
        }

        // then: both billers' items are all delivered exactly once, each along its own path
        int expected = SIDE_PAYMENTS + SIDE_PAPERLESS;
        await().atMost(Duration.ofSeconds(40)).until(() -> probe.inState("side-adapter", "Processed") == expected
                && probe.inState("side-direct", "Processed") == expected);
        assertThat(CIS.acceptedFor("side-adapter")).extracting(CisStub.Call::idempotencyKey)
                .hasSize(expected).doesNotHaveDuplicates();
        assertThat(CIS.acceptedFor("side-direct")).extracting(CisStub.Call::idempotencyKey)
                .hasSize(expected).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(direct.stream().map(source::idempotencyKey).toList());
        assertThat(probe.count("side-adapter", "SELECT COUNT(*) FROM DataPumpDirectItem")).isZero();
        assertThat(probe.workItems("side-direct")).isZero();
        assertThat(http.getForObject("/api/billers/side-adapter", JsonNode.class).get("mode").asText())
                .isEqualTo("adapter");
    }

    @Test
    void publisherDoesNotPollABillerInDirectMode() {
        // given: a work-item row in a direct biller's shard (left from before its switch, say)
        long recordId = SourceRows.insert(probe.shard("direct-unpolled"), ItemType.PAYMENT);
        NotifyBuilder cycles = new NotifyBuilder(camel).fromRoute("biller-publisher").whenDone(4).create();

        // when: the publisher runs several cycles
        assertThat(cycles.matches(20, TimeUnit.SECONDS)).isTrue();

        // then: it never claimed the row (an operator's rerun drains such rows: see the mode switch test)
        assertThat(probe.state("direct-unpolled", recordId)).isNull();
        assertThat(CIS.acceptedFor("direct-unpolled")).isEmpty();
    }

    @Test
    void invalidMessagesAreDeadLetteredWithTheirReasonAndThePipelineCarriesOn() throws Exception {
        // given: a corpus of bad messages on the production payment topic
        DirectItem good = source.newItem("direct-e2e", Lane.PRODUCTION, ItemType.PAYMENT);
        Map<String, String> corpus = new LinkedHashMap<>();
        corpus.put("missing sourceId", "{\"sourceItemId\":\"bad-1\",\"billerId\":\"direct-e2e\","
                + "\"lane\":\"production\",\"itemType\":\"Payment\"}");
        corpus.put("wrong type", "{\"sourceItemId\":\"bad-2\",\"billerId\":\"direct-e2e\",\"lane\":\"production\","
                + "\"itemType\":\"Payment\",\"sourceId\":\"forty-two\"}");
        corpus.put("unknown field", "{\"sourceItemId\":\"bad-3\",\"billerId\":\"direct-e2e\",\"lane\":\"production\","
                + "\"itemType\":\"Payment\",\"sourceId\":42,\"cardNumber\":\"4111111111111111\"}");
        corpus.put("wrong topic", "{\"sourceItemId\":\"bad-4\",\"billerId\":\"direct-e2e\",\"lane\":\"production\","
                + "\"itemType\":\"PaperlessRegistration\",\"sourceId\":42}");
        corpus.put("unknown biller", direct("bad-5", "nobody", 42));
        corpus.put("disabled biller", direct("bad-6", "direct-off", 42));
        corpus.put("wrong mode", direct("bad-7", "adapter-only", 42));
        corpus.put("unparseable", "{\"sourceItemId\":\"bad-8\",\"billerId\":");
        DeadLetterQueue dlq = new DeadLetterQueue(jms, deadLetterQueue);
        String run = java.util.UUID.randomUUID().toString();

        // when: they are published, then a good item
        for (Map.Entry<String, String> bad : corpus.entrySet()) {
            producer.sendBodyAndHeaders(paymentTopic, bad.getValue(), Map.of("corpus", bad.getKey(), "run", run));
        }
        source.publish(good);

        // then: each waits on the dead-letter queue, unchanged, with its class and a reason that says what is wrong
        await().atMost(Duration.ofSeconds(20)).until(() -> dlq.letters().stream()
                .filter(l -> run.equals(l.header("run"))).count() == corpus.size());
        Map<String, DeadLetterQueue.Letter> letters = new LinkedHashMap<>();
        dlq.letters().stream().filter(l -> run.equals(l.header("run")))
                .forEach(l -> letters.put((String) l.header("corpus"), l));
        assertReason(letters.get("missing sourceId"), "SchemaViolation", "sourceId");
        assertReason(letters.get("wrong type"), "SchemaViolation", "/sourceId: string found, integer expected");
        assertReason(letters.get("unknown field"), "SchemaViolation", "cardNumber");
        assertReason(letters.get("wrong topic"), "SchemaViolation", "/itemType");
        assertReason(letters.get("unknown biller"), "UnknownBiller", "nobody");
        assertReason(letters.get("disabled biller"), "BillerDisabled", "direct-off");
        assertReason(letters.get("wrong mode"), "WrongMode", "adapter mode");
        assertReason(letters.get("unparseable"), "MalformedMessage", "");
        corpus.forEach((name, body) -> assertThat(letters.get(name).body()).as(name).isEqualTo(body));
        // and: none of them left a trace in a shard, and the good item is delivered
        assertThat(probe.controlRows("adapter-only")).isZero();
        assertThat(probe.controlRows("direct-off")).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> source.idempotencyKey(good) != null
                && CIS.acceptedPerKey().getOrDefault(source.idempotencyKey(good), 0L) == 1L);
    }

    @Test
    void directItemsTheCisRejectedAreFailedDeadLetteredAndReplayedUnderTheSameKey() {
        // given: a CIS that rejects the biller's items, and two items it rejected
        REJECTING.add("direct-rejected");
        DirectItem fromTable = source.publishNew("direct-rejected", Lane.PRODUCTION, ItemType.PAYMENT);
        DirectItem fromQueue = source.publishNew("direct-rejected", Lane.PRODUCTION, ItemType.PAPERLESS_REGISTRATION);
        DeadLetterQueue dlq = new DeadLetterQueue(jms, deadLetterQueue);
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("direct-rejected", "Failed") == 2);
        long tableId = source.recordId(fromTable);
        long queueId = source.recordId(fromQueue);
        assertThat(probe.control("direct-rejected", tableId).get("LastErrorClass")).isEqualTo("CisRejected");
        await().atMost(Duration.ofSeconds(10)).until(() -> dlq.forItem("direct-rejected", tableId).size() == 1
                && dlq.forItem("direct-rejected", queueId).size() == 1);

        // when: the CIS is fixed and the operator replays one by its record id, then the dead-letter queue
        REJECTING.remove("direct-rejected");
        ResponseEntity<JsonNode> accepted = http.postForEntity("/api/replay",
                Map.of("billerId", "direct-rejected", "recordIds", List.of(tableId)), JsonNode.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> "Processed".equals(probe.state("direct-rejected", tableId)));
        JsonNode drained = http.postForObject("/api/replay/dead-letters?lane=production", null, JsonNode.class);

        // then: each is delivered once more, under its own unchanged Idempotency-Key, both attempts in its history
        assertThat(accepted.getStatusCode().value()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> "Processed".equals(probe.state("direct-rejected", queueId)));
        for (long id : List.of(tableId, queueId)) {
            assertThat(CIS.callsWithKey("datapump-direct-rejected-" + id)).extracting(CisStub.Call::status)
                    .containsExactly(400, 200);
            assertThat(probe.attempts("direct-rejected", id)).extracting(a -> a.get("Outcome"))
                    .containsExactly("Failed", "Succeeded");
        }
        assertThat(dlq.forItem("direct-rejected", queueId)).isEmpty();
        // and: whatever else was on the queue (other tests' corpus) was replayed or parked once, not in a loop
        assertThat(drained.get("received").asInt()).isLessThan(30);
    }

    @Test
    void directItemPastItsKillDateIsFailedInTheTableAndReplayable() throws Exception {
        // given: a source that publishes an item whose deadline has passed
        DirectItem item = source.newItem("direct-expired", Lane.PRODUCTION, ItemType.PAYMENT);
        com.fasterxml.jackson.databind.node.ObjectNode body =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(publisher.body(item));
        body.put("deadline", java.time.Instant.now().minusSeconds(60).toString());

        // when
        producer.sendBodyAndHeaders(publisher.endpoint(item), json.writeValueAsString(body), publisher.headers(item));

        // then: not delivered, but Failed as Expired in the control table (no delivery attempt had created the row)
        await().atMost(Duration.ofSeconds(20)).until(() -> source.recordId(item) != null
                && "Failed".equals(probe.state("direct-expired", source.recordId(item))));
        long recordId = source.recordId(item);
        assertThat(probe.control("direct-expired", recordId).get("LastErrorClass")).isEqualTo("Expired");
        assertThat(CIS.acceptedFor("direct-expired")).isEmpty();

        // when: the operator replays it (a replay sets a new kill date)
        http.postForEntity("/api/replay", Map.of("billerId", "direct-expired", "recordIds", List.of(recordId)),
                JsonNode.class);

        // then: delivered once
        await().atMost(Duration.ofSeconds(20)).until(() -> "Processed".equals(probe.state("direct-expired", recordId)));
        assertThat(CIS.acceptedPerKey().get("datapump-direct-expired-" + recordId)).isEqualTo(1L);
    }

    @Test
    void itemRefusedBeforeItsBillerWasSwitchedIsDeliveredOnceAfterDeadLetterReplay() throws Exception {
        // given: a demo biller still in adapter mode, whose source publishes directly too early, and a demo item
        // for a biller that does not exist
        DirectItem early = source.publishNew("late-switch", Lane.DEMO, ItemType.PAYMENT);
        publisher.publish(new DirectItem("never", "nobody", "demo", "payment", 1));
        DeadLetterQueue demoDlq = new DeadLetterQueue(jms, demoDeadLetterQueue);
        await().atMost(Duration.ofSeconds(20)).until(() -> demoDlq.letters().size() == 2);
        assertThat(demoDlq.letters()).extracting(l -> l.header("DataPumpFailureClass"))
                .containsExactlyInAnyOrder("WrongMode", "UnknownBiller");

        // when: the biller is switched to direct mode and the demo dead-letter queue is replayed; the source
        // also publishes the item again
        registryDb.update("UPDATE Biller SET Mode = 'direct' WHERE BillerId = ?", "late-switch");
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.findFresh("late-switch").orElseThrow().direct());
        JsonNode drained = http.postForObject("/api/replay/dead-letters?lane=demo", null, JsonNode.class);
        source.publish(early);

        // then: the item that is acceptable now is replayed, the other is parked rather than dead-lettered again
        assertThat(drained.get("received").asInt()).isEqualTo(2);
        assertThat(drained.get("replayed").asInt()).isEqualTo(1);
        assertThat(drained.get("parked").asInt()).isEqualTo(1);
        // and: the item is delivered once
        await().atMost(Duration.ofSeconds(20)).until(() -> source.recordId(early) != null
                && "Processed".equals(probe.state("late-switch", source.recordId(early))));
        NotifyBuilder settled = new NotifyBuilder(camel).fromRoute("item-consumer-payment-demo").whenDone(1).create();
        source.publish(early);
        assertThat(settled.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(CIS.acceptedFor("late-switch")).hasSize(1);
    }

    private double admitted(String billerId) {
        var counter = meters.find("datapump.direct.items.admitted").tag("biller", billerId).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The exchange carries the item: its message body on arrival, its item variable later on. */
    private static boolean isAbout(org.apache.camel.Exchange exchange, DirectItem item) {
        ItemMessage carried = io.datapump.itemconsumer.ItemContext.of(exchange).map(c -> c.message()).orElse(null);
        return carried != null ? item.sourceItemId().equals(carried.sourceItemId())
                : String.valueOf(exchange.getMessage().getBody()).contains(item.sourceItemId());
    }

    private static String direct(String sourceItemId, String billerId, long sourceId) {
        return "{\"sourceItemId\":\"" + sourceItemId + "\",\"billerId\":\"" + billerId + "\",\"lane\":\"production\","
                + "\"itemType\":\"Payment\",\"sourceId\":" + sourceId + "}";
    }

    private static void assertReason(DeadLetterQueue.Letter letter, String errorClass, String reasonContains) {
        assertThat(letter).isNotNull();
        assertThat(letter.header("DataPumpFailureClass")).isEqualTo(errorClass);
        assertThat(letter.header("DataPumpFailureKind")).isEqualTo("PERMANENT");
        assertThat((String) letter.header("DataPumpFailureMessage")).contains(reasonContains);
    }
}
