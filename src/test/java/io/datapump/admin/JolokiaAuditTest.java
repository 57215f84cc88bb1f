package io.datapump.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.datapump.support.Pump;
import io.datapump.support.PumpTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * What an operator changes through Jolokia (the console's bridge to JMX) is in the audit trail like an admin API call:
 * switching the tracer, with who, the MBean, the operation and its arguments, and Jolokia's outcome. Reads are not.
 */
@PumpTest
class JolokiaAuditTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();

    static final String TRACER = "org.apache.camel:context=" + PumpTest.CAMEL_CONTEXT
            + ",type=tracer,name=BacklogTracer";

    @Test
    void anOperatorsJolokiaExecIsAuditedAndAReadIsNot() {
        // given: an operator in the console
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);

        // when: they read the tracer's state, then switch it off (a bulk request, as Hawtio sends them)
        String read = "{\"type\":\"read\",\"mbean\":\"" + TRACER + "\",\"attribute\":\"Enabled\"}";
        String exec = "[{\"type\":\"exec\",\"mbean\":\"" + TRACER + "\",\"operation\":\"setEnabled(boolean)\","
                + "\"arguments\":[false]}]";
        JsonNode readAnswer = PUMP.operator().postForObject("/actuator/jolokia", new HttpEntity<>(read, headers),
                JsonNode.class);
        JsonNode execAnswer = PUMP.operator().postForObject("/actuator/jolokia", new HttpEntity<>(exec, headers),
                JsonNode.class);

        // then: both worked; the exec is in the audit trail with its arguments and outcome, the read is not
        assertThat(readAnswer.get("status").asInt()).isEqualTo(200);
        assertThat(execAnswer.get(0).get("status").asInt()).isEqualTo(200);
        List<JsonNode> entries = new java.util.ArrayList<>();
        PUMP.operator().getForObject("/api/audit", JsonNode.class).get("entries").forEach(entries::add);
        assertThat(entries).filteredOn(e -> e.get("Action").asText().equals("jolokia-exec")).singleElement()
                .satisfies(e -> {
                    assertThat(e.get("Actor").asText()).isEqualTo("operator");
                    assertThat(e.get("Target").asText()).isEqualTo(TRACER);
                    assertThat(e.get("Details").asText()).isEqualTo("setEnabled(boolean) [false]");
                    assertThat(e.get("Outcome").asText()).isEqualTo("status 200");
                });
        assertThat(entries).noneMatch(e -> e.get("Action").asText().startsWith("jolokia-read"));
    }
}
