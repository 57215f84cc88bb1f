package io.datapump.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.datapump.recovery.Archiver;
import io.datapump.registry.BillerRegistry;
import io.datapump.support.CisStub;
import io.datapump.message.ItemType;
import io.datapump.registry.Lane;
import io.datapump.example.DirectItemPublisher;
import io.datapump.support.DirectSource;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.ShardProbe;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Failure forensics: the attempt history keeps what the CIS answered (a masked excerpt of a rejection, the
 * confirmation id of a success), and GET /api/billers/{id}/items/{recordId} shows one item's control row and every
 * attempt, archived ones too, to a viewer.
 */
@PumpTest
class ItemHistoryTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();

    static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    /** A rejection that quotes the customer's card number and e-mail back, as real CIS error bodies do. */
    static final String REJECTION = "{\"error\":\"payment declined\",\"cardNumber\":\"4111111111111111\","
            + "\"detail\":\"card 4111111111111111 of ada.lovelace@example.com is blocked\"}";

    @BeforeAll
    static void billers() {
        CIS.replyWith(call -> switch (call.billerId()) {
            case "history-rejected" -> CisStub.Reply.of(400, REJECTION);
            case "history-confirmed" -> CisStub.Reply.of(200,
                    "{\"status\":\"accepted\",\"confirmationId\":\"CONF-" + call.idempotencyKey() + "\"}");
            default -> CisStub.Reply.of(200);
        });
        PUMP.biller("history-rejected").items(2, 0).create();
        PUMP.biller("history-confirmed").items(3, 0).create();
        PUMP.biller("history-direct").direct().create();
    }

    @Autowired BillerRegistry registry;
    @Autowired Archiver archiver;
    ShardProbe probe;

    /** Whether the seeded items were all seen through once (a test archives them later). */
    static volatile boolean seeded;

    @BeforeEach
    void delivered() {
        probe = PUMP.probe();
        if (!seeded) {
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("history-rejected", "Failed") == 2
                    && probe.inState("history-confirmed", "Processed") == 3);
            seeded = true;
        }
    }

    @Test
    void aRejectionKeepsTheCisStatusAndAMaskedExcerptOfItsAnswer() {
        // given: an item the CIS rejected with 400 and a body quoting card number and e-mail
        long recordId = firstRecordId("history-rejected");

        // when: a viewer asks for its history
        ResponseEntity<Map<String, Object>> response = get(PUMP.viewer(), "history-rejected", recordId);

        // then: the control row says Failed, and the one attempt keeps status, class and the answer, masked
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        Map<String, Object> item = item(response);
        assertThat(item).containsEntry("state", "Failed").containsEntry("archived", false)
                .containsEntry("lastErrorClass", "CisRejected");
        Map<String, Object> attempt = attempts(item).get(0);
        assertThat(attempts(item)).hasSize(1);
        assertThat(attempt).containsEntry("outcome", "Failed").containsEntry("httpStatus", 400)
                .containsEntry("errorClass", "CisRejected");
        String answer = (String) attempt.get("cisAnswer");
        assertThat(answer).contains("payment declined").contains("*****")
                .doesNotContain("4111111111111111").doesNotContain("ada.lovelace@example.com");
        // and the stored row itself is masked, not only the API's view of it
        assertThat(probe.attempts("history-rejected", recordId).get(0).get("CisAnswer").toString())
                .doesNotContain("4111111111111111");
    }

    @Test
    void aSuccessKeepsTheConfirmationIdAndTheHistorySurvivesArchiving() {
        // given: a delivered item whose CIS answered with a confirmation id
        long recordId = firstRecordId("history-confirmed");
        Map<String, Object> live = item(get(PUMP.viewer(), "history-confirmed", recordId));
        assertThat(live).containsEntry("state", "Processed").containsEntry("archived", false);
        assertThat(attempts(live)).singleElement().satisfies(a -> assertThat(a)
                .containsEntry("outcome", "Succeeded").containsEntry("httpStatus", 200)
                .containsEntry("confirmationId", "CONF-datapump-history-confirmed-" + recordId));

        // when: the biller's Processed rows are archived
        Instant later = Instant.now().plusSeconds(60);
        archiver.archive(registry.require("history-confirmed"), later, later);

        // then: the same item is still shown, from the archive, with its attempt and confirmation id
        Map<String, Object> archived = item(get(PUMP.viewer(), "history-confirmed", recordId));
        assertThat(archived).containsEntry("state", "Processed").containsEntry("archived", true);
        assertThat(attempts(archived)).singleElement().satisfies(a -> assertThat(a)
                .containsEntry("archived", true)
                .containsEntry("confirmationId", "CONF-datapump-history-confirmed-" + recordId));
    }

    @Test
    void unknownBillersAndItemsAreNotFoundWithAReason() {
        // when / then
        ResponseEntity<Map<String, Object>> noBiller = get(PUMP.viewer(), "no-such-biller", 1);
        assertThat(noBiller.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(noBiller.getBody()).containsEntry("error", "unknown biller 'no-such-biller'");

        ResponseEntity<Map<String, Object>> noItem = get(PUMP.viewer(), "history-confirmed", 987_654_321L);
        assertThat(noItem.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(noItem.getBody().get("error").toString()).contains("987654321");

        assertThat(get(PUMP.anonymous(), "history-confirmed", 1).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void anItemIsFoundByTheCorrelationIdOrIdempotencyKeyTheCisSawAndADirectOneByItsSourceItemId() {
        // given: a delivered item, as the CIS saw it
        CisStub.Call call = CIS.acceptedFor("history-confirmed").get(0);
        String recordId = call.idempotencyKey().substring(call.idempotencyKey().lastIndexOf('-') + 1);
        String history = "/api/billers/history-confirmed/items/" + recordId;

        // when: a viewer searches by its correlation id, then by its idempotency key
        Map<String, Object> byCorrelation = PUMP.viewer().exchange("/api/items?correlationId=" + call.correlationId(),
                HttpMethod.GET, null, JSON).getBody();
        Map<String, Object> byKey = PUMP.viewer().exchange("/api/items?idempotencyKey=" + call.idempotencyKey(),
                HttpMethod.GET, null, JSON).getBody();

        // then: both find that item, with where its history is; and the history shows the correlation id
        assertThat(byCorrelation.get("items").toString()).contains("billerId=history-confirmed")
                .contains("recordId=" + recordId).contains("history=" + history);
        assertThat(byKey.get("items").toString()).contains("history=" + history);
        assertThat(PUMP.viewer().exchange(history, HttpMethod.GET, null, JSON).getBody().toString())
                .contains("correlationId=" + call.correlationId());

        // when: a source publishes an item directly, and it is delivered
        DirectSource source = new DirectSource(probe, PUMP.bean(DirectItemPublisher.class));
        DirectItemPublisher.DirectItem direct = source.publishNew("history-direct", Lane.PRODUCTION, ItemType.PAYMENT);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("history-direct", "Processed") == 1);

        // then: its source item id finds it
        Map<String, Object> bySource = PUMP.viewer().exchange("/api/items?sourceItemId=" + direct.sourceItemId(),
                HttpMethod.GET, null, JSON).getBody();
        assertThat(bySource.get("items").toString()).contains("billerId=history-direct")
                .contains("recordId=" + source.recordId(direct));

        // and: no clue, two clues, or a key that is not the pump's are answered clearly
        assertThat(PUMP.viewer().exchange("/api/items", HttpMethod.GET, null, JSON).getStatusCode())
                .isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(PUMP.viewer().exchange("/api/items?correlationId=a&sourceItemId=b", HttpMethod.GET, null, JSON)
                .getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(PUMP.viewer().exchange("/api/items?idempotencyKey=someone-else-7", HttpMethod.GET, null, JSON)
                .getBody().get("items").toString()).isEqualTo("[]");
    }

    private long firstRecordId(String billerId) {
        Long id = probe.shard(billerId).jdbc().queryForObject(
                "SELECT MIN(DataPumpRecordId) FROM DataPumpControl", Map.of(), Long.class);
        if (id == null) {
            throw new IllegalStateException("no control row for " + billerId);
        }
        return id;
    }

    private static ResponseEntity<Map<String, Object>> get(org.springframework.boot.test.web.client.TestRestTemplate http,
                                                           String billerId, long recordId) {
        return http.exchange("/api/billers/" + billerId + "/items/" + recordId, HttpMethod.GET, null, JSON);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> item(ResponseEntity<Map<String, Object>> response) {
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        return (Map<String, Object>) response.getBody().get("item");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> attempts(Map<String, Object> item) {
        return (List<Map<String, Object>>) item.get("history");
    }
}
