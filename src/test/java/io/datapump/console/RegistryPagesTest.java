package io.datapump.console;

import static io.datapump.support.TestBillers.newShard;
import static io.datapump.support.TestBillers.pumpTables;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import io.datapump.DataPumpProperties;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.support.CisStub;
import io.datapump.support.Pump;
import io.datapump.support.PumpTest;
import io.datapump.support.TestUsers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * Registry administration on the operations pages: an operator onboards a biller and edits one, each time reading a
 * confirmation that says what will change before it happens, and both land in the audit trail; a viewer sees no
 * edit links and is refused every change (403); a signed-in browser posts the forms with their CSRF token; a
 * secret's value never appears, only its name.
 */
@PumpTest
class RegistryPagesTest {

    @RegisterExtension
    static final Pump PUMP = new Pump();
    static final CisStub CIS = PUMP.cis();

    @Test
    void anOperatorOnboardsABillerThroughTheConfirmationPageAndTheAuditHasIt() {
        // given: a new shard
        String shardUrl = newShard("page-new");
        TestRestTemplate operator = PUMP.operator();
        assertThat(html(operator, "/ops/billers")).contains("href=\"/ops/billers/new\"");
        assertThat(html(operator, "/ops/billers/new")).contains("Onboard a biller").contains("Review the change");

        // when: the operator fills in the form
        MultiValueMap<String, String> fields = fields("id", "page-new", "name", "Page New", "lane", "demo",
                "shardJdbcUrl", shardUrl, "cisBaseUrl", CIS.baseUrl("page-new"), "authKind", "none",
                "enabled", "off", "mode", "adapter", "cisMaxConcurrent", "2");
        ResponseEntity<String> confirm = post(operator, "/ops/billers/new/confirm", fields);

        // then: the confirmation names the shard to be migrated and the row to be added; nothing is done yet
        assertThat(confirm.getStatusCode().value()).isEqualTo(200);
        assertThat(confirm.getBody()).contains("Onboard biller <span>page-new</span>?")
                .contains("<strong id=\"shard\">" + shardUrl.replace("&", "&amp;") + "</strong>")
                .contains("toggle\n        <strong>off: nothing is pumped until you switch it on</strong>")
                .contains("Migrate the shard and onboard");
        assertThat(registered("page-new")).isNull();
        assertThat(pumpTables(shardUrl)).isZero();

        // when: the operator confirms
        ResponseEntity<String> done = post(operator, "/ops/billers/new", fields);

        // then: the shard was migrated and the biller registered as confirmed (the answer redirects to the billers
        // page, which this client follows without its credentials: the browser test sees the redirect itself)
        assertThat(done.getStatusCode().value()).isNotIn(400, 403, 409, 500, 502);
        Biller biller = registered("page-new");
        assertThat(biller).isNotNull();
        assertThat(biller.lane().id()).isEqualTo("demo");
        assertThat(biller.enabled()).isFalse();
        assertThat(biller.cisMaxConcurrent()).isEqualTo(2);
        assertThat(pumpTables(shardUrl)).isPositive();
        assertThat(html(operator, "/ops/billers")).contains("id=\"biller-page-new\"")
                .contains("href=\"/ops/billers/page-new/edit\"");
        // and the audit trail has it, marked as done from the pages
        assertThat(html(PUMP.viewer(), "/ops/audit")).contains("biller-onboard");
        assertThat(audit("biller-onboard", "page-new")).anyMatch(o -> o.startsWith("onboarded")
                && o.endsWith("(from /ops)"));
    }

