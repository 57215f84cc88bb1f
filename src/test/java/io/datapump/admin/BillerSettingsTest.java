package io.datapump.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.datapump.DataPumpProperties;
import io.datapump.local.SourceRows;
import io.datapump.message.ItemType;
import io.datapump.support.CisStub;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.ShardProbe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;

/**
 * An operator changes a biller's registry row through the API instead of a hand-run SQL update: its CIS URL (the next
 * items go there), its credentials reference (a secret's name; an incomplete or path-like one is refused with the
 * reason) and its toggle; every change and refusal is audited; a viewer may not change anything.
 */
@PumpTest
class BillerSettingsTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();

    @Test
    void anOperatorMovesABillersCisAndItsNextItemsGoToTheNewOne() {
        // given: a biller whose items are delivered to its CIS
        PUMP.biller("moving").items(2, 0).create();
        ShardProbe probe = PUMP.probe();
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("moving", "Processed") == 2);

        // when: the operator points it at another CIS URL and new items come
        ResponseEntity<JsonNode> changed = patch(Map.of("cisBaseUrl", CIS.baseUrl("moved-here")), "moving");
        SourceRows.insert(probe.shard("moving"), ItemType.PAYMENT);
        SourceRows.insert(probe.shard("moving"), ItemType.PAYMENT);

        // then: the answer shows before and after, and the new items reach the new URL
        assertThat(changed.getStatusCode().value()).isEqualTo(200);
        assertThat(changed.getBody().get("before").get("cisBaseUrl").asText()).endsWith("/cis/moving");
        assertThat(changed.getBody().get("after").get("cisBaseUrl").asText()).endsWith("/cis/moved-here");
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("moving", "Processed") == 4);
        assertThat(CIS.acceptedFor("moved-here")).hasSize(2);
        assertThat(CIS.acceptedFor("moving")).hasSize(2);
    }

    @Test
    void credentialsAreASecretsNameAndWhatThePumpCouldNotUseIsRefusedWithTheReason() {
        // given
        PUMP.biller("careful").create();

        // when: OAuth2 without a token URL, a secret name that is a path, then a complete api-key setting
        ResponseEntity<JsonNode> incomplete = patch(Map.of("cisAuth",
                Map.of("kind", "oauth2-client-credentials", "secretRef", "careful-secret", "clientId", "pump")),
                "careful");
        ResponseEntity<JsonNode> path = patch(Map.of("cisAuth", Map.of("kind", "api-key", "secretRef",
                "../../etc/passwd")), "careful");
        ResponseEntity<JsonNode> good = patch(Map.of("cisAuth", Map.of("kind", "api-key", "secretRef",
                "careful-api-key", "header", "X-Careful-Key"), "enabled", false), "careful");

        // then: the first two are refused with the reason, the third is applied
        assertThat(incomplete.getStatusCode().value()).isEqualTo(400);
        assertThat(incomplete.getBody().toString()).contains("CisTokenUrl is empty");
        assertThat(path.getStatusCode().value()).isEqualTo(400);
        assertThat(path.getBody().toString()).contains("never the secret itself");
        assertThat(good.getStatusCode().value()).isEqualTo(200);
        assertThat(good.getBody().get("after").get("cisAuth").get("kind").asText()).isEqualTo("api-key");
        assertThat(good.getBody().get("after").get("enabled").asBoolean()).isFalse();

        // and: a viewer may not change a biller, an unknown one is 404, and every attempt is audited
        assertThat(PUMP.viewer().exchange("/api/billers/careful", HttpMethod.PATCH,
                new HttpEntity<>(Map.of("enabled", true)), String.class).getStatusCode().value()).isEqualTo(403);
        assertThat(patch(Map.of("enabled", true), "nobody").getStatusCode().value()).isEqualTo(404);
        JsonNode audit = PUMP.operator().getForObject("/api/audit", JsonNode.class).get("entries");
        assertThat(audit.findValuesAsText("Action").stream().filter("biller-change"::equals).count())
                .isGreaterThanOrEqualTo(4);
        assertThat(audit.findValuesAsText("Outcome")).anyMatch(o -> o.startsWith("refused: cisAuth oauth2"));
    }

    @Test
    void aBillersStatusShowsItsCisLimitAndWhetherItIsItsOwnOrTheDefault() {
        // given: two billers on the default CIS limit
        PUMP.biller("own-limit").create();
        PUMP.biller("default-limit").create();
        int defaultLimit = status("default-limit").get("cisMaxConcurrent").asInt();

        // when: the operator gives one of them a limit of its own
        assertThat(patch(Map.of("cisMaxConcurrent", 3), "own-limit").getStatusCode().value()).isEqualTo(200);

        // then: its status shows that limit, from its registry row; the other still shows the default
        assertThat(status("own-limit").get("cisMaxConcurrent").asInt()).isEqualTo(3);
        assertThat(status("own-limit").get("cisMaxConcurrentFrom").asText()).isEqualTo("biller");
        assertThat(status("default-limit").get("cisMaxConcurrentFrom").asText()).isEqualTo("default");
        assertThat(defaultLimit).isEqualTo(PUMP.bean(DataPumpProperties.class).getCis().getMaxConcurrentPerBiller());

        // and back to the default with 0
        patch(Map.of("cisMaxConcurrent", 0), "own-limit");
        assertThat(status("own-limit").get("cisMaxConcurrent").asInt()).isEqualTo(defaultLimit);
        assertThat(status("own-limit").get("cisMaxConcurrentFrom").asText()).isEqualTo("default");
    }

    private static JsonNode status(String billerId) {
        return PUMP.viewer().getForObject("/api/billers/" + billerId, JsonNode.class);
    }

    private static ResponseEntity<JsonNode> patch(Map<String, Object> change, String billerId) {
        return PUMP.operator().exchange("/api/billers/" + billerId, HttpMethod.PATCH, new HttpEntity<>(change),
                JsonNode.class);
    }
}
