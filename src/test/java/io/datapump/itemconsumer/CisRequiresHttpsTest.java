package io.datapump.itemconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.support.CisStub;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.ShardProbe;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;

/**
 * Where https is required (the azure profile), a biller whose CIS URL is plain http:// is shown misconfigured with
 * the reason and its items are deferred, not failed, and never sent; once the requirement is met they are delivered
 * once. (The test stub is plain HTTP, so the requirement is switched on here for the time of the test.)
 */
@PumpTest
class CisRequiresHttpsTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();

    static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() { };

    @Autowired DataPumpProperties properties;
    @Autowired MeterRegistry meters;

    @Test
    void aPlainHttpCisIsMisconfiguredItsItemsDeferredUntilItIsAllowed() {
        DataPumpProperties.Cis cis = properties.getCis();
        Duration waitInOpen = cis.getCircuitBreaker().getWaitInOpen();
        try {
            // given: https required, and a biller whose CIS URL is http://
            cis.setRequireHttps(true);
            cis.getCircuitBreaker().setWaitInOpen(Duration.ofSeconds(1));
            PUMP.biller("plain-http").items(3, 0).create();
            ShardProbe probe = PUMP.probe();

            // when: its items reach the item consumer
            await().atMost(Duration.ofSeconds(30)).until(() -> deferred("plain-http") >= 3);

            // then: nothing was sent to its CIS, nothing failed, and the status says why
            assertThat(CIS.calls()).noneMatch(c -> c.billerId().equals("plain-http"));
            assertThat(probe.inState("plain-http", "Failed")).isZero();
            Map<String, Object> status = PUMP.viewer()
                    .exchange("/api/billers/plain-http", HttpMethod.GET, null, JSON).getBody();
            assertThat(status).containsEntry("cis", "misconfigured");
            assertThat(status.get("cisProblem").toString()).contains("http://").contains("require-https");

            // when: the requirement is met (here: lifted)
            cis.setRequireHttps(false);

            // then: each item is delivered once, and the status is ok again
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.inState("plain-http", "Processed") == 3);
            assertThat(CIS.acceptedFor("plain-http")).hasSize(3);
            assertThat(PUMP.viewer().exchange("/api/billers/plain-http", HttpMethod.GET, null, JSON).getBody())
                    .containsEntry("cis", "ok");
        } finally {
            cis.setRequireHttps(false);
            cis.getCircuitBreaker().setWaitInOpen(waitInOpen);
        }
    }

    private double deferred(String billerId) {
        return meters.find("datapump.items.deferred").tag("biller", billerId).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