    @Test
    void anOperatorEditsABillerAfterAConfirmationThatShowsBeforeAndAfterAndASecretsValueIsNeverShown()
            throws Exception {
        // given: a registered biller, and a mounted secret whose value must never be shown
        PUMP.biller("page-edit").create();
        Path secrets = Path.of(PUMP.bean(DataPumpProperties.class).getCis().getAuth().getSecretsDir());
        Files.createDirectories(secrets);
        Files.writeString(secrets.resolve("page-edit-key"), "s3cret-value-never-shown");
        TestRestTemplate operator = PUMP.operator();
        String form = html(operator, "/ops/billers/page-edit/edit");
        assertThat(form).contains("Edit biller <span>page-edit</span>").contains("value=\"Test biller page-edit\"");

        // when: the operator changes its name, credentials and CIS limit and asks to review
        MultiValueMap<String, String> fields = fields("name", "Renamed on the page",
                "cisBaseUrl", CIS.baseUrl("page-edit"), "authKind", "api-key", "secretRef", "page-edit-key",
                "header", "", "tokenUrl", "", "clientId", "", "scope", "", "enabled", "on", "mode", "adapter",
                "cisMaxConcurrent", "3");
        ResponseEntity<String> confirm = post(operator, "/ops/billers/page-edit/edit/confirm", fields);

        // then: every change before and after; the secret by its name only; nothing changed yet
        assertThat(confirm.getStatusCode().value()).isEqualTo(200);
        assertThat(confirm.getBody()).contains("<strong>4</strong> setting(s) change")
                .contains("Test biller page-edit").contains("Renamed on the page")
                .contains("8 (the global limit)").contains(">3<")
                .contains("page-edit-key").doesNotContain("s3cret-value-never-shown");
        assertThat(registered("page-edit").name()).isEqualTo("Test biller page-edit");

        // when: confirmed
        ResponseEntity<String> done = post(operator, "/ops/billers/page-edit/edit", fields);

        // then: the row has it, and the audit trail says so
        assertThat(done.getStatusCode().value()).isNotIn(400, 403, 409, 500, 502);
        Biller after = registered("page-edit");
        assertThat(after.name()).isEqualTo("Renamed on the page");
        assertThat(after.cisMaxConcurrent()).isEqualTo(3);
        assertThat(after.cisAuth().secretRef()).isEqualTo("page-edit-key");
        assertThat(audit("biller-change", "page-edit")).anyMatch(o -> o.endsWith("(from /ops)"));
        assertThat(html(operator, "/ops/billers/page-edit/edit")).doesNotContain("s3cret-value-never-shown");

        // and: what the pump could not use is refused on the form, with the reason, and changes nothing
        fields.set("cisMaxConcurrent", "5000");
        ResponseEntity<String> refused = post(operator, "/ops/billers/page-edit/edit/confirm", fields);
        assertThat(refused.getStatusCode().value()).isEqualTo(400);
        assertThat(refused.getBody()).contains("id=\"error\"").contains("cisMaxConcurrent must be 1 to 1000");
        assertThat(registered("page-edit").cisMaxConcurrent()).isEqualTo(3);
    }

    @Test
    void aViewerSeesNoEditLinksAndIsRefusedEveryChange() {
        // given: a biller, and a shard a viewer would like onboarded
        PUMP.biller("page-viewer").create();
        String shardUrl = newShard("page-viewer-new");
        TestRestTemplate viewer = PUMP.viewer();

        // when / then: the pages show no edit links or submit buttons
        assertThat(html(viewer, "/ops/billers")).contains("id=\"biller-page-viewer\"")
                .doesNotContain("/ops/billers/new").doesNotContain("/edit\"");
        assertThat(html(viewer, "/ops/billers/new")).contains("Only operators can change the registry")
                .doesNotContain("Review the change");
        assertThat(html(viewer, "/ops/billers/page-viewer/edit")).doesNotContain("Review the change");

        // and every change is refused, on the pages and through the API
        MultiValueMap<String, String> onboarding = fields("id", "page-viewer-new", "name", "No", "lane",
                "production", "shardJdbcUrl", shardUrl, "cisBaseUrl", CIS.baseUrl("x"), "authKind", "none",
                "enabled", "on", "mode", "adapter", "cisMaxConcurrent", "");
        assertThat(post(viewer, "/ops/billers/new/confirm", onboarding).getStatusCode().value()).isEqualTo(403);
        assertThat(post(viewer, "/ops/billers/new", onboarding).getStatusCode().value()).isEqualTo(403);
        assertThat(post(viewer, "/ops/billers/page-viewer/edit", fields("name", "Viewer was here"))
                .getStatusCode().value()).isEqualTo(403);
        Map<String, Object> api = Map.of("id", "page-viewer-new", "name", "No", "lane", "production",
                "shardJdbcUrl", shardUrl, "cisBaseUrl", CIS.baseUrl("x"));
        assertThat(viewer.postForEntity("/api/billers", api, String.class).getStatusCode().value()).isEqualTo(403);
        assertThat(viewer.exchange("/api/billers/page-viewer", HttpMethod.PATCH,
                new HttpEntity<>(Map.of("cisMaxConcurrent", 1)), String.class).getStatusCode().value()).isEqualTo(403);
        assertThat(registered("page-viewer-new")).isNull();
        assertThat(registered("page-viewer").name()).isEqualTo("Test biller page-viewer");
        assertThat(pumpTables(shardUrl)).isZero();
    }

