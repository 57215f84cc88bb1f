package io.datapump.console;

import static org.assertj.core.api.Assertions.assertThat;
import static io.datapump.support.Pages.form;
import static io.datapump.support.Pages.html;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import io.datapump.support.CisStub;
import io.datapump.support.DeadLetterQueue;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.ShardProbe;

import jakarta.jms.Message;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.jms.core.JmsTemplate;

/**
 * The dead-letter and parked queues in the browser and the API: a viewer reads the messages (masked) and cannot act;
 * an operator replays chosen ones (each delivered once, the others left alone) and discards chosen ones with a reason
 * (the item stays Failed); a message that names no item is parked by a replay and can be discarded from the parked
 * queue. Every action is in the audit trail.
 */
@PumpTest
class DeadLetterPagesTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();
    static final Set<String> BROKEN = ConcurrentHashMap.newKeySet();
    static final String REJECTION = "{\"error\":\"declined\",\"cardNumber\":\"4111111111111111\"}";

    @Autowired JmsTemplate jms;
    @Value("${datapump.topology.production.dead-letter-queue}") String deadLetterQueue;

    @BeforeAll
    static void billers() {
        BROKEN.add("dlq-pages");
        CIS.replyWith(call -> BROKEN.contains(call.billerId()) ? CisStub.Reply.of(400, REJECTION)
                : CisStub.Reply.of(200));
        PUMP.biller("dlq-pages").items(3, 0).create();
    }

    @Test
    void aViewerReadsTheQueueAnOperatorReplaysTwoChosenMessagesAndDiscardsTheThirdWithAReason() {
        // given: three items the CIS rejected, each on the production dead-letter queue
        ShardProbe probe = PUMP.probe();
        DeadLetterQueue dlq = new DeadLetterQueue(jms, deadLetterQueue);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("dlq-pages", "Failed") == 3
                && List.of(1L, 2L, 3L).stream().allMatch(id -> !dlq.forItem("dlq-pages", id).isEmpty()));
        TestRestTemplate viewer = PUMP.viewer();
        TestRestTemplate operator = PUMP.operator();

        // when: a viewer opens the queue's page
        String page = html(viewer, "/ops/dead-letters?lane=production&queue=dead-letter&billerId=dlq-pages");

        // then: the three messages, linked to their items, with why they failed, and nothing to press
        assertThat(page).contains("/ops/items/dlq-pages/1").contains("/ops/items/dlq-pages/3").contains("CisRejected")
                .contains("CIS answered 400").doesNotContain("Replay selected");
        assertThat(viewer.postForEntity("/ops/dead-letters/replay", form("lane", "production", "queue", "dead-letter",
                "messageIds", "ID:1"), String.class).getStatusCode().value()).isEqualTo(403);

        // when: the CIS is fixed and an operator chooses the first two, reads what will happen and confirms
        BROKEN.remove("dlq-pages");
        Map<Long, String> ids = messageIds(operator, "dlq-pages");
        assertThat(html(operator, "/ops/dead-letters?billerId=dlq-pages")).contains("Replay selected");
        ResponseEntity<String> confirm = operator.postForEntity("/ops/dead-letters/confirm", form("lane", "production",
                "queue", "dead-letter", "action", "replay", "messageIds", ids.get(1L), "messageIds", ids.get(2L)),
                String.class);
        assertThat(confirm.getBody()).contains("This takes <strong>2</strong> message(s)")
                .contains("dlq-pages:1").contains("dlq-pages:2").doesNotContain("dlq-pages:3");
        ResponseEntity<String> done = operator.postForEntity("/ops/dead-letters/replay", form("lane", "production",
                "queue", "dead-letter", "messageIds", ids.get(1L), "messageIds", ids.get(2L), "reason", "CIS fixed"),
                String.class);

        // then: those two are delivered once and gone from the queue; the third is untouched
        assertThat(done.getBody()).contains("<strong>2</strong> replayed");
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("dlq-pages", "Processed") == 2);
        assertThat(CIS.acceptedFor("dlq-pages")).extracting(CisStub.Call::idempotencyKey)
                .containsExactlyInAnyOrder("datapump-dlq-pages-1", "datapump-dlq-pages-2");
        assertThat(dlq.forItem("dlq-pages", 1)).isEmpty();
        assertThat(dlq.forItem("dlq-pages", 2)).isEmpty();
        assertThat(dlq.forItem("dlq-pages", 3)).hasSize(1);

        // when: the operator discards the third, first without a reason, then with one
        ResponseEntity<JsonNode> noReason = operator.postForEntity("/api/dead-letters/production/dead-letter/discard",
                Map.of("messageIds", List.of(ids.get(3L))), JsonNode.class);
        JsonNode discarded = operator.postForObject("/api/dead-letters/production/dead-letter/discard",
                Map.of("messageIds", List.of(ids.get(3L)), "reason", "customer cancelled the payment"), JsonNode.class);

        // then: refused without a reason; with one, gone from the queue, its item still Failed and replayable
        assertThat(noReason.getStatusCode().value()).isEqualTo(400);
        assertThat(discarded.get("discarded").asInt()).isEqualTo(1);
        assertThat(dlq.forItem("dlq-pages", 3)).isEmpty();
        assertThat(probe.state("dlq-pages", 3)).isEqualTo("Failed");

        // and: both actions are in the audit trail, with the items and the reasons
        String audit = html(viewer, "/ops/audit");
        assertThat(audit).contains("dead-letter-replay-selected").contains("dlq-pages:1=replayed")
                .contains("dead-letter-discard").contains("customer cancelled the payment").contains("dlq-pages:3");
    }

    @Test
    void aMessageThatNamesNoItemIsParkedByItsReplayAndDiscardedFromTheParkedQueue() {
        // given: a message on the dead-letter queue that names no item (and carries a card number)
        String marker = "not an item " + UUID.randomUUID();
        AtomicReference<Message> sent = new AtomicReference<>();
        jms.send(deadLetterQueue, session -> {
            Message m = session.createTextMessage("{\"note\":\"" + marker + "\",\"cardNumber\":\"4111111111111111\"}");
            sent.set(m);
            return m;
        });
        TestRestTemplate operator = PUMP.operator();

        // when: it is replayed
        JsonNode replayed = operator.postForObject("/api/dead-letters/production/dead-letter/replay",
                Map.of("messageIds", List.of(sentId(sent))), JsonNode.class);

        // then: it is parked, and the parked queue's page shows it with the card number masked
        assertThat(replayed.get("parked").asInt()).isEqualTo(1);
        String parkedId = await().atMost(Duration.ofSeconds(10)).until(() -> idWithBody(operator, marker),
                id -> id != null);
        assertThat(html(PUMP.viewer(), "/ops/dead-letters?lane=production&queue=parked")).contains(marker)
                .doesNotContain("4111111111111111");

        // when: it is discarded from the parked queue with a reason
        JsonNode discarded = operator.postForObject("/api/dead-letters/production/parked/discard",
                Map.of("messageIds", List.of(parkedId), "reason", "test message"), JsonNode.class);

        // then: it is gone; an id no longer on the queue is reported as not found
        assertThat(discarded.get("discarded").asInt()).isEqualTo(1);
        assertThat(idWithBody(operator, marker)).isNull();
        JsonNode again = operator.postForObject("/api/dead-letters/production/parked/discard",
                Map.of("messageIds", List.of(parkedId), "reason", "test message"), JsonNode.class);
        assertThat(again.get("discarded").asInt()).isZero();
        assertThat(again.get("notFound")).hasSize(1);
    }

    @Test
    void aQueueOrMessageIdThatIsNotOneOfTheLanesIsRefusedWithTheReason() {
        TestRestTemplate operator = PUMP.operator();

        ResponseEntity<String> queue = operator.getForEntity("/api/dead-letters/production/orders", String.class);
        ResponseEntity<String> id = operator.postForEntity("/api/dead-letters/production/dead-letter/replay",
                Map.of("messageIds", List.of("ID:1' OR 1=1 OR JMSMessageID='x")), String.class);

        assertThat(queue.getStatusCode().value()).isEqualTo(400);
        assertThat(queue.getBody()).contains("dead-letter").contains("parked");
        assertThat(id.getStatusCode().value()).isEqualTo(400);
        assertThat(id.getBody()).contains("not a message id");
    }

    private static String sentId(AtomicReference<Message> sent) {
        try {
            return sent.get().getJMSMessageID();
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String idWithBody(TestRestTemplate operator, String marker) {
        JsonNode parked = operator.getForObject("/api/dead-letters/production/parked?limit=200", JsonNode.class);
        for (JsonNode m : parked.get("messages")) {
            if (m.path("body").asText().contains(marker)) {
                return m.get("messageId").asText();
            }
        }
        return null;
    }

    /** The queue message id of each of the biller's items on the production dead-letter queue, by record id. */
    private static Map<Long, String> messageIds(TestRestTemplate operator, String billerId) {
        JsonNode browsed = operator.getForObject("/api/dead-letters/production/dead-letter?billerId=" + billerId,
                JsonNode.class);
        Map<Long, String> ids = new java.util.HashMap<>();
        List<String> seen = new ArrayList<>();
        for (JsonNode m : browsed.get("messages")) {
            ids.put(m.get("recordId").asLong(), m.get("messageId").asText());
            seen.add(m.get("messageId").asText());
        }
        assertThat(seen).doesNotHaveDuplicates();
        return ids;
    }
}
