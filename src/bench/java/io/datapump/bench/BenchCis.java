package io.datapump.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The CIS stand-in of the benchmark: a real HTTP server on the loopback answering 200 after a configurable latency
 * (held on a scheduler, not a server thread). Lean on purpose, so it barely shows in the heap it shares with the
 * pump: per idempotency key a counter; per biller a receipt count and the first and last receipt time; and, while a
 * recorder is armed, the latency of each receipt from its biller's seed time (work-item insert).
 */
final class BenchCis implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(16);
    private final ScheduledExecutorService delays = Executors.newScheduledThreadPool(2);
    private volatile long latencyMillis;
    private final Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
    private final Map<String, BillerStats> perBiller = new ConcurrentHashMap<>();
    private volatile LatencyRecorder recorder;
    private volatile boolean countKeys = true;

    static final class BillerStats {
        final AtomicLong received = new AtomicLong();
        volatile long seededAtMillis;
        final AtomicLong firstMillis = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong lastMillis = new AtomicLong();
    }

    BenchCis() throws IOException {
        // the JDK server keeps at most 200 idle keep-alive connections and drops the rest, which the pump's pooled
        // client then meets as NoHttpResponse; raise the cap (read once per JVM, when the first server starts)
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4000");
        System.setProperty("sun.net.httpserver.idleInterval", "600");
        // headers and body are written separately: without TCP_NODELAY each response waits ~40 ms for the client's
        // delayed ACK, which made the stub, not the pump, the limit of S1
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(handlers);
        server.createContext("/cis/", this::handle);
        server.start();
    }

    String baseUrl(String billerId) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/cis/" + billerId;
    }

    void latency(long millis) {
        this.latencyMillis = millis;
    }

    /** Whether receipts are counted per idempotency key (off for the million-row memory scenario). */
    void countKeys(boolean on) {
        this.countKeys = on;
    }

    void seeded(String billerId, long atMillis) {
        stats(billerId).seededAtMillis = atMillis;
    }

    void record(LatencyRecorder r) {
        this.recorder = r;
    }

    BillerStats stats(String billerId) {
        return perBiller.computeIfAbsent(billerId, b -> new BillerStats());
    }

    long received(Iterable<String> billers) {
        long n = 0;
        for (String b : billers) {
            n += stats(b).received.get();
        }
        return n;
    }

    /** Keys of these billers accepted more than once. */
    long duplicates(String prefix) {
        return perKey.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getValue().get() > 1).count();
    }

    /** Distinct keys seen whose key starts with the prefix. */
    long distinctKeys(String prefix) {
        return perKey.keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }

    void forgetKeys() {
        perKey.clear();
    }

    private void handle(HttpExchange http) throws IOException {
        try (InputStream in = http.getRequestBody()) {
            in.readAllBytes();
        }
        long now = System.currentTimeMillis();
        String[] path = http.getRequestURI().getPath().split("/");
        String biller = path.length > 2 ? path[2] : "";
        String key = http.getRequestHeaders().getFirst("Idempotency-Key");
        if (countKeys && key != null) {
            perKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        }
        BillerStats s = stats(biller);
        s.firstMillis.accumulateAndGet(now, Math::min);
        s.lastMillis.accumulateAndGet(now, Math::max);
        LatencyRecorder r = recorder;
        if (r != null && s.seededAtMillis > 0) {
            r.add(now - s.seededAtMillis);
        }
        s.received.incrementAndGet();
        long delay = latencyMillis;
        if (delay > 0) {
            delays.schedule(() -> answer(http), delay, TimeUnit.MILLISECONDS);
        } else {
            answer(http);
        }
    }

    private static void answer(HttpExchange http) {
        byte[] body = "{\"status\":\"accepted\"}".getBytes(StandardCharsets.UTF_8);
        http.getResponseHeaders().add("Content-Type", "application/json");
        try (OutputStream out = http.getResponseBody()) {
            http.sendResponseHeaders(200, body.length);
            out.write(body);
        } catch (IOException clientGone) {
            // nothing to answer
        } finally {
            http.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        delays.shutdownNow();
    }

    /** Latencies in a fixed array (no boxing, bounded memory). */
    static final class LatencyRecorder {
        private final long[] values;
        private final AtomicInteger size = new AtomicInteger();

        LatencyRecorder(int capacity) {
            values = new long[Math.max(1, capacity)];
        }

        void add(long millis) {
            int i = size.getAndIncrement();
            if (i < values.length) {
                values[i] = millis;
            }
        }

        /** The p-th percentile (0-100) in ms, or -1 when nothing was recorded. */
        long percentile(double p) {
            int n = Math.min(size.get(), values.length);
            if (n == 0) {
                return -1;
            }
            long[] sorted = java.util.Arrays.copyOf(values, n);
            java.util.Arrays.sort(sorted);
            int idx = (int) Math.ceil(p / 100.0 * n) - 1;
            return sorted[Math.max(0, Math.min(n - 1, idx))];
        }
    }
}
