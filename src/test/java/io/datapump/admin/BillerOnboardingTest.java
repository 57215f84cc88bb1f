package io.datapump.admin;

import static io.datapump.support.TestBillers.newShard;
import static io.datapump.support.TestBillers.pumpTables;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.datapump.local.LocalSetup;
import io.datapump.local.SourceRows;
import io.datapump.message.ItemType;
import io.datapump.support.CisStub;
import io.datapump.support.Ports;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.ShardProbe;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * An operator onboards a biller through the API instead of a hand-run INSERT and the migrate job: its new shard gets
 * the pump's tables before its registry row exists, and once its toggle is on its items reach its CIS once. A
 * duplicate id, bad input and an unreachable shard are refused with the reason and change nothing; a biller's own CIS
 * limit of 1 keeps one call in flight at its CIS.
 */
@PumpTest
class BillerOnboardingTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();

    @BeforeAll
    static void slowCisForTheLimitTest() {
        // the CIS of the limit test's billers answers after 150 ms, so calls overlap unless something stops them
        CIS.replyWith(call -> call.billerId().startsWith("slow-")
                ? new CisStub.Reply(200, 150, Map.of()) : CisStub.Reply.of(200));
    }

    @Test
    void anOnboardedBillersShardIsMigratedFirstAndOnceItsToggleIsOnItsItemsAreDeliveredOnce() {
        // given: a new, empty H2 shard under a fresh data folder, with the source tables its applications own
        String shardUrl = newShard("fresh-one");
        assertThat(pumpTables(shardUrl)).isZero();

        // when: the operator onboards it (toggle off, the default)
        ResponseEntity<JsonNode> onboarded = onboard(biller("fresh-one", shardUrl));

        // then: 201, its shard has the pump's tables, its row is there with the toggle off
        assertThat(onboarded.getStatusCode().value()).as(String.valueOf(onboarded.getBody())).isEqualTo(201);
        assertThat(onboarded.getHeaders().getLocation()).hasToString("/api/billers/fresh-one");
        assertThat(onboarded.getBody().get("shard").get("migrationsApplied").asInt()).isPositive();
        assertThat(pumpTables(shardUrl)).isPositive();
        JsonNode status = PUMP.operator().getForObject("/api/billers/fresh-one", JsonNode.class);
        assertThat(status.get("enabled").asBoolean()).isFalse();
        assertThat(status.get("shard").asText()).isEqualTo("ok");

        // when: items are written to its shard, and the operator switches its toggle on
        ShardProbe probe = PUMP.probe();
        for (int i = 0; i < 3; i++) {
            SourceRows.insert(probe.shard("fresh-one"), ItemType.PAYMENT);
        }
        assertThat(CIS.acceptedFor("fresh-one")).isEmpty();
        ResponseEntity<JsonNode> on = PUMP.operator().exchange("/api/billers/fresh-one", HttpMethod.PATCH,
                new HttpEntity<>(Map.of("enabled", true)), JsonNode.class);
        assertThat(on.getStatusCode().value()).isEqualTo(200);

        // then: each item reaches its CIS once
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("fresh-one", "Processed") == 3);
        assertThat(CIS.acceptedFor("fresh-one")).extracting(CisStub.Call::idempotencyKey).hasSize(3)
                .doesNotHaveDuplicates();
        // and the onboarding is in the audit trail
        assertThat(auditOutcomes("biller-onboard", "fresh-one")).anyMatch(o -> o.startsWith("onboarded"));
    }

    @Test
    void aDuplicateIdIsRefusedWith409AndTheRegisteredBillerIsUnchanged() {
        // given: a registered biller
        assertThat(onboard(biller("twice", newShard("twice"))).getStatusCode().value()).isEqualTo(201);

        // when: it is onboarded again, with another name and shard
        Map<String, Object> again = biller("twice", newShard("twice-other"));
        again.put("name", "Someone else");
        ResponseEntity<JsonNode> refused = onboard(again);

        // then: 409 with the reason, and the registry still has the first one
        assertThat(refused.getStatusCode().value()).isEqualTo(409);
        assertThat(refused.getBody().get("error").asText()).contains("'twice' is in the registry already");
        assertThat(PUMP.operator().getForObject("/api/billers/twice", JsonNode.class).get("name").asText())
                .isEqualTo("Biller twice");
        assertThat(PUMP.bean(io.datapump.registry.BillerRegistry.class).findFresh("twice").orElseThrow()
                .shardJdbcUrl()).doesNotContain("twice-other");
        assertThat(auditOutcomes("biller-onboard", "twice")).anyMatch(o -> o.startsWith("refused: biller 'twice'"));
    }

    @Test
    void anUnreachableShardIsRefusedWithTheReasonAndNoRowIsWrittenAndACorrectedAttemptSucceeds() {
        // given: a shard URL where no database listens
        String nowhere = "jdbc:h2:tcp://127.0.0.1:" + Ports.free() + "/nowhere" + LocalSetup.H2_OPTIONS
                .replace(";AUTO_SERVER=TRUE", "");

        // when
        ResponseEntity<JsonNode> refused = onboard(biller("unreachable", nowhere));

        // then: a server-side error that says why, and no registry row
        assertThat(refused.getStatusCode().value()).isEqualTo(502);
        assertThat(refused.getBody().get("error").asText()).contains("cannot be reached")
                .contains("nothing was registered").contains("Connection refused");
        assertThat(PUMP.operator().getForEntity("/api/billers/unreachable", String.class).getStatusCode().value())
                .isEqualTo(404);

        // and when: the operator corrects the URL, the same id is onboarded at once (no back-off left over)
        assertThat(onboard(biller("unreachable", newShard("unreachable"))).getStatusCode().value()).isEqualTo(201);
    }

    @Test
    void badInputIsRefusedWith400AndTheReason() {
        String shard = newShard("bad-input");
        Map<String, String> reasons = new HashMap<>();
        for (Map.Entry<String, Object[]> bad : Map.of(
                "id", new Object[] {"id", "Bad_Id!"},
                "lane", new Object[] {"lane", "staging"},
                "cis", new Object[] {"cisBaseUrl", "ftp://cis.example"},
                "secret", new Object[] {"cisAuth", Map.of("kind", "api-key", "secretRef", "../etc/passwd")},
                "limit", new Object[] {"cisMaxConcurrent", 1001},
                "password", new Object[] {"shardJdbcUrl", "jdbc:sqlserver://db;password=hunter2"},
                "mode", new Object[] {"mode", "push"}).entrySet()) {
            // given: a good biller with one bad setting
            Map<String, Object> biller = biller("bad-input", shard);
            biller.put((String) bad.getValue()[0], bad.getValue()[1]);

            // when
            ResponseEntity<JsonNode> refused = onboard(biller);

            // then
            assertThat(refused.getStatusCode().value()).as(bad.getKey()).isEqualTo(400);
            reasons.put(bad.getKey(), refused.getBody().get("error").asText());
        }
        assertThat(reasons.get("id")).contains("lower-case letters, digits and dashes");
        assertThat(reasons.get("lane")).contains("unknown lane 'staging'");
        assertThat(reasons.get("cis")).contains("cisBaseUrl must be an http(s):// URL");
        assertThat(reasons.get("secret")).contains("never the secret itself");
        assertThat(reasons.get("limit")).contains("cisMaxConcurrent must be 1 to 1000");
        assertThat(reasons.get("password")).contains("must not carry a password").doesNotContain("hunter2");
        assertThat(reasons.get("mode")).contains("unknown biller mode 'push'");
        assertThat(PUMP.operator().getForEntity("/api/billers/bad-input", String.class).getStatusCode().value())
                .isEqualTo(404);
    }

    @Test
    void aBillersOwnCisLimitOfOneKeepsOneCallInFlightAtItsCisWhileABillerWithoutOneOverlaps() {
        // given: two billers with the same slow CIS and the same items; one limited to 1 call in flight
        Map<String, Object> limited = biller("slow-limited", newShard("slow-limited"));
        limited.put("cisMaxConcurrent", 1);
        limited.put("enabled", true);
        Map<String, Object> unlimited = biller("slow-unlimited", newShard("slow-unlimited"));
        unlimited.put("enabled", true);
        assertThat(onboard(limited).getStatusCode().value()).isEqualTo(201);
        assertThat(onboard(unlimited).getStatusCode().value()).isEqualTo(201);

        // when: 8 items each
        ShardProbe probe = PUMP.probe();
        for (int i = 0; i < 8; i++) {
            SourceRows.insert(probe.shard("slow-limited"), ItemType.PAYMENT);
            SourceRows.insert(probe.shard("slow-unlimited"), ItemType.PAYMENT);
        }

        // then: all delivered; the limited biller's CIS never had two calls at once, the other's did
        await().atMost(Duration.ofSeconds(60)).until(() -> probe.inState("slow-limited", "Processed") == 8
                && probe.inState("slow-unlimited", "Processed") == 8);
        assertThat(CIS.maxConcurrent("slow-limited")).isEqualTo(1);
        assertThat(CIS.maxConcurrent("slow-unlimited")).isGreaterThan(1);
        assertThat(CIS.acceptedFor("slow-limited")).extracting(CisStub.Call::idempotencyKey).hasSize(8)
                .doesNotHaveDuplicates();
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    static Map<String, Object> biller(String id, String shardUrl) {
        Map<String, Object> b = new HashMap<>();
        b.put("id", id);
        b.put("name", "Biller " + id);
        b.put("lane", "production");
        b.put("shardJdbcUrl", shardUrl);
        b.put("cisBaseUrl", CIS.baseUrl(id));
        b.put("mode", "adapter");
        return b;
    }

    static ResponseEntity<JsonNode> onboard(Map<String, Object> biller) {
        return PUMP.operator().postForEntity("/api/billers", biller, JsonNode.class);
    }

    static List<String> auditOutcomes(String action, String target) {
        JsonNode entries = PUMP.operator().getForObject("/api/audit?limit=1000", JsonNode.class).get("entries");
        List<String> outcomes = new java.util.ArrayList<>();
        entries.forEach(e -> {
            if (action.equals(e.path("Action").asText()) && target.equals(e.path("Target").asText())) {
                outcomes.add(e.path("Outcome").asText());
            }
        });
        return outcomes;
    }
}
