package io.datapump.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for the billers' CIS APIs in tests: records every request it receives and answers
 * with the status a test chooses (200 unless told otherwise).
 */
public final class CisStub implements AutoCloseable {

    /** One request as the CIS saw it; {@code traceparent} is its W3C trace context header (null: none). */
    public record Call(String billerId, String resource, String idempotencyKey, String correlationId, String body,
                       int status, String traceparent) {
    }

    /**
     * What the stub answers: a status, after an optional delay, with optional headers (e.g. Retry-After) and an
     * optional body (null: a short JSON of its own).
     */
    public record Reply(int status, long delayMillis, Map<String, String> headers, String body) {
        public Reply(int status, long delayMillis, Map<String, String> headers) {
            this(status, delayMillis, headers, null);
        }

        public static Reply of(int status) {
            return new Reply(status, 0, Map.of());
        }

        public static Reply of(int status, String body) {
            return new Reply(status, 0, Map.of(), body);
        }
    }

    private final HttpServer server;
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, AtomicInteger> attemptsByKey = new ConcurrentHashMap<>();
    private volatile Function<Call, Reply> responder = call -> Reply.of(200);
    private final ScheduledExecutorService latency = Executors.newScheduledThreadPool(2);
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
    /** Billers whose calls must carry credentials, and what counts as valid for each. */
    private final Map<String, Function<HttpExchange, Boolean>> credentials = new ConcurrentHashMap<>();
    /** OAuth2 clients of the token endpoint: client id → its secret as the stub knows it now. */
    private final Map<String, Supplier<String>> clients = new ConcurrentHashMap<>();
    /** Issued access tokens → the client they were issued to. */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger tokenFetches = new AtomicInteger();
    private volatile long tokenLifetimeSeconds = 3600;

    public CisStub() {
        this(0);
    }

    /** A stub on a fixed port (0: any free port); a stopped stub can be started again on the same port. */
    public CisStub(int port) {
        // the JDK server writes a response's headers and body separately; without TCP_NODELAY the body waits for the
        // client's delayed ACK (~40 ms per call on Linux). Read once per JVM, when the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(32));
        server.createContext("/cis/", this::handle);
        server.createContext("/oauth2/token", this::token);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The CIS base URL to register for a biller. */
    public String baseUrl(String billerId) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/cis/" + billerId;
    }

