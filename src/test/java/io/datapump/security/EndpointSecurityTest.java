package io.datapump.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.TestUsers;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.FilterChainProxy;

/**
 * Every protected endpoint against every caller, on the real application (local profile): without credentials
 * 401, a viewer on an operator endpoint 403, the right role gets through; the k8s probes stay open. Some endpoints
 * (pause/resume, run reports, OpenAPI, prometheus) are checked for the security decision only: the right role is not
 * refused (401/403), whatever the endpoint answers then.
 */
@PumpTest
class EndpointSecurityTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final String CONTEXT = PumpTest.CAMEL_CONTEXT;
    static final String TRACER = "org.apache.camel:context=" + CONTEXT + ",type=tracer,name=BacklogTracer";
    static final int ALLOWED = -1; // neither 401 nor 403

    @BeforeAll
    static void biller() {
        PUMP.biller("acme").create();
    }

    @LocalServerPort int port;
    final HttpClient client = HttpClient.newHttpClient();

    /** One call and what each caller must get: anonymous, viewer, operator. */
    record Call(String method, String path, String body, int anonymous, int viewer, int operator) {
        static Call read(String path, int rightRole) {
            return new Call("GET", path, null, 401, rightRole, rightRole);
        }

        static Call act(String method, String path, String body, int operator) {
            return new Call(method, path, body, 401, 403, operator);
        }

        static Call open(String path) {
            return new Call("GET", path, null, 200, 200, 200);
        }
    }

    static List<Call> matrix() {
        String jolokia = "/actuator/jolokia";
        return List.of(
                Call.open("/actuator/health/liveness"),
                Call.open("/actuator/health/readiness"),
                // admin API: reads for viewers
                Call.read("/api/billers", 200),
                Call.read("/api/billers/acme", 200),
                Call.read("/api/failures", 200),
                Call.read("/api/replays", 200),
                Call.read("/api/audit", 200),
                Call.read("/api/runs", ALLOWED),
                Call.read("/v3/api-docs", ALLOWED),
                // admin API: actions for operators
                Call.act("POST", "/api/replay", "{\"all\":true,\"dryRun\":true}", 200),
                Call.act("POST", "/api/replay/dead-letters?lane=production&dryRun=true", null, 200),
                Call.act("POST", "/api/billers/nobody/rerun", null, 404),
                Call.act("POST", "/api/billers/acme/pause", null, ALLOWED),
                Call.act("POST", "/api/billers/acme/resume", null, ALLOWED),
                Call.act("DELETE", "/api/replays/1", null, ALLOWED),
                // actuator
                Call.read("/actuator", 200),
                Call.read("/actuator/health", 200),
                Call.read("/actuator/info", 200),
                Call.read("/actuator/metrics", 200),
                Call.read("/actuator/camelroutes", 200),
                Call.read("/actuator/prometheus", ALLOWED),
                // the console and Jolokia
                Call.read("/actuator/hawtio/", 200),
                Call.read("/actuator/hawtio/index.html", 200),
                Call.read(jolokia + "/version", 200),
                Call.read(jolokia + "/read/" + TRACER + "/Enabled", 200),
                Call.read(jolokia + "/exec/" + TRACER + "/isEnabled()", 200),
                new Call("POST", jolokia, "{\"type\":\"read\",\"mbean\":\"" + TRACER + "\",\"attribute\":\"Standby\"}",
                        401, 200, 200),
                new Call("POST", jolokia, "[{\"type\":\"list\",\"path\":\"org.apache.camel\"},{\"type\":\"search\","
                        + "\"mbean\":\"org.apache.camel:type=routes,*\"}]", 401, 200, 200),
                // the console draws route diagrams and statistics with read-only Camel operations
                new Call("POST", jolokia, "{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=" + CONTEXT + ","
                        + "type=context,name=\\\"" + CONTEXT + "\\\"\",\"operation\":\"dumpRoutesAsXml()\"}", 401, 200, 200),
                Call.act("POST", jolokia, "{\"type\":\"exec\",\"mbean\":\"" + TRACER + "\","
                        + "\"operation\":\"setEnabled(boolean)\",\"arguments\":[false]}", 200),
                Call.act("POST", jolokia, "{\"type\":\"write\",\"mbean\":\"" + TRACER + "\","
                        + "\"attribute\":\"BacklogSize\",\"value\":200}", 200),
                Call.act("POST", jolokia, "[{\"type\":\"read\",\"mbean\":\"" + TRACER + "\"},{\"type\":\"exec\","
                        + "\"mbean\":\"" + TRACER + "\",\"operation\":\"clear()\"}]", 200),
                Call.act("GET", jolokia + "/exec/" + TRACER + "/clear()", null, 200),
                Call.act("POST", "/actuator/hawtio/jolokia", "{\"type\":\"exec\",\"mbean\":\"" + TRACER + "\","
                        + "\"operation\":\"setEnabled(boolean)\",\"arguments\":[false]}", 200),
                Call.act("POST", jolokia, "not json", ALLOWED));
    }

    @Test
    void everyEndpointAnswersEachRoleAsTheMatrixSays() throws Exception {
        // given: the running application with its two local users
        List<String> mismatches = new ArrayList<>();

        // when: every call is made without credentials, as the viewer and as the operator
        for (Call call : matrix()) {
            check(call, null, call.anonymous(), mismatches);
            check(call, TestUsers.basic(TestUsers.VIEWER, TestUsers.VIEWER_PASSWORD), call.viewer(), mismatches);
            check(call, TestUsers.basic(TestUsers.OPERATOR, TestUsers.OPERATOR_PASSWORD), call.operator(),
                    mismatches);
        }

        // then: each answered as expected
        assertThat(mismatches).isEmpty();
    }

    @Test
    void theLocalCisSimulatorAnswersOnItsOwnServerOutsideTheSecurityFilters() throws Exception {
        // given: the CIS simulator's own address, and the filter chains as Spring Security built them
        String simulator = PUMP.bean(io.datapump.local.CisSimulatorServer.class).baseUrl();
        FilterChainProxy security = PUMP.bean(FilterChainProxy.class);

        // when: an item is posted to it without credentials, as the pump does
        HttpResponse<String> accepted = client.send(HttpRequest.newBuilder(URI.create(simulator + "/acme/payments"))
                .header("Content-Type", "application/json").header("Idempotency-Key", "datapump-acme-1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"recordId\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());

        // then: it is accepted there, on another port than the application's, which no filter chain serves
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(accepted.body()).contains("accepted");
        assertThat(URI.create(simulator).getPort()).isNotEqualTo(port);
        // and what it received is readable without credentials, while the API next to it still asks for them
        assertThat(send("GET", "/cis-sim/received", null, null, "application/json")).isEqualTo(200);
        assertThat(send("GET", "/api/billers", null, null, "application/json")).isEqualTo(401);
        assertThat(security.getFilterChains()).filteredOn(chain -> chain.matches(get("/api/billers")))
                .first().satisfies(chain -> assertThat(chain.getFilters()).isNotEmpty());
    }

    private static MockHttpServletRequest get(String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setServletPath(path);
        return request;
    }

    @Test
    void aWrongPasswordIsUnauthorized() throws Exception {
        // given / when
        int status = send("GET", "/api/billers", null, TestUsers.basic(TestUsers.OPERATOR, "wrong"), "application/json");

        // then
        assertThat(status).isEqualTo(401);
    }

    @Test
    void aBrowserWithoutASessionIsSentToTheLoginPage() throws Exception {
        // given / when: a page request without credentials
        HttpResponse<String> console = client.send(request("GET", "/actuator/hawtio/", null, null, "text/html"),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> login = client.send(request("GET", "/login", null, null, "text/html"),
                HttpResponse.BodyHandlers.ofString());

        // then: redirected to the login form, which is served to anyone
        assertThat(console.statusCode()).isEqualTo(302);
        assertThat(console.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("name=\"username\"", "name=\"password\"");
    }

    private void check(Call call, String authorization, int expected, List<String> mismatches) throws Exception {
        int status = send(call.method(), call.path(), call.body(), authorization, "application/json");
        boolean ok = expected == ALLOWED ? status != 401 && status != 403 : status == expected;
        if (!ok) {
            String who = authorization == null ? "anonymous"
                    : authorization.equals(TestUsers.basic(TestUsers.VIEWER, TestUsers.VIEWER_PASSWORD))
                    ? "viewer" : "operator";
            mismatches.add(call.method() + " " + call.path() + " as " + who + ": " + status + ", expected "
                    + (expected == ALLOWED ? "not 401/403" : expected));
        }
    }

    private int send(String method, String path, String body, String authorization, String accept) throws Exception {
        return client.send(request(method, path, body, authorization, accept), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private HttpRequest request(String method, String path, String body, String authorization, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", accept)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b.build();
    }
}