    @Test
    void aSignedInBrowserPostsTheFormsWithTheirCsrfTokenAndWithoutItIsRefused() throws Exception {
        // given: an operator signed in on the login form, as a browser does (session and XSRF cookies)
        PUMP.biller("page-browser").create();
        Browser browser = new Browser(PUMP.bean(TestRestTemplate.class).getRootUri());
        browser.signIn(TestUsers.OPERATOR, TestUsers.OPERATOR_PASSWORD);

        // when: it opens the edit page and posts its form with the token the page carries
        String page = browser.get("/ops/billers/page-browser/edit").body();
        String token = csrf(page);
        Map<String, String> fields = new LinkedHashMap<>(Map.of("name", "Renamed in a browser",
                "cisBaseUrl", CIS.baseUrl("page-browser"), "authKind", "none", "enabled", "on", "mode", "adapter",
                "cisMaxConcurrent", ""));
        Map<String, String> withToken = new LinkedHashMap<>(fields);
        withToken.put("_csrf", token);
        HttpResponse<String> withoutToken = browser.post("/ops/billers/page-browser/edit/confirm", fields);
        HttpResponse<String> confirm = browser.post("/ops/billers/page-browser/edit/confirm", withToken);

        // then: without the token the session's POST is refused; with it the confirmation comes, carrying its own
        assertThat(withoutToken.statusCode()).isEqualTo(403);
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Renamed in a browser");
        Map<String, String> confirmed = new LinkedHashMap<>(fields);
        confirmed.put("_csrf", csrf(confirm.body()));
        assertThat(browser.post("/ops/billers/page-browser/edit", confirmed).statusCode()).isEqualTo(302);
        assertThat(registered("page-browser").name()).isEqualTo("Renamed in a browser");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** A browser: cookies kept, redirects not followed. */
    static final class Browser {
        final String root;
        final HttpClient client;

        Browser(String root) {
            this.root = root;
            this.client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                    .followRedirects(HttpClient.Redirect.NEVER).build();
        }

        HttpResponse<String> get(String path) throws Exception {
            return client.send(HttpRequest.newBuilder(URI.create(root + path)).header("Accept", "text/html").GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
            String body = form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
            return client.send(HttpRequest.newBuilder(URI.create(root + path)).header("Accept", "text/html")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        void signIn(String user, String password) throws Exception {
            String token = csrf(get("/login").body());
            HttpResponse<String> login = post("/login", Map.of("username", user, "password", password,
                    "_csrf", token));
            assertThat(login.statusCode()).isEqualTo(302);
            assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");
        }
    }

    static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"")
                .matcher(html);
        assertThat(m.find()).as("the page carries a CSRF token").isTrue();
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    static Biller registered(String id) {
        return PUMP.bean(BillerRegistry.class).findFresh(id).orElse(null);
    }

    static java.util.List<String> audit(String action, String target) {
        JsonNode entries = PUMP.operator().getForObject("/api/audit?limit=1000", JsonNode.class).get("entries");
        java.util.List<String> outcomes = new java.util.ArrayList<>();
        entries.forEach(e -> {
            if (action.equals(e.path("Action").asText()) && target.equals(e.path("Target").asText())) {
                outcomes.add(e.path("Outcome").asText());
            }
        });
        return outcomes;
    }

    private static String html(TestRestTemplate http, String path) {
        HttpHeaders headers = new HttpHeaders();
        headers.setAccept(java.util.List.of(MediaType.TEXT_HTML));
        ResponseEntity<String> page = http.exchange(path, HttpMethod.GET, new HttpEntity<>(headers), String.class);
        assertThat(page.getStatusCode().value()).as(path).isEqualTo(200);
        return page.getBody();
    }

    private static ResponseEntity<String> post(TestRestTemplate http, String path, MultiValueMap<String, String> form) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        headers.setAccept(java.util.List.of(MediaType.TEXT_HTML));
        return http.postForEntity(path, new HttpEntity<>(form, headers), String.class);
    }

    private static MultiValueMap<String, String> fields(String... pairs) {
        MultiValueMap<String, String> body = new LinkedMultiValueMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            body.add(pairs[i], pairs[i + 1]);
        }
        return body;
    }
}
