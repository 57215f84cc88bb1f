package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.datapump.local.SourceRows;
import io.datapump.message.ItemType;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub;
import io.datapump.support.DeadLetterQueue;
import io.datapump.support.ShardProbe;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.jms.core.JmsTemplate;

/** The operator's replay: failure groups, dry runs, rate-limited replay jobs, dead-letter replay, rerun, audit. */
@PumpTest
class ReplayTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();
    /** Billers whose CIS rejects everything (400) until a test says it is fixed. */
    static final java.util.Set<String> BROKEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void billers() {
        for (String id : List.of("group", "both-ways", "paced", "archived", "stubborn", "canary-fails",
                "canary-passes", "cancelled")) {
            PUMP.biller(id).create();
        }
        PUMP.biller("replay-off").disabled().create();
    }

    TestRestTemplate http;

    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired JmsTemplate jms;
    @Autowired io.datapump.recovery.Archiver archiver;
    @Value("${datapump.topology.production.dead-letter-queue}") String deadLetterQueue;

    ShardProbe probe;

    @BeforeEach
    void setUp() {
        http = PUMP.operator();
        probe = new ShardProbe(registry, shards);
        CIS.respondWith(call -> BROKEN.contains(call.billerId()) ? 400 : 200);
    }

    @Test
    void failureGroupIsListedDryRunChangesNothingAndReplayDeliversIt() {
        // given: five payments the CIS rejected
        BROKEN.add("group");
        failed("group", 5);

        // when: the operator lists failure groups
        JsonNode groups = http.getForObject("/api/failures", JsonNode.class).get("groups");

        // then
        JsonNode group = find(groups, "group");
        assertThat(group.get("itemType").asText()).isEqualTo("Payment");
        assertThat(group.get("errorClass").asText()).isEqualTo("CisRejected");
        assertThat(group.get("count").asLong()).isEqualTo(5);
        assertThat(Instant.parse(group.get("firstSeen").asText())).isBeforeOrEqualTo(Instant.parse(group.get("lastSeen").asText()));

        // when: a dry run of that group
        JsonNode dry = http.postForObject("/api/replay",
                Map.of("billerId", "group", "errorClass", "CisRejected", "dryRun", true), JsonNode.class);

        // then: count and sample, nothing replayed
        assertThat(dry.get("count").asLong()).isEqualTo(5);
        assertThat(dry.get("sample")).hasSize(5);
        assertThat(probe.inState("group", "Failed")).isEqualTo(5);

        // when: the CIS is fixed and the group is replayed
        BROKEN.remove("group");
        ResponseEntity<JsonNode> accepted = http.postForEntity("/api/replay",
                Map.of("billerId", "group", "errorClass", "CisRejected", "reason", "CIS fixed"), JsonNode.class);

        // then: the job runs to completion and every item is delivered once
        assertThat(accepted.getStatusCode().value()).isEqualTo(202);
        assertThat(accepted.getBody().get("selected").asInt()).isEqualTo(5);
        String location = accepted.getHeaders().getLocation().toString();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                "Completed".equals(http.getForObject(location, JsonNode.class).get("status").asText()));
        assertThat(http.getForObject(location, JsonNode.class).get("replayed").asInt()).isEqualTo(5);
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("group", "Processed") == 5);
        assertThat(CIS.acceptedFor("group")).extracting(CisStub.Call::idempotencyKey).hasSize(5).doesNotHaveDuplicates();
        assertThat(find(http.getForObject("/api/failures", JsonNode.class).get("groups"), "group")).isNull();

        // and: every call is in the audit trail
        JsonNode audit = http.getForObject("/api/audit", JsonNode.class).get("entries");
        assertThat(audit.findValuesAsText("Action")).contains("replay-dry-run", "replay");
    }

    @Test
    void itemsReplayedFromTheDeadLetterQueueAndFromTheTableAreDeliveredOnce() {
        // given: three failed items, each also on the dead-letter queue
        BROKEN.add("both-ways");
        List<Long> ids = failed("both-ways", 3);
        DeadLetterQueue dlq = new DeadLetterQueue(jms, deadLetterQueue);
        await().atMost(Duration.ofSeconds(10)).until(() -> ids.stream().allMatch(id -> !dlq.forItem("both-ways", id).isEmpty()));
        BROKEN.remove("both-ways");

        // when: the first is replayed from the control table, then the whole dead-letter queue
        ResponseEntity<JsonNode> one = http.postForEntity("/api/replay",
                Map.of("billerId", "both-ways", "recordIds", List.of(ids.get(0))), JsonNode.class);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "Completed".equals(http.getForObject(one.getHeaders().getLocation(), JsonNode.class).get("status").asText()));
        JsonNode dry = http.postForObject("/api/replay/dead-letters?lane=production&dryRun=true", null, JsonNode.class);
        JsonNode drained = http.postForObject("/api/replay/dead-letters?lane=production", null, JsonNode.class);

        // then: the queue held them, two came back from it, the first was skipped, and each is delivered once
        assertThat(dry.get("count").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(drained.get("replayed").asInt()).isEqualTo(2);
        assertThat(drained.get("skipped").asInt()).isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("both-ways", "Processed") == 3);
        assertThat(CIS.acceptedFor("both-ways")).extracting(CisStub.Call::idempotencyKey).hasSize(3).doesNotHaveDuplicates();
        assertThat(dlq.forItem("both-ways", ids.get(1))).isEmpty();
    }

    @Test
    void itemThatFailsAgainDuringADeadLetterReplayIsReplayedOnceAndStaysOnTheQueue() {
        // given: an item whose CIS keeps rejecting it, on the dead-letter queue
        BROKEN.add("stubborn");
        List<Long> ids = failed("stubborn", 1);
        DeadLetterQueue dlq = new DeadLetterQueue(jms, deadLetterQueue);
        await().atMost(Duration.ofSeconds(10)).until(() -> !dlq.forItem("stubborn", ids.get(0)).isEmpty());
        int callsBefore = CIS.attemptsOf("datapump-stubborn-" + ids.get(0));

        // when: the dead-letter queue is replayed (the CIS is still broken)
        JsonNode drained = http.postForObject("/api/replay/dead-letters?lane=production&limit=50", null, JsonNode.class);

        // then: the item was tried once more, not fifty times, and is back on the queue for later
        assertThat(drained.get("replayed").asInt()).isLessThanOrEqualTo(drained.get("received").asInt());
        await().atMost(Duration.ofSeconds(10)).until(() -> !dlq.forItem("stubborn", ids.get(0)).isEmpty());
        assertThat(CIS.attemptsOf("datapump-stubborn-" + ids.get(0)) - callsBefore).isLessThanOrEqualTo(1);
        assertThat(drained.get("received").asInt()).isLessThan(50);

        // and: once the CIS is fixed, the next replay delivers it (and leaves the queue as it found it)
        BROKEN.remove("stubborn");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            http.postForObject("/api/replay/dead-letters?lane=production", null, JsonNode.class);
            return probe.inState("stubborn", "Processed") == 1;
        });
    }

    @Test
    void replayJobKeepsToItsRate() {
        // given: twenty failed items
        BROKEN.add("paced");
        failed("paced", 20);
        BROKEN.remove("paced");

        // when: replayed at 5 items per second
        Instant start = Instant.now();
        ResponseEntity<JsonNode> accepted = http.postForEntity("/api/replay",
                Map.of("billerId", "paced", "rate", 5), JsonNode.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> "Completed".equals(
                http.getForObject(accepted.getHeaders().getLocation(), JsonNode.class).get("status").asText()));

        // then: it took at least the three seconds the rate allows for twenty items
        assertThat(Duration.between(start, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("paced", "Processed") == 20);
    }

    @Test
    void aCanaryThatFailsAgainStopsTheReplayAndNothingMoreIsReplayed() {
        // given: ten items the CIS rejected, and it still rejects them
        BROKEN.add("canary-fails");
        List<Long> ids = failed("canary-fails", 10);
        int callsBefore = CIS.calls().size();

        // when: the group is replayed with a canary of two
        ResponseEntity<JsonNode> accepted = http.postForEntity("/api/replay",
                Map.of("billerId", "canary-fails", "canary", 2, "reason", "try two first"), JsonNode.class);
        String location = accepted.getHeaders().getLocation().toString();

        // then: the job stops as CanaryFailed, saying which item failed again
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "CanaryFailed".equals(http.getForObject(location, JsonNode.class).get("status").asText()));
        JsonNode job = http.getForObject(location, JsonNode.class);
        assertThat(job.get("replayed").asInt()).isEqualTo(2);
        assertThat(job.get("canaryIds")).hasSize(2);
        assertThat(job.get("error").asText()).contains("failed again").contains("CisRejected")
                .contains("nothing more was replayed");
        // and only the two canary items went to the CIS again; the other eight were not touched
        assertThat(CIS.calls().subList(callsBefore, CIS.calls().size())).hasSize(2)
                .allMatch(c -> c.billerId().equals("canary-fails"));
        assertThat(probe.inState("canary-fails", "Failed")).isEqualTo(10);
        assertThat(ids.subList(2, 10)).allMatch(id -> probe.attempts("canary-fails", id).size() == 1);

        // and when: the CIS is fixed and the group replayed again, every item is delivered once
        BROKEN.remove("canary-fails");
        replayAll("canary-fails", 10);
    }

    /** Replays every failed item of the biller and waits until {@code n} of its items are Processed. */
    private void replayAll(String billerId, int n) {
        http.postForEntity("/api/replay", Map.of("billerId", billerId, "rate", 100), JsonNode.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState(billerId, "Processed") == n);
        assertThat(CIS.acceptedFor(billerId)).extracting(CisStub.Call::idempotencyKey).hasSize(n)
                .doesNotHaveDuplicates();
    }

    @Test
    void aCanaryThatIsDeliveredLetsTheReplayGoOnWithTheRest() {
        // given: ten failed items, and the CIS fixed
        BROKEN.add("canary-passes");
        failed("canary-passes", 10);
        BROKEN.remove("canary-passes");

        // when: replayed with a canary of three
        ResponseEntity<JsonNode> accepted = http.postForEntity("/api/replay",
                Map.of("billerId", "canary-passes", "canary", 3), JsonNode.class);
        String location = accepted.getHeaders().getLocation().toString();

        // then: the canary passes, the rest follow, each item is delivered once
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "Completed".equals(http.getForObject(location, JsonNode.class).get("status").asText()));
        JsonNode job = http.getForObject(location, JsonNode.class);
        assertThat(job.get("canaryState").asText()).isEqualTo("Passed");
        assertThat(job.get("replayed").asInt()).isEqualTo(10);
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("canary-passes", "Processed") == 10);
        assertThat(CIS.acceptedFor("canary-passes")).extracting(CisStub.Call::idempotencyKey).hasSize(10)
                .doesNotHaveDuplicates();
    }

    @Test
    void aRunningReplayIsCancelledBeforeItsNextItemAndTheRestStayFailed() {
        // given: thirty failed items, replayed at two a second
        BROKEN.add("cancelled");
        failed("cancelled", 30);
        BROKEN.remove("cancelled");
        ResponseEntity<JsonNode> accepted = http.postForEntity("/api/replay",
                Map.of("billerId", "cancelled", "rate", 2), JsonNode.class);
        String location = accepted.getHeaders().getLocation().toString();
        await().atMost(Duration.ofSeconds(20)).until(() ->
                http.getForObject(location, JsonNode.class).get("replayed").asInt() >= 1);

        // when: the operator cancels it
        ResponseEntity<JsonNode> cancel = http.postForEntity(location + "/cancel", null, JsonNode.class);

        // then: it stops as Cancelled, saying by whom; what it did not reach stays Failed
        assertThat(cancel.getStatusCode().value()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                "Cancelled".equals(http.getForObject(location, JsonNode.class).get("status").asText()));
        JsonNode job = http.getForObject(location, JsonNode.class);
        int replayed = job.get("replayed").asInt();
        assertThat(replayed).isBetween(1, 29);
        assertThat(job.get("error").asText()).contains("cancelled by operator");
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState("cancelled", "Processed") == replayed);
        assertThat(probe.inState("cancelled", "Failed")).isEqualTo(30 - replayed);
        // and: cancelling again is refused, and both calls are audited
        assertThat(http.postForEntity(location + "/cancel", null, JsonNode.class).getStatusCode().value())
                .isEqualTo(409);
        JsonNode audit = http.getForObject("/api/audit", JsonNode.class).get("entries");
        assertThat(audit.findValuesAsText("Action")).contains("replay-cancel");
        // and: a viewer may not cancel
        assertThat(PUMP.viewer().postForEntity(location + "/cancel", null, String.class).getStatusCode().value())
                .isEqualTo(403);
        // and: a later replay delivers the rest, each once
        replayAll("cancelled", 30);
    }

    @Test
    void archivedFailureIsStillReplayedByRecordId() {
        // given: a failed item that the archiver has moved out of the live tables
        BROKEN.add("archived");
        long id = failed("archived", 1).get(0);
        BROKEN.remove("archived");
        archiver.archive(registry.require("archived"), Instant.now(), Instant.now());
        assertThat(probe.state("archived", id)).isNull();

        // when: replayed by its record id
        JsonNode dry = http.postForObject("/api/replay",
                Map.of("billerId", "archived", "recordIds", List.of(id), "dryRun", true), JsonNode.class);
        ResponseEntity<JsonNode> accepted = http.postForEntity("/api/replay",
                Map.of("billerId", "archived", "recordIds", List.of(id)), JsonNode.class);

        // then: found in the archive, restored, and delivered, with its earlier attempt still on record
        assertThat(dry.get("count").asInt()).isEqualTo(1);
        assertThat(accepted.getStatusCode().value()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> "Processed".equals(probe.state("archived", id)));
        assertThat(probe.attempts("archived", id)).extracting(a -> a.get("Outcome")).containsExactly("Failed", "Succeeded");
    }

    @Test
    void badReplayRequestsAreRefusedWithAReason() {
        assertRefused(Map.of(), 400, "select what to replay");
        assertRefused(Map.of("recordIds", List.of(1)), 400, "give the billerId");
        assertRefused(Map.of("all", true, "rate", 0), 400, "rate must be between");
        assertRefused(Map.of("all", true, "failedFrom", "2026-01-02T00:00:00Z", "failedTo", "2026-01-01T00:00:00Z"), 400,
                "failedFrom must be before failedTo");
        assertRefused(Map.of("billerId", "nobody"), 404, "unknown biller");
        ResponseEntity<JsonNode> garbage = http.postForEntity("/api/replay",
                new org.springframework.http.HttpEntity<>("{not json", jsonHeaders()), JsonNode.class);
        assertThat(garbage.getStatusCode().value()).isEqualTo(400);
        assertThat(garbage.getBody().get("error").asText()).contains("not valid JSON");
    }

    @Test
    void rerunRefusesUnknownAndDisabledBillers() {
        assertThat(http.postForEntity("/api/billers/nobody/rerun", null, JsonNode.class).getStatusCode().value())
                .isEqualTo(404);
        ResponseEntity<JsonNode> off = http.postForEntity("/api/billers/replay-off/rerun", null, JsonNode.class);
        assertThat(off.getStatusCode().value()).isEqualTo(409);
        assertThat(off.getBody().get("error").asText()).contains("disabled");
    }

    private void assertRefused(Map<String, Object> body, int status, String reason) {
        ResponseEntity<JsonNode> response = http.postForEntity("/api/replay", body, JsonNode.class);
        assertThat(response.getStatusCode().value()).as(body.toString()).isEqualTo(status);
        assertThat(response.getBody().get("error").asText()).contains(reason);
    }

    private static org.springframework.http.HttpHeaders jsonHeaders() {
        org.springframework.http.HttpHeaders h = new org.springframework.http.HttpHeaders();
        h.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
        return h;
    }

    /** Inserts n payments for a biller whose CIS rejects them, and waits until the pump has failed them all. */
    private List<Long> failed(String billerId, int n) {
        Shard shard = probe.shard(billerId);
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(SourceRows.insert(shard, ItemType.PAYMENT));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> probe.inState(billerId, "Failed") == n);
        return ids;
    }

    private static JsonNode find(JsonNode groups, String billerId) {
        for (JsonNode g : groups) {
            if (g.get("billerId").asText().equals(billerId)) {
                return g;
            }
        }
        return null;
    }
}
