package io.datapump.local;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.datapump.itemconsumer.CisSecrets;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.registry.CisAuth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The HTTP front of the built-in CIS simulator: POST /cis-sim/{billerId}/{resource} on a small server of its own
 * (the JDK's, on the loopback, datapump.local.cis-simulator.port, any free port by default), handed to the harness
 * route {@code cis-simulator} (harness/cis-simulator.camel.yaml). The pump calls it for every item; on the
 * application's own web server every one of those calls went through Spring Security's filters and Spring MVC's
 * handler lookup, which cost more CPU than the pump's own work on the item. Started when the bean is created, so the
 * local billers can be registered with its address.
 * <p>
 * Like a real CIS it demands each biller's credentials as the registry names them: the api key in its header, or a
 * bearer token from its own OAuth2 token endpoint (POST /cis-sim-oauth2/token, client credentials checked against
 * the biller's mounted secret, tokens valid datapump.local.cis-simulator.token-lifetime); a request without them is
 * answered 401.
 */
@Component
@Profile("local")
public class CisSimulatorServer implements InitializingBean, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(CisSimulatorServer.class);
    static final String PATH = "/cis-sim/";
    static final String TOKEN_PATH = "/cis-sim-oauth2/token";

    private final LocalProperties.CisSimulator settings;
    private final ProducerTemplate camel;
    private final BillerRegistry registry;
    private final CisSecrets secrets;
    /** The access tokens the token endpoint issued: token → the biller it is for, and until when. */
    private final Map<String, Issued> tokens = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private HttpServer server;
    private ExecutorService threads;

    private record Issued(String billerId, Instant expires) {
    }

    public CisSimulatorServer(LocalProperties local, @Lazy ProducerTemplate camel, BillerRegistry registry,
                              CisSecrets secrets) {
        this.settings = local.getCisSimulator();
        this.camel = camel;
        this.registry = registry;
        this.secrets = secrets;
    }

    @Override
    public void afterPropertiesSet() throws IOException {
        // the JDK server writes a response's headers and body apart: without TCP_NODELAY the body waits for the
        // client's delayed ACK (~40 ms). Read once per JVM, when its first HttpServer starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.getPort()), 256);
        threads = Executors.newFixedThreadPool(settings.getThreads(), r -> {
            Thread t = new Thread(r, "cis-simulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext(PATH, this::handle);
        server.createContext(TOKEN_PATH, this::token);
        server.start();
        LOG.info("CIS simulator listening on {}", baseUrl());
    }

    /** Where the simulator answers: the CIS base URL of local billers that have none of their own. */
    public String baseUrl() {
        if (!settings.getBaseUrl().isBlank()) {
            return settings.getBaseUrl();
        }
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH.substring(0, PATH.length() - 1);
    }

    /** The simulator's OAuth2 token endpoint, for the local billers with oauth2-client-credentials. */
    public String tokenUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + TOKEN_PATH;
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            String[] path = http.getRequestURI().getPath().substring(PATH.length()).split("/");
            if (!"POST".equals(http.getRequestMethod()) || path.length != 2) {
                http.sendResponseHeaders(404, -1);
                return;
            }
            if (!authenticated(path[0], http)) {
                reply(http, 401, "{\"error\":\"invalid_token\"}");
                return;
            }
            byte[] request = http.getRequestBody().readAllBytes();
            Exchange exchange = camel.send("direct:cis-simulator", e -> {
                e.getMessage().setBody(request);
                e.getMessage().setHeader("billerId", path[0]);
                e.getMessage().setHeader("resource", path[1]);
                e.getMessage().setHeader("Idempotency-Key", http.getRequestHeaders().getFirst("Idempotency-Key"));
                e.getMessage().setHeader("X-Correlation-Id", http.getRequestHeaders().getFirst("X-Correlation-Id"));
            });
            int status = exchange.getException() != null ? 500
                    : exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
            byte[] response = exchange.getException() != null ? new byte[0]
                    : exchange.getMessage().getBody(byte[].class);
            http.getResponseHeaders().set("Content-Type", "application/json");
            http.sendResponseHeaders(status, response == null || response.length == 0 ? -1 : response.length);
            if (response != null && response.length > 0) {
                try (OutputStream out = http.getResponseBody()) {
                    out.write(response);
                }
            }
        }
    }

    /** Whether the request carries what the biller's registry row says its CIS demands. */
    private boolean authenticated(String billerId, HttpExchange http) {
        Biller biller = registry.find(billerId).orElse(null);
        CisAuth auth = biller == null ? CisAuth.NONE : biller.cisAuth();
        return switch (auth.kind()) {
            case NONE, MTLS -> true;
            case API_KEY -> secrets.text(auth.secretRef())
                    .map(key -> same(key, http.getRequestHeaders().getFirst(auth.headerName()))).orElse(false);
            case OAUTH2_CLIENT_CREDENTIALS -> {
                String header = http.getRequestHeaders().getFirst("Authorization");
                Issued issued = header == null || !header.startsWith("Bearer ") ? null
                        : tokens.get(header.substring(7).strip());
                yield issued != null && issued.billerId().equals(billerId) && issued.expires().isAfter(Instant.now());
            }
        };
    }

    /** POST grant_type=client_credentials with HTTP Basic client credentials, as Spring Security sends them. */
    private void token(HttpExchange http) throws IOException {
        try (http) {
            String form = new String(http.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String[] client = basic(http.getRequestHeaders().getFirst("Authorization"));
            if (!"POST".equals(http.getRequestMethod()) || !form.contains("grant_type=client_credentials")) {
                reply(http, 400, "{\"error\":\"unsupported_grant_type\"}");
                return;
            }
            Biller biller = client == null ? null : registry.reload().stream()
                    .filter(b -> b.cisAuth().kind() == CisAuth.Kind.OAUTH2_CLIENT_CREDENTIALS
                            && client[0].equals(b.cisAuth().clientId()))
                    .findFirst().orElse(null);
            if (biller == null || !secrets.text(biller.cisAuth().secretRef()).map(s -> same(s, client[1])).orElse(false)) {
                reply(http, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Instant now = Instant.now();
            tokens.values().removeIf(t -> t.expires().isBefore(now));
            tokens.put(token, new Issued(biller.id(), now.plus(settings.getTokenLifetime())));
            reply(http, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                    + settings.getTokenLifetime().toSeconds() + "}");
        }
    }

    /** {client id, secret} from an HTTP Basic header (each form-url-encoded, as RFC 6749 asks), or null. */
    private static String[] basic(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return null;
        }
        String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
    }

    private static boolean same(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.strip().getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange http, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().set("Content-Type", "application/json");
        http.sendResponseHeaders(status, body.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void destroy() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
