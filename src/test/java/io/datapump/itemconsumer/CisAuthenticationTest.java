package io.datapump.itemconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;

/**
 * Each biller's CIS gets the credentials its registry row names, read from the mounted secrets: an api key in its
 * header, an OAuth2 bearer token fetched once per expiry window and refreshed once on a 401. Refused credentials put
 * the items in the CisUnauthorized failure group with the reason; once the secret is fixed, a replay delivers each
 * once. Where authentication is required, a biller without any is misconfigured and its items wait.
 */
@PumpTest
class CisAuthenticationTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();

    @Autowired DataPumpProperties properties;
    @Autowired io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void anApiKeyBillerIsDeliveredWithItsKeyAndARotatedKeyIsUsedWithoutARestart() throws Exception {
        // given: a biller whose CIS wants the key of the mounted secret in X-Acme-Key
        AtomicReference<String> key = new AtomicReference<>("key-one");
        Path secret = secret("keyed-cis-key", key.get());
        CIS.requireApiKey("keyed", "X-Acme-Key", key::get);
        PUMP.biller("keyed").apiKey("keyed-cis-key", "X-Acme-Key").items(4, 1).create();
        ShardProbe probe = PUMP.probe();

        // when: its items are pumped
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("keyed", "Processed") == 5);

        // then: every call carried the key; none was refused
        assertThat(CIS.acceptedFor("keyed")).hasSize(5);
        assertThat(CIS.credentialsSeen("keyed")).containsOnly("key-one");

        // when: the key is rotated (the CIS and the mount both change) and more items come
        key.set("key-two");
        rewrite(secret, "key-two");
        newPayments("keyed", 3);

        // then: they are delivered with the new key, no restart
        await().atMost(Duration.ofSeconds(30)).until(() -> CIS.acceptedFor("keyed").size() == 8);
        assertThat(CIS.credentialsSeen("keyed")).endsWith("key-two", "key-two", "key-two");
        assertThat(CIS.calls()).filteredOn(c -> c.billerId().equals("keyed")).allMatch(c -> c.status() == 200);
    }

    @Test
    void anOAuth2BillerFetchesOneTokenForAllItsItemsAndA401RefreshesItOnce() throws Exception {
        // given: a biller whose CIS wants bearer tokens from the token endpoint, with 40 items
        secret("bearer-client-secret", "s3cret");
        CIS.requireBearer("bearer", "pump-bearer", () -> "s3cret");
        int before = CIS.tokenFetches();
        PUMP.biller("bearer").oauth2("bearer-client-secret", "pump-bearer").items(30, 10).create();
        ShardProbe probe = PUMP.probe();

        // when: they are pumped (up to eight at a time)
        await().atMost(Duration.ofSeconds(60)).until(() -> probe.inState("bearer", "Processed") == 40);

        // then: one token served them all
        assertThat(CIS.tokenFetches() - before).isEqualTo(1);
        assertThat(CIS.credentialsSeen("bearer")).hasSize(40).containsOnly(CIS.credentialsSeen("bearer").get(0));

        // when: the CIS stops accepting that token and one more item comes
        CIS.revokeTokens();
        newPayments("bearer", 1);

        // then: its first call is refused, one new token is fetched, the same request is sent again and accepted
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("bearer", "Processed") == 41);
        assertThat(CIS.tokenFetches() - before).isEqualTo(2);
        assertThat(CIS.calls()).filteredOn(c -> c.billerId().equals("bearer")).hasSize(42)
                .extracting(CisStub.Call::status).containsOnlyOnce(401);
        assertThat(CIS.acceptedFor("bearer")).hasSize(41);
    }

    @Test
    void aWrongSecretFailsTheItemsAsCisUnauthorizedAndAfterTheFixAReplayDeliversEachOnce() throws Exception {
        // given: the mounted client secret is not the one the token endpoint knows
        Path secret = secret("typo-client-secret", "typo");
        CIS.requireBearer("typo", "pump-typo", () -> "right");
        PUMP.biller("typo").oauth2("typo-client-secret", "pump-typo").items(3, 0).create();
        ShardProbe probe = PUMP.probe();

        // when: its items are pumped
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("typo", "Failed") == 3);

        // then: one failure group that says what to fix; the CIS itself was never called
        JsonNode groups = PUMP.operator().getForObject("/api/failures", JsonNode.class).get("groups");
        JsonNode group = null;
        for (JsonNode g : groups) {
            if (g.get("billerId").asText().equals("typo")) {
                group = g;
            }
        }
        assertThat(group).isNotNull();
        assertThat(group.get("errorClass").asText()).isEqualTo("CisUnauthorized");
        assertThat(group.get("count").asLong()).isEqualTo(3);
        long recordId = probe.count("typo", "SELECT MIN(DataPumpRecordId) FROM DataPumpControl");
        assertThat(probe.control("typo", recordId).get("LastError").toString())
                .contains("refused biller typo's client credentials").contains("'typo-client-secret'")
                .doesNotContain("typo\"").doesNotContain("right");
        assertThat(CIS.calls()).noneMatch(c -> c.billerId().equals("typo"));

        // when: the secret is fixed in the mount and the group is replayed
        rewrite(secret, "right");
        ResponseEntity<JsonNode> replay = PUMP.operator().postForEntity("/api/replay",
                Map.of("billerId", "typo", "errorClass", "CisUnauthorized", "reason", "client secret fixed"),
                JsonNode.class);

        // then: each item is delivered once
        assertThat(replay.getStatusCode().value()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("typo", "Processed") == 3);
        assertThat(CIS.acceptedFor("typo")).extracting(CisStub.Call::idempotencyKey).hasSize(3)
                .doesNotHaveDuplicates();
    }

    @Test
    void whereAuthenticationIsRequiredABillerWithoutAnyIsMisconfiguredAndItsItemsWait() {
        DataPumpProperties.Cis cis = properties.getCis();
        Duration waitInOpen = cis.getCircuitBreaker().getWaitInOpen();
        try {
            // given: authentication required, and a biller registered with none
            cis.getAuth().setRequired(true);
            cis.getCircuitBreaker().setWaitInOpen(Duration.ofSeconds(1));
            PUMP.biller("anonymous").items(2, 0).create();
            ShardProbe probe = PUMP.probe();

            // then: the status says why, nothing is sent and nothing fails
            await().atMost(Duration.ofSeconds(30)).until(() -> "misconfigured".equals(
                    PUMP.viewer().getForObject("/api/billers/anonymous", JsonNode.class).get("cis").asText()));
            assertThat(PUMP.viewer().getForObject("/api/billers/anonymous", JsonNode.class).get("cisProblem").asText())
                    .contains("authentication is none").contains("datapump.cis.auth.required");
            await().atMost(Duration.ofSeconds(30)).until(() -> meters.find("datapump.items.deferred")
                    .tag("biller", "anonymous").counters().stream().mapToDouble(c -> c.count()).sum() >= 2);
            assertThat(CIS.calls()).noneMatch(c -> c.billerId().equals("anonymous"));
            assertThat(probe.inState("anonymous", "Failed")).isZero();

            // when: the requirement is lifted (in production: the biller gets credentials)
            cis.getAuth().setRequired(false);

            // then: each item is delivered once
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("anonymous", "Processed") == 2);
            assertThat(CIS.acceptedFor("anonymous")).hasSize(2);
        } finally {
            cis.getAuth().setRequired(false);
            cis.getCircuitBreaker().setWaitInOpen(waitInOpen);
        }
    }

    /** New work items of an existing biller, as its source application writes them. */
    private static void newPayments(String billerId, int n) {
        for (int i = 0; i < n; i++) {
            SourceRows.insert(PUMP.probe().shard(billerId), ItemType.PAYMENT);
        }
    }

    private Path secret(String name, String value) throws Exception {
        Path dir = Path.of(properties.getCis().getAuth().getSecretsDir());
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), value + "\n");
    }

    /** A new value, with a modification time the reader cannot mistake for the old file's. */
    private static void rewrite(Path secret, String value) throws Exception {
        Files.writeString(secret, value + "\n");
        Files.setLastModifiedTime(secret, FileTime.from(Instant.now().plusSeconds(5)));
    }
}
