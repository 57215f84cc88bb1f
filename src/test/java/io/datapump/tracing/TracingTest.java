package io.datapump.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.datapump.example.DirectItemPublisher;
import io.datapump.message.ItemType;
import io.datapump.registry.Lane;
import io.datapump.support.CisStub;
import io.datapump.support.DirectSource;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.ShardProbe;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * One trace per item (W3C trace context): the item message on the broker carries a {@code traceparent}, the item
 * consumer continues that trace, the CIS receives a {@code traceparent} of the same trace, and the attempt keeps its
 * trace id, shown by the item's history (API and /ops). What a message carried on the wire is read from the JMS
 * message itself as each consumer receives it, so these tests also show that the header survives Artemis.
 */
@PumpTest
class TracingTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();

    static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    /**
     * {@code <biller>:<record id>} ({@code <biller>:direct} for a message a source published) → the traceparent of
     * each item message of it, as the item consumer received it.
     */
    static final Map<String, List<String>> WIRE = new ConcurrentHashMap<>();
    static final EventNotifierSupport WIRE_RECORDER = new EventNotifierSupport() {
        @Override
        public void notify(CamelEvent event) throws Exception {
            Exchange exchange = ((CamelEvent.ExchangeCreatedEvent) event).getExchange();
            if (exchange.getIn() instanceof JmsMessage jms && jms.getJmsMessage() != null) {
                jakarta.jms.Message received = jms.getJmsMessage();
                String biller = received.getStringProperty("DataPumpBillerId");
                Object record = received.getObjectProperty("DataPumpRecordId");
                if (biller != null && biller.startsWith("tracing-") && received.propertyExists("DataPumpItemType")) {
                    WIRE.computeIfAbsent(biller + ":" + (record == null ? "direct" : record), k -> new CopyOnWriteArrayList<>())
                            .add(received.getStringProperty(TraceIds.TRACEPARENT));
                }
            }
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.ExchangeCreatedEvent;
        }
    };

    @BeforeAll
    static void billers() {
        CamelContext camel = PUMP.bean(CamelContext.class);
        camel.getManagementStrategy().addEventNotifier(WIRE_RECORDER);
        ServiceHelper.startService(WIRE_RECORDER);
        CIS.replyWith(call -> "tracing-replayed".equals(call.billerId()) && CIS.attemptsOf(call.idempotencyKey()) == 1
                ? CisStub.Reply.of(400) : CisStub.Reply.of(200));
        PUMP.biller("tracing-one").items(1, 0).create();
        PUMP.biller("tracing-batch").items(3, 2).create();
        PUMP.biller("tracing-replayed").items(1, 0).create();
        PUMP.biller("tracing-direct").direct().create();
    }

    @AfterAll
    static void stopRecording() {
        PUMP.bean(CamelContext.class).getManagementStrategy().removeEventNotifier(WIRE_RECORDER);
        ServiceHelper.stopService(WIRE_RECORDER);
    }

    ShardProbe probe;

    @BeforeEach
    void probe() {
        probe = PUMP.probe();
    }

    @Test
    void anItemsPublishDeliveryAndCisCallAreOneTraceWhichItsAttemptKeepsAndItsHistoryShows() {
        // given: a biller with one payment, and a CIS that accepts it
        // when: the pump publishes, consumes and delivers it
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("tracing-one", "Processed") == 1);
        CisStub.Call call = CIS.acceptedFor("tracing-one").get(0);
        long recordId = recordId(call);

        // then: the CIS received a valid traceparent
        String traceId = TraceIds.fromTraceparent(call.traceparent());
        assertThat(traceId).as("traceparent the CIS received: %s", call.traceparent()).isNotNull();
        // and: the item message carried the same trace on the broker, from the publish span (the consumer's and the
        // CIS call's spans come after it, so the CIS saw another parent span)
        List<String> wire = WIRE.get("tracing-one:" + recordId);
        assertThat(wire).singleElement().satisfies(published -> {
            assertThat(TraceIds.fromTraceparent(published)).isEqualTo(traceId);
            assertThat(parentSpanId(published)).isNotEqualTo(parentSpanId(call.traceparent()));
        });
        // and: the attempt keeps that trace id, and the item's history shows it to a viewer, in the API and on /ops
        assertThat(probe.attempts("tracing-one", recordId)).singleElement()
                .satisfies(a -> assertThat(a.get("TraceId")).isEqualTo(traceId));
        Map<String, Object> item = history("tracing-one", recordId);
        assertThat(attempts(item)).singleElement().satisfies(a -> assertThat(a).containsEntry("traceId", traceId));
        assertThat(PUMP.viewer().getForObject("/ops/items/tracing-one/" + recordId, String.class)).contains(traceId);
    }

    @Test
    void anItemIsFoundByTheTraceIdTheCisReceivedInTheApiAndOnTheSearchPage() {
        // given: a delivered item, and the trace id of the traceparent its CIS received (in upper case, as some log
        // viewers show it)
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("tracing-one", "Processed") == 1);
        CisStub.Call call = CIS.acceptedFor("tracing-one").get(0);
        String traceId = TraceIds.fromTraceparent(call.traceparent());

        // when: an operator searches by it
        Map<String, Object> found = PUMP.viewer().exchange("/api/items?traceId=" + traceId.toUpperCase(),
                HttpMethod.GET, null, JSON).getBody();

        // then: the API names that item, and only it; so does the /ops search page
        assertThat(found.get("items")).asList().singleElement().asString()
                .contains("billerId=tracing-one").contains("recordId=" + recordId(call));
        assertThat(PUMP.viewer().getForObject("/ops/search?q=" + traceId, String.class))
                .contains("/ops/items/tracing-one/" + recordId(call));
        // and: an id that is no trace id is refused with the reason; an unknown one finds nothing
        var bad = PUMP.viewer().exchange("/api/items?traceId=not-a-trace", HttpMethod.GET, null, JSON);
        assertThat(bad.getStatusCode().value()).isEqualTo(400);
        assertThat(bad.getBody()).asString().contains("32 hex digits");
        assertThat(PUMP.viewer().exchange("/api/items?traceId=" + "ab".repeat(16), HttpMethod.GET, null, JSON)
                .getBody().get("items")).asList().isEmpty();
    }

    @Test
    void eachItemOfABatchHasATraceOfItsOwn() {
        // given: a biller whose five items are claimed and published in one batch
        // when: they are delivered
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("tracing-batch", "Processed") == 5);

        // then: five CIS calls in five traces, each the trace its item's message carried and its attempt keeps
        List<CisStub.Call> calls = CIS.acceptedFor("tracing-batch");
        assertThat(calls).hasSize(5);
        assertThat(calls).extracting(c -> TraceIds.fromTraceparent(c.traceparent())).doesNotContainNull()
                .doesNotHaveDuplicates();
        for (CisStub.Call call : calls) {
            String traceId = TraceIds.fromTraceparent(call.traceparent());
            long recordId = recordId(call);
            assertThat(WIRE.get("tracing-batch:" + recordId)).singleElement()
                    .satisfies(published -> assertThat(TraceIds.fromTraceparent(published)).isEqualTo(traceId));
            assertThat(probe.attempts("tracing-batch", recordId)).singleElement()
                    .satisfies(a -> assertThat(a.get("TraceId")).isEqualTo(traceId));
        }
    }

    @Test
    void aReplayedItemIsDeliveredInATraceOfItsOwnAndEachAttemptKeepsItsTrace() {
        // given: an item the CIS rejected (400), so it is Failed with one attempt
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("tracing-replayed", "Failed") == 1);
        CisStub.Call rejected = CIS.calls().stream().filter(c -> c.billerId().equals("tracing-replayed"))
                .findFirst().orElseThrow();
        long recordId = recordId(rejected);

        // when: an operator replays it, and the CIS now accepts it
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        assertThat(PUMP.operator().exchange("/api/replay", HttpMethod.POST, new HttpEntity<>(
                "{\"billerId\":\"tracing-replayed\",\"recordIds\":[" + recordId + "]}", headers), JSON)
                .getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("tracing-replayed", "Processed") == 1);

        // then: the replay's message and its CIS call are one trace, a new one; each attempt keeps its own
        CisStub.Call accepted = CIS.acceptedFor("tracing-replayed").get(0);
        String first = TraceIds.fromTraceparent(rejected.traceparent());
        String replayed = TraceIds.fromTraceparent(accepted.traceparent());
        assertThat(first).isNotNull();
        assertThat(replayed).isNotNull().isNotEqualTo(first);
        assertThat(WIRE.get("tracing-replayed:" + recordId)).extracting(TraceIds::fromTraceparent)
                .containsExactly(first, replayed);
        assertThat(attempts(history("tracing-replayed", recordId))).extracting(a -> a.get("traceId"))
                .containsExactly(first, replayed);
    }

    @Test
    void anItemASourcePublishedDirectlyIsOneTraceFromItsMessageToTheCis() {
        // given: a biller in direct mode, whose source publishes an item itself (through the example publisher)
        DirectSource source = new DirectSource(probe, PUMP.bean(DirectItemPublisher.class));

        // when: the source publishes it and the pump delivers it
        DirectItemPublisher.DirectItem direct = source.publishNew("tracing-direct", Lane.PRODUCTION,
                ItemType.PAYMENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("tracing-direct", "Processed") == 1);

        // then: the CIS call continues the trace of the source's message, and the attempt keeps it
        CisStub.Call call = CIS.acceptedFor("tracing-direct").get(0);
        String traceId = TraceIds.fromTraceparent(call.traceparent());
        assertThat(traceId).isNotNull();
        long recordId = source.recordId(direct);
        assertThat(probe.attempts("tracing-direct", recordId)).singleElement()
                .satisfies(a -> assertThat(a.get("TraceId")).isEqualTo(traceId));
        assertThat(WIRE.get("tracing-direct:direct")).singleElement()
                .satisfies(published -> assertThat(TraceIds.fromTraceparent(published)).isEqualTo(traceId));
    }

    /** The record id in an idempotency key, {@code datapump-<biller>-<record id>}. */
    private static long recordId(CisStub.Call call) {
        return Long.parseLong(call.idempotencyKey().substring(call.idempotencyKey().lastIndexOf('-') + 1));
    }

    private static String parentSpanId(String traceparent) {
        return traceparent.substring(36, 52);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> history(String billerId, long recordId) {
        Map<String, Object> body = PUMP.viewer().exchange("/api/billers/" + billerId + "/items/" + recordId,
                HttpMethod.GET, null, JSON).getBody();
        return (Map<String, Object>) body.get("item");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> attempts(Map<String, Object> item) {
        return (List<Map<String, Object>>) item.get("history");
    }
}
