package io.datapump.console;

import static org.assertj.core.api.Assertions.assertThat;
import static io.datapump.support.Pages.form;
import static io.datapump.support.Pages.html;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.datapump.support.CisStub;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.ShardProbe;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;

/**
 * The 3 a.m. path through the operations pages: a viewer sees the billers, the failure group, its items and an
 * item's timeline (with the CIS's answer masked) and cannot act; an operator dry-runs a replay of the group, reads
 * what it will do, starts it with a canary, watches it complete and finds it in the audit trail.
 */
@PumpTest
class OpsPagesTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();
    static final Set<String> BROKEN = ConcurrentHashMap.newKeySet();
    static final String REJECTION = "{\"error\":\"declined\",\"cardNumber\":\"4111111111111111\"}";

    @BeforeAll
    static void billers() {
        BROKEN.add("ops-broken");
        CIS.replyWith(call -> BROKEN.contains(call.billerId()) ? CisStub.Reply.of(400, REJECTION)
                : CisStub.Reply.of(200));
        PUMP.biller("ops-broken").items(3, 0).create();
        PUMP.biller("ops-fine").items(2, 0).create();
        BROKEN.add("ops-chosen");
        PUMP.biller("ops-chosen").items(4, 0).create();
    }

    @Test
    void anOperatorReplaysChosenRecordIdsThenWhatFailedInATimeWindowFromTheFailuresPage() {
        // given: four failed items of one biller
        ShardProbe probe = PUMP.probe();
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("ops-chosen", "Failed") == 4);
        TestRestTemplate operator = PUMP.operator();
        assertThat(html(operator, "/ops/failures")).contains("id=\"selection-form\"");
        assertThat(html(PUMP.viewer(), "/ops/failures")).doesNotContain("selection-form");
        BROKEN.remove("ops-chosen");

        // when: the operator dry-runs records 1 and 3, and confirms
        var chosen = form("billerId", "ops-chosen", "recordIds", "1, 3", "rate", "50", "canary", "0",
                "reason", "two of them");
        String confirm = operator.postForEntity("/ops/replay/dry-run", chosen, String.class).getBody();
        operator.postForEntity("/ops/replay", chosen, String.class);

        // then: the page said two, and exactly those two are delivered
        assertThat(confirm).contains("This replays <strong>2</strong> failed item(s)").contains("with record ids 1, 3");
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("ops-chosen", "Processed") == 2);
        assertThat(CIS.acceptedFor("ops-chosen")).extracting(CisStub.Call::idempotencyKey)
                .containsExactlyInAnyOrder("datapump-ops-chosen-1", "datapump-ops-chosen-3");

        // when: what failed in the last hour is dry-run, and what fails after an hour from now
        java.time.LocalDateTime now = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).withNano(0);
        String lastHour = operator.postForEntity("/ops/replay/dry-run", form("billerId", "ops-chosen",
                "failedFrom", now.minusHours(1).toString(), "failedTo", now.plusMinutes(1).toString()),
                String.class).getBody();
        String later = operator.postForEntity("/ops/replay/dry-run", form("billerId", "ops-chosen",
                "failedFrom", now.plusHours(1).toString()), String.class).getBody();
        ResponseEntity<String> badIds = operator.postForEntity("/ops/replay/dry-run", form("billerId", "ops-chosen",
                "recordIds", "2, two"), String.class);

        // then: the two left, none, and a clear refusal
        assertThat(lastHour).contains("This replays <strong>2</strong> failed item(s)").contains("that failed from");
        assertThat(later).contains("This replays <strong>0</strong> failed item(s)");
        assertThat(badIds.getStatusCode().value()).isEqualTo(400);
        assertThat(badIds.getBody()).contains("<h1>Bad Request</h1>").contains("not &#39;two&#39;");
        assertThat(probe.inState("ops-chosen", "Failed")).isEqualTo(2);
    }

    @Test
    void aViewerSeesTheFailureGroupAndTheItemTimelineAndCannotActAnOperatorReplaysItWithACanary() {
        ShardProbe probe = PUMP.probe();
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("ops-broken", "Failed") == 3
                && probe.inState("ops-fine", "Processed") == 2);
        TestRestTemplate viewer = PUMP.viewer();
        TestRestTemplate operator = PUMP.operator();

        // a viewer: the billers, the group, its items, one item's timeline; no action anywhere
        String billers = html(viewer, "/ops/billers");
        assertThat(billers).contains("id=\"biller-ops-broken\"").contains("id=\"biller-ops-fine\"")
                .contains(">closed<").doesNotContain(">Pause<").doesNotContain(">Rerun<");
        String failures = html(viewer, "/ops/failures");
        assertThat(failures).contains("CisRejected");
        String group = html(viewer, "/ops/failures/items?billerId=ops-broken&itemType=Payment&errorClass=CisRejected");
        assertThat(group).contains("/ops/items/ops-broken/1").contains("/ops/items/ops-broken/3")
                .doesNotContain("Dry run");
        String item = html(viewer, "/ops/items/ops-broken/1");
        assertThat(item).contains("Failed").contains("CisRejected").contains("declined")
                .doesNotContain("4111111111111111");
        assertThat(viewer.postForEntity("/ops/replay/dry-run", form("billerId", "ops-broken"), String.class)
                .getStatusCode().value()).isEqualTo(403);

        // an operator: pause and rerun on the billers page; a rerun claims the pending work now, audited
        assertThat(html(operator, "/ops/billers")).contains(">Pause<").contains(">Rerun<");
        operator.postForEntity("/ops/billers/ops-fine/rerun", form(), String.class); // answers with a redirect
        assertThat(operator.getForObject("/api/audit?limit=20", String.class)).contains("\"Target\":\"ops-fine\"")
                .contains("includeFailed=false (from /ops)");

        // an operator: the replay form, a dry run that says what will happen
        assertThat(html(operator, "/ops/failures/items?billerId=ops-broken&itemType=Payment&errorClass=CisRejected"))
                .contains("Dry run");
        var replay = form("billerId", "ops-broken", "itemType", "Payment",
                "errorClass", "CisRejected", "rate", "20", "canary", "1", "reason", "CIS fixed");
        ResponseEntity<String> confirm = operator.postForEntity("/ops/replay/dry-run", replay, String.class);
        assertThat(confirm.getBody()).contains("This replays <strong>3</strong> failed item(s)")
                .contains("<strong>20</strong> items/s").contains("the first\n      <strong>1</strong> alone");
        assertThat(probe.inState("ops-broken", "Failed")).isEqualTo(3);

        // the CIS is fixed; the operator confirms; the job page shows it through to the end
        BROKEN.remove("ops-broken");
        operator.postForEntity("/ops/replay", replay, String.class); // answers with the job's page (a redirect)
        com.fasterxml.jackson.databind.JsonNode latest = operator.getForObject("/api/replays?limit=1",
                com.fasterxml.jackson.databind.JsonNode.class).get("replays").get(0);
        assertThat(latest.get("reason").asText()).isEqualTo("CIS fixed");
        assertThat(latest.get("canary").asInt()).isEqualTo(1);
        String job = "/ops/replays/" + latest.get("replayId").asText();
        assertThat(html(operator, job)).contains("id=\"progress\"");
        await().atMost(Duration.ofSeconds(30)).until(() -> html(operator, job + "/progress")
                .contains(">Completed<"));
        assertThat(html(operator, job + "/progress")).contains("<span id=\"replayed\">3</span>")
                .contains("canary 1: Passed");
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("ops-broken", "Processed") == 3);
        assertThat(CIS.acceptedFor("ops-broken")).extracting(CisStub.Call::idempotencyKey).hasSize(3)
                .doesNotHaveDuplicates();

        // and the audit trail page has the dry run and the replay, by the operator
        assertThat(html(viewer, "/ops/audit")).contains("replay-dry-run").contains("(from /ops)")
                .contains(">operator<");
        // and the search finds an item by its idempotency key
        assertThat(html(viewer, "/ops/search?q=datapump-ops-fine-1")).contains("/ops/items/ops-fine/1");
    }

    @Test
    void aPageForAnUnknownBillerSaysSoInTheConsoleWhileTheApiKeepsItsJsonError() {
        // given: a biller id nobody registered
        org.springframework.http.HttpHeaders accept = new org.springframework.http.HttpHeaders();
        accept.setAccept(java.util.List.of(org.springframework.http.MediaType.TEXT_HTML));

        // when: a viewer opens its item page and an operator its edit page, and the API is asked for it
        ResponseEntity<String> item = PUMP.viewer().exchange("/ops/items/nobody/1",
                org.springframework.http.HttpMethod.GET, new org.springframework.http.HttpEntity<>(accept), String.class);
        ResponseEntity<String> edit = PUMP.operator().exchange("/ops/billers/nobody/edit",
                org.springframework.http.HttpMethod.GET, new org.springframework.http.HttpEntity<>(accept), String.class);
        ResponseEntity<String> api = PUMP.viewer().getForEntity("/api/billers/nobody", String.class);

        // then: 404 pages in the console's frame that name the biller; the API answers 404 in JSON
        for (ResponseEntity<String> page : java.util.List.of(item, edit)) {
            assertThat(page.getStatusCode().value()).isEqualTo(404);
            assertThat(page.getHeaders().getContentType().toString()).startsWith("text/html");
            assertThat(page.getBody()).contains("<h1>Not Found</h1>")
                    .contains("unknown biller &#39;nobody&#39;").contains("href=\"/ops/billers\"");
        }
        assertThat(api.getStatusCode().value()).isEqualTo(404);
        assertThat(api.getBody()).isEqualTo("{\"error\":\"unknown biller 'nobody'\"}");
    }
}
