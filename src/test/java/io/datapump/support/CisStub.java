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
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server standing in for the billers' CIS APIs in tests: records every request it receives and answers
 * with the status a test chooses (200 unless told otherwise).
 */
public final class CisStub implements AutoCloseable {

    /** One request as the CIS saw it. */
    public record Call(String billerId, String resource, String idempotencyKey, String correlationId, String body,
                       int status) {
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
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The CIS base URL to register for a biller. */
    public String baseUrl(String billerId) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/cis/" + billerId;
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
                http.getRequestHeaders().getFirst("X-Correlation-Id"), body, 0);
        if (key != null) {
            attemptsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
        int now = inFlight.computeIfAbsent(call.billerId(), b -> new AtomicInteger()).incrementAndGet();
        maxInFlight.computeIfAbsent(call.billerId(), b -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        Reply reply = "POST".equals(http.getRequestMethod()) ? responder.apply(call) : Reply.of(405);
        synchronized (this) {
            calls.add(new Call(call.billerId(), call.resource(), key, call.correlationId(), body, reply.status()));
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