    /** The stub's OAuth2 token endpoint (client credentials in HTTP Basic, as Spring Security sends them). */
    public String tokenUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/token";
    }

    /** The biller's calls are answered 401 unless {@code header} carries the key (as it is when the call comes). */
    public void requireApiKey(String billerId, String header, Supplier<String> key) {
        credentialHeader.put(billerId, header);
        credentials.put(billerId, http -> key.get().equals(http.getRequestHeaders().getFirst(header)));
    }

    /**
     * The biller's calls are answered 401 unless they carry a bearer token the token endpoint issued to
     * {@code clientId}, which gets tokens for {@code secret} (as it is when the token is asked for).
     */
    public void requireBearer(String billerId, String clientId, Supplier<String> secret) {
        clients.put(clientId, secret);
        credentialHeader.put(billerId, "Authorization");
        credentials.put(billerId, http -> {
            String header = http.getRequestHeaders().getFirst("Authorization");
            return header != null && header.startsWith("Bearer ")
                    && clientId.equals(tokens.get(header.substring("Bearer ".length())));
        });
    }

    /** The expires_in of tokens issued from now on. */
    public void tokenLifetime(java.time.Duration lifetime) {
        this.tokenLifetimeSeconds = lifetime.toSeconds();
    }

    /** Every token issued so far stops being accepted (as when the CIS rotates its keys). */
    public void revokeTokens() {
        tokens.clear();
    }

    /** Token requests that were answered with a token. */
    public int tokenFetches() {
        return tokenFetches.get();
    }

    /** The Authorization or api-key header values the biller's calls carried, in order. */
    public List<String> credentialsSeen(String billerId) {
        return List.copyOf(seen.getOrDefault(billerId, List.of()));
    }

    private final Map<String, List<String>> seen = new ConcurrentHashMap<>();
    private final Map<String, String> credentialHeader = new ConcurrentHashMap<>();

    private void token(HttpExchange http) throws IOException {
        String form;
        try (InputStream in = http.getRequestBody()) {
            form = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String header = http.getRequestHeaders().getFirst("Authorization");
        String clientId = null;
        String secret = null;
        if (header != null && header.startsWith("Basic ")) {
            String pair = new String(java.util.Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            clientId = java.net.URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
            secret = java.net.URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
        }
        Supplier<String> expected = clientId == null ? null : clients.get(clientId);
        if (!form.contains("grant_type=client_credentials") || expected == null || !expected.get().equals(secret)) {
            answer(http, new Reply(401, 0, Map.of(), "{\"error\":\"invalid_client\"}"));
            return;
        }
        String token = java.util.UUID.randomUUID().toString();
        tokens.put(token, clientId);
        tokenFetches.incrementAndGet();
        answer(http, new Reply(200, 0, Map.of(), "{\"access_token\":\"" + token
                + "\",\"token_type\":\"Bearer\",\"expires_in\":" + tokenLifetimeSeconds + "}"));
    }

    /** Chooses the HTTP status per call; the call's status field is not yet set when this is asked. */
    public void respondWith(Function<Call, Integer> status) {
        this.responder = call -> Reply.of(status.apply(call));
    }

    /** Chooses the whole reply per call. */
    public void replyWith(Function<Call, Reply> responder) {
        this.responder = responder;
    }

    public List<Call> callsWithKey(String idempotencyKey) {
        return calls().stream().filter(c -> idempotencyKey.equals(c.idempotencyKey())).toList();
    }

    /** How many times this key has been seen so far, including the current call. */
    public int attemptsOf(String idempotencyKey) {
        AtomicInteger n = attemptsByKey.get(idempotencyKey);
        return n == null ? 0 : n.get();
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> accepted() {
        return calls().stream().filter(c -> c.status() >= 200 && c.status() < 300).toList();
    }

    public List<Call> acceptedFor(String billerId) {
        return accepted().stream().filter(c -> c.billerId().equals(billerId)).toList();
    }

    /** Accepted calls per idempotency key. */
    public Map<String, Long> acceptedPerKey() {
        return accepted().stream().collect(Collectors.groupingBy(Call::idempotencyKey, Collectors.counting()));
    }

    private void handle(HttpExchange http) throws IOException {
        String[] path = http.getRequestURI().getPath().split("/");
        String body;
        try (InputStream in = http.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String key = http.getRequestHeaders().getFirst("Idempotency-Key");
        Call call = new Call(path.length > 2 ? path[2] : "", path.length > 3 ? path[3] : "", key,
                http.getRequestHeaders().getFirst("X-Correlation-Id"), body, 0,
                http.getRequestHeaders().getFirst("traceparent"));
        if (key != null) {
            attemptsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
        int now = inFlight.computeIfAbsent(call.billerId(), b -> new AtomicInteger()).incrementAndGet();
        maxInFlight.computeIfAbsent(call.billerId(), b -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        Function<HttpExchange, Boolean> demanded = credentials.get(call.billerId());
        if (demanded != null) {
            String given = http.getRequestHeaders().getFirst(credentialHeader.get(call.billerId()));
            seen.computeIfAbsent(call.billerId(), b -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(String.valueOf(given));
        }
        Reply reply = !"POST".equals(http.getRequestMethod()) ? Reply.of(405)
                : demanded != null && !demanded.apply(http) ? Reply.of(401, "{\"error\":\"invalid_token\"}")
                : responder.apply(call);
        synchronized (this) {
            calls.add(new Call(call.billerId(), call.resource(), key, call.correlationId(), body, reply.status(),
                    call.traceparent()));
        }
        Runnable answer = () -> {
            inFlight.get(call.billerId()).decrementAndGet();
            answer(http, reply);
        };
        if (reply.delayMillis() > 0) {
            // a slow CIS: answer later from the scheduler, without holding a server thread
            latency.schedule(answer, reply.delayMillis(), TimeUnit.MILLISECONDS);
        } else {
            answer.run();
        }
    }

    /** The most calls for one biller the stub was ever handling at the same time. */
    /** Calls of a biller being answered right now. */
    public int inFlight(String billerId) {
        AtomicInteger n = inFlight.get(billerId);
        return n == null ? 0 : n.get();
    }

    public int maxConcurrent(String billerId) {
        AtomicInteger max = maxInFlight.get(billerId);
        return max == null ? 0 : max.get();
    }

    private void answer(HttpExchange http, Reply reply) {
        int status = reply.status();
        reply.headers().forEach((k, v) -> http.getResponseHeaders().add(k, v));
        String text = reply.body() != null ? reply.body()
                : status < 300 ? "{\"status\":\"accepted\"}" : "{\"error\":\"stub failure\"}";
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().add("Content-Type", "application/json");
        try {
            http.sendResponseHeaders(status, body.length);
            try (OutputStream out = http.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException clientGone) {
            // the caller timed out and closed the connection: nothing to answer
        } finally {
            http.close();
        }
    }

    @Override
    public void close() {
        latency.shutdownNow();
        server.stop(0);
    }
}
