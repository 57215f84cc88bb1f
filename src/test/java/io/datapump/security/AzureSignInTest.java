package io.datapump.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The azure profile's browser sign-in against a real OpenID Connect provider the test starts (mock-oauth2-server):
 * a browser asking for the console is sent through the provider's authorization-code flow and comes back signed in,
 * with the roles of its ID token. A viewer reads and cannot act, an operator acts, a person without an app role gets
 * 403; scripts without a token still get 401, and bearer tokens from the same provider keep working.
 */
@SpringBootTest(classes = AzureSignInTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("azure")
class AzureSignInTest {

    static final String ISSUER_ID = "entra";
    static final String CLIENT_ID = "data-pump";
    static final MockOAuth2Server PROVIDER = started();

    /** The security configuration alone, on a real web server, in front of an endpoint that answers 200. */
    @ImportAutoConfiguration({ServletWebServerFactoryAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
        WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class,
        SecurityAutoConfiguration.class, OAuth2ResourceServerAutoConfiguration.class})
    @Import({SecurityConfiguration.class, LocalSecurity.class, AzureSecurity.class})
    static class App {
        @Bean
        RouterFunction<ServerResponse> anything() {
            return RouterFunctions.route(RequestPredicates.all(), request -> ServerResponse.ok().body("ok"));
        }
    }

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        String issuer = PROVIDER.issuerUrl(ISSUER_ID).toString();
        registry.add("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI", () -> issuer);
        registry.add("DATAPUMP_SECURITY_AUDIENCE", () -> "api://data-pump");
        registry.add("DATAPUMP_SIGNIN_CLIENT_ID", () -> CLIENT_ID);
        registry.add("DATAPUMP_SIGNIN_CLIENT_SECRET", () -> "client-secret");
        registry.add("datapump.security.entra.sign-in.authorization-uri",
                () -> PROVIDER.authorizationEndpointUrl(ISSUER_ID).toString());
        registry.add("datapump.security.entra.sign-in.token-uri", () -> PROVIDER.tokenEndpointUrl(ISSUER_ID).toString());
        registry.add("datapump.security.entra.sign-in.jwk-set-uri", () -> PROVIDER.jwksUrl(ISSUER_ID).toString());
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.shutdown();
    }

    @LocalServerPort int port;

    @Test
    void aViewerSignsInWithTheBrowserAndCanReadButNotAct() throws Exception {
        // given: a person with the viewer app role
        Browser browser = new Browser();

        // when: they open the console
        String landed = browser.signIn("ada@example.com", List.of("DataPump.Viewer"));

        // then: signed in, back at the console; they can read and cannot act
        assertThat(URI.create(landed).getPath()).isEqualTo("/actuator/hawtio/");
        assertThat(browser.get("/actuator/hawtio/").statusCode()).isEqualTo(200);
        assertThat(browser.get("/api/billers").statusCode()).isEqualTo(200);
        assertThat(browser.post("/api/billers/acme/rerun").statusCode()).isEqualTo(403);
    }

    @Test
    void anOperatorSignsInAndCanAct() throws Exception {
        // given
        Browser browser = new Browser();

        // when
        browser.signIn("grace@example.com", List.of("DataPump.Operator"));

        // then
        assertThat(browser.get("/api/billers").statusCode()).isEqualTo(200);
        assertThat(browser.post("/api/billers/acme/rerun").statusCode()).isEqualTo(200);
    }

    @Test
    void aPersonWithoutAnAppRoleSignsInButGets403() throws Exception {
        // given
        Browser browser = new Browser();

        // when
        browser.signIn("mallory@example.com", List.of("Some.Other.Role"));

        // then
        assertThat(browser.get("/api/billers").statusCode()).isEqualTo(403);
        assertThat(browser.get("/actuator/hawtio/").statusCode()).isEqualTo(403);
    }

    @Test
    void scriptsStillUseBearerTokensAndGet401WithoutOne() throws Exception {
        // given: a script without a session
        HttpClient script = HttpClient.newHttpClient();
        String token = PROVIDER.issueToken(ISSUER_ID, "prometheus", new DefaultOAuth2TokenCallback(ISSUER_ID,
                "prometheus", "JWT", List.of("api://data-pump"), Map.of("roles", List.of("DataPump.Viewer")), 300))
                .serialize();

        // when / then
        assertThat(script.send(HttpRequest.newBuilder(url("/api/billers")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        assertThat(script.send(HttpRequest.newBuilder(url("/api/billers")).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }

    private URI url(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** A browser: keeps cookies, follows redirects one by one (across the pump and the provider). */
    final class Browser {
        final CookieManager cookies = new CookieManager();
        final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).build();

        /** Opens the console, signs in at the provider as {@code user} with {@code roles}; the page it lands on. */
        String signIn(String user, List<String> roles) throws Exception {
            PROVIDER.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, user, "JWT", null,
                    Map.of("roles", roles, "preferred_username", user), 300));
            URI next = url("/actuator/hawtio/");
            for (int hop = 0; hop < 10; hop++) {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(next).header("Accept", "text/html")
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() != 302) {
                    return next.toString();
                }
                next = next.resolve(response.headers().firstValue("Location").orElseThrow());
                if (next.getPath().equals("/actuator/hawtio/") && hop > 0) {
                    return next.toString();
                }
            }
            throw new AssertionError("no end to the sign-in redirects");
        }

        HttpResponse<Void> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(url(path)).header("Accept", "text/html").build(),
                    HttpResponse.BodyHandlers.discarding());
        }

        /** A form post as the console makes it: with the CSRF token from its cookie. */
        HttpResponse<Void> post(String path) throws Exception {
            String csrf = cookies.getCookieStore().getCookies().stream()
                    .filter(c -> c.getName().equals("XSRF-TOKEN")).map(HttpCookie::getValue).findFirst().orElse("");
            return http.send(HttpRequest.newBuilder(url(path)).header("X-XSRF-TOKEN", csrf)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    private static MockOAuth2Server started() {
        MockOAuth2Server server = new MockOAuth2Server();
        server.start();
        return server;
    }
}
