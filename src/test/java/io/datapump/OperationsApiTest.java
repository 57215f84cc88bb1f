package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.datapump.local.SourceRows;
import io.datapump.message.ItemType;
import io.datapump.metrics.BacklogGauges;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub;
import io.datapump.support.ShardProbe;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/** The operator's API: pause and resume, run reports, the audit of every call, and the OpenAPI document. */
@PumpTest
class OperationsApiTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();

    static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @BeforeAll
    static void billers() {
        PUMP.biller("steady").items(25, 5).create();
        PUMP.biller("held").paused().items(12, 0).create();
    }

    TestRestTemplate http;

    /** The admin API needs a user: the operator may read and act. */
    @BeforeEach
    void operator() {
        http = PUMP.operator();
    }
    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired BacklogGauges gauges;
    ShardProbe probe;

    @BeforeEach
    void probe() {
        probe = new ShardProbe(registry, shards);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("steady", "Processed") >= 30);
    }

    @Test
    void pausedBillerIsSkippedUntilResumedThenDelivered() {
        // given: "held" started paused while "steady" was delivered in full (many publisher cycles ran)
        // then: nothing of "held" was claimed or sent
        assertThat(probe.controlRows("held")).isZero();
        assertThat(CIS.acceptedFor("held")).isEmpty();

        // when: an operator resumes it
        Map<String, Object> resumed = post("/api/billers/held/resume");

        // then: its work is delivered, and the API said what changed
        assertThat(resumed).containsEntry("paused", false).containsEntry("changed", true);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("held", "Processed") == 12);
        assertThat(biller("held")).containsEntry("paused", false);
    }

    @Test
    void pausingStopsNewClaimsAndResumingPicksThemUp() {
        // given: "steady" is paused, then new work arrives in its shard
        assertThat(post("/api/billers/steady/pause")).containsEntry("paused", true);
        Instant pausedAt = Instant.now();
        for (int i = 0; i < 5; i++) {
            SourceRows.insert(shards.forBiller(registry.require("steady")), ItemType.PAYMENT);
        }

        // when: at least three publisher cycles have run since
        await().atMost(Duration.ofSeconds(20)).until(() -> runs("publisher-cycle", null, pausedAt).size() >= 3);

        // then: the new rows were not claimed
        assertThat(probe.inState("steady", "Processed")).isEqualTo(30);
        assertThat(biller("steady")).containsEntry("paused", true);

        // and when resumed, they are delivered
        post("/api/billers/steady/resume");
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("steady", "Processed") == 35);
    }

    @Test
    void runReportsShowEveryPublisherCycleAndBillerBatch() {
        // given: "steady" was delivered (30 items in batches of 10)

        // when: its batch reports and the publisher's cycle reports are read
        List<Map<String, Object>> batches = runs("biller-batch", "steady", null);
        List<Map<String, Object>> cycles = runs("publisher-cycle", null, null);

        // then: the batches claimed every item once, none failed, and each has a duration
        assertThat(batches).isNotEmpty().allSatisfy(b -> assertThat(b).containsKeys("DurationMs", "StartedAt"));
        assertThat(batches.stream().mapToInt(b -> ((Number) b.get("ItemsClaimed")).intValue()).sum()).isGreaterThanOrEqualTo(30);
        assertThat(batches.stream().mapToInt(b -> ((Number) b.get("ItemsFailed")).intValue()).sum()).isZero();
        // and: cycles say how many billers were scanned, published and skipped, and why
        assertThat(cycles).isNotEmpty();
        assertThat(cycles).anySatisfy(c -> assertThat(((Number) c.get("BillersPublished")).intValue()).isPositive());
        assertThat(cycles).anySatisfy(c -> assertThat((String) c.get("SkipReasons")).contains("nothing pending"));

        // and: a bad selection is refused clearly
        ResponseEntity<Map<String, Object>> bad = http.exchange("/api/runs?kind=weekly", HttpMethod.GET, null, JSON);
        assertThat(bad.getStatusCode().value()).isEqualTo(400);
        assertThat(bad.getBody().toString()).contains("kind must be");
    }

    @Test
    void everyApiCallIsAuditedReadsAndRefusalsIncluded() {
        // given: a read, and an action refused for an unknown biller
        http.getForEntity("/api/billers/steady", String.class);
        ResponseEntity<String> refused = http.postForEntity("/api/billers/nobody/pause", null, String.class);
        assertThat(refused.getStatusCode().value()).isEqualTo(404);

        // when: the audit trail is read
        List<Map<String, Object>> entries = audit();

        // then: both calls are on it, with what came of them
        assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("Action", "GET /api/billers/steady")
                .containsEntry("Outcome", "HTTP 200"));
        assertThat(entries).anySatisfy(e -> assertThat(e).containsEntry("Action", "pause")
                .containsEntry("Target", "nobody"));
    }

    @Test
    void openApiDocumentDescribesTheAdminApi() {
        // when
        Map<String, Object> doc = http.exchange("/v3/api-docs", HttpMethod.GET, null, JSON).getBody();

        // then: every admin operation is in it
        @SuppressWarnings("unchecked")
        Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
        assertThat(paths).containsKeys("/api/billers", "/api/billers/{id}", "/api/billers/{id}/pause",
                "/api/billers/{id}/resume", "/api/billers/{id}/rerun", "/api/failures", "/api/replay",
                "/api/replays", "/api/replay/dead-letters", "/api/runs", "/api/audit");
    }

    private Map<String, Object> post(String path) {
        ResponseEntity<Map<String, Object>> response = http.exchange(path, HttpMethod.POST, null, JSON);
        assertThat(response.getStatusCode().is2xxSuccessful()).as(path + " " + response.getBody()).isTrue();
        return response.getBody();
    }

    private Map<String, Object> biller(String id) {
        return http.exchange("/api/billers/" + id, HttpMethod.GET, null, JSON).getBody();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> runs(String kind, String billerId, Instant since) {
        String query = "/api/runs?limit=1000&kind=" + kind + (billerId == null ? "" : "&billerId=" + billerId)
                + (since == null ? "" : "&since=" + since);
        return (List<Map<String, Object>>) http.exchange(query, HttpMethod.GET, null, JSON).getBody().get("runs");
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> audit() {
        return (List<Map<String, Object>>) http.exchange("/api/audit?limit=1000", HttpMethod.GET, null, JSON)
                .getBody().get("entries");
    }
}
