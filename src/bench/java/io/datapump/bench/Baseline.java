package io.datapump.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.registry.Biller;
import io.datapump.sql.SqlFiles;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * S2's baseline: the pump's work done by hand, without Camel. The same SQL files (SqlFiles), the same state
 * transitions (New/no row -> Fetched -> Queued -> Processing -> Processed, attempt history), the same broker (the
 * Artemis JMS client, persistent messages, transacted sessions; in-VM to the pump's embedded broker in the in-process
 * run, over TCP in {@link FairBench}), the same HTTP client as the pump's http component (Apache HttpClient 5, one
 * pooled client) and the same HTTP stub. Plain JDBC: each thread keeps one connection per shard. One scan thread
 * publishes biller messages, {@code billerThreads} claim bounded batches and publish one message per item (and a
 * continuation when a batch was full), {@code itemThreads} deliver items.
 */
final class Baseline implements AutoCloseable {

    private static final Pattern NAMED = Pattern.compile(":(\\w+)");

    private final Map<String, Biller> billers = new ConcurrentHashMap<>();
    private final Set<String> outstanding = ConcurrentHashMap.newKeySet();
    private final ActiveMQConnectionFactory factory;
    private final CloseableHttpClient http = httpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong statements = new AtomicLong();
    private final int batchSize;
    private final int maxInFlight;
    private final String processorId = "baseline";

    /** @param brokerUrl the pump's embedded broker, in-VM ({@link BenchPump#brokerUrl()}) */
    Baseline(String brokerUrl, List<Biller> billerList, int billerThreads, int itemThreads, int batchSize,
             int maxInFlight) {
        this.factory = new ActiveMQConnectionFactory(brokerUrl);
        billerList.forEach(b -> billers.put(b.id(), b));
        this.batchSize = batchSize;
        this.maxInFlight = maxInFlight;
        start("baseline-scan", this::scanLoop);
        for (int i = 0; i < billerThreads; i++) {
            start("baseline-biller-" + i, this::billerLoop);
        }
        for (int i = 0; i < itemThreads; i++) {
            start("baseline-item-" + i, this::itemLoop);
        }
    }

    /** The pump's CIS client, as Camel's http component builds it: one pool, 400 connections, 200 per route. */
    private static CloseableHttpClient httpClient() {
        PoolingHttpClientConnectionManager pool = new PoolingHttpClientConnectionManager();
        pool.setMaxTotal(400);
        pool.setDefaultMaxPerRoute(200);
        pool.setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(2)).build());
        return HttpClients.custom().setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(10)).build())
                .build();
    }

    /**
     * The baseline as a process of its own ({@link FairBench}): {@code Baseline <brokerUrl> <billersFile>
     * <billerThreads> <itemThreads> <batchSize> <maxInFlight>}, the billers file one {@code id|shardUrl|cisBaseUrl}
     * per line. Runs until it is stopped.
     */
    public static void main(String[] args) throws Exception {
        List<Biller> list = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            String[] f = line.split("\\|");
            if (f.length == 3) {
                list.add(new Biller(f[0], f[0], io.datapump.registry.Lane.PRODUCTION, true, false, f[1], f[2]));
            }
        }
        Baseline baseline = new Baseline(args[0], list, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                baseline.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        }));
        System.out.println("baseline ready");
        Thread.currentThread().join();
    }

    long statements() {
        return statements.get();
    }

    private void start(String name, ThrowingRunnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception e) {
                if (running.get()) {
                    throw new IllegalStateException(name + " failed", e);
                }
            }
        }, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The publisher: every 200 ms, one biller message for each biller with pending work and none outstanding. */
    private void scanLoop() throws Exception {
        Shards db = new Shards();
        try (JMSContext jms = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            Queue billerQueue = jms.createQueue("bench-baseline-billers");
            JMSProducer producer = jms.createProducer();
            while (running.get()) {
                for (Biller b : billers.values()) {
                    if (outstanding.contains(b.id())) {
                        continue;
                    }
                    long pending = db.queryLong(b, SqlFiles.get("control/count-pending"),
                            Map.of("lookback", 1000L));
                    if (pending > 0 && outstanding.add(b.id())) {
                        producer.send(billerQueue, b.id());
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L); // the scan interval
            }
        } finally {
            db.close();
        }
    }

    /** The biller consumer: claim a bounded batch, publish one message per item, mark them Queued, continue. */
    private void billerLoop() throws Exception {
        Shards db = new Shards();
        try (JMSContext jms = factory.createContext(JMSContext.SESSION_TRANSACTED)) {
            Queue billerQueue = jms.createQueue("bench-baseline-billers");
            Queue itemQueue = jms.createQueue("bench-baseline-items");
            JMSConsumer consumer = jms.createConsumer(billerQueue);
            JMSProducer producer = jms.createProducer();
            while (running.get()) {
                Message m = consumer.receive(200);
                if (m == null) {
                    continue;
                }
                Biller b = billers.get(((TextMessage) m).getText());
                String token = UUID.randomUUID().toString();
                Connection c = db.connection(b);
                List<long[]> rows = new ArrayList<>();
                int allowed;
                c.setAutoCommit(false);
                try {
                    db.update(c, SqlFiles.get("marker/claim-lock"), Map.of("claimToken", token));
                    long inFlight = db.queryLong(c, SqlFiles.get("control/count-in-flight"), Map.of());
                    allowed = (int) Math.max(0, Math.min(batchSize, maxInFlight - inFlight));
                    if (allowed > 0) {
                        Map<String, Object> p = Map.of("claimToken", token, "processorId", processorId, "limit", allowed);
                        int claimed = db.update(c, SqlFiles.get("control/claim-new"), p);
                        if (claimed < allowed) {
                            List<Long> unseen = new ArrayList<>();
                            try (PreparedStatement ps = db.prepare(c, SqlFiles.get("control/unseen-ids"),
                                    Map.of("lookback", 1000L, "limit", allowed - claimed));
                                 ResultSet rs = ps.executeQuery()) {
                                while (rs.next()) {
                                    unseen.add(rs.getLong(1));
                                }
                            }
                            if (!unseen.isEmpty()) {
                                db.update(c, SqlFiles.get("control/claim-unseen"), Map.of("claimToken", token,
                                        "processorId", processorId, "recordIds", unseen));
                                db.update(c, SqlFiles.get("control/claim-mark-advance"),
                                        Map.of("through", unseen.get(unseen.size() - 1)));
                            }
                        }
                        try (PreparedStatement ps = db.prepare(c, SqlFiles.get("control/claimed-items"),
                                Map.of("claimToken", token)); ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                rows.add(new long[] {rs.getLong("DataPumpRecordId"), rs.getLong("SourceId")});
                            }
                        }
                    }
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
                for (long[] row : rows) {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("billerId", b.id());
                    item.put("recordId", row[0]);
                    item.put("sourceId", row[1]);
                    item.put("correlationId", UUID.randomUUID().toString());
                    producer.send(itemQueue, json.writeValueAsString(item));
                }
                jms.commit();
                if (!rows.isEmpty()) {
                    db.update(db.connection(b), SqlFiles.get("control/mark-queued"), Map.of("claimToken", token));
                }
                boolean more = allowed == 0 || rows.size() >= allowed;
                if (more) {
                    TextMessage next = jms.createTextMessage(b.id());
                    if (allowed == 0) {
                        next.setLongProperty("_AMQ_SCHED_DELIVERY", System.currentTimeMillis() + 250);
                    }
                    producer.send(billerQueue, next);
                } else {
                    outstanding.remove(b.id());
                }
                jms.commit();
            }
        } finally {
            db.close();
        }
    }

    /** The item consumer: claim by key, enrich, POST with the idempotency key, Processed + attempt history. */
    @SuppressWarnings("unchecked")
    private void itemLoop() throws Exception {
        Shards db = new Shards();
        try (JMSContext jms = factory.createContext(JMSContext.SESSION_TRANSACTED)) {
            JMSConsumer consumer = jms.createConsumer(jms.createQueue("bench-baseline-items"));
            while (running.get()) {
                Message m = consumer.receive(200);
                if (m == null) {
                    continue;
                }
                Map<String, Object> item = json.readValue(((TextMessage) m).getText(), Map.class);
                Biller b = billers.get((String) item.get("billerId"));
                long recordId = ((Number) item.get("recordId")).longValue();
                String attempt = UUID.randomUUID().toString();
                Connection c = db.connection(b);
                Instant started = Instant.now();
                if (db.update(c, SqlFiles.get("control/start-processing"), Map.of("recordId", recordId,
                        "attemptToken", attempt, "processorId", processorId)) == 1) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    try (PreparedStatement ps = db.prepare(c, SqlFiles.get("itemconsumer/enrich-payment"),
                            Map.of("sourceId", item.get("sourceId"))); ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            throw new IllegalStateException("no payment for " + item);
                        }
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            Object v = rs.getObject(i);
                            data.put(rs.getMetaData().getColumnLabel(i), v instanceof Timestamp ts
                                    ? ts.toInstant().toString() : v);
                        }
                    }
                    Map<String, Object> request = new LinkedHashMap<>();
                    request.put("billerId", b.id());
                    request.put("itemType", "Payment");
                    request.put("recordId", recordId);
                    request.put("correlationId", item.get("correlationId"));
                    request.put("data", data);
                    HttpPost post = new HttpPost(b.cisBaseUrl() + "/payments");
                    post.setHeader("Idempotency-Key", "datapump-" + b.id() + "-" + recordId);
                    post.setHeader("X-Correlation-Id", (String) item.get("correlationId"));
                    post.setEntity(new StringEntity(json.writeValueAsString(request), ContentType.APPLICATION_JSON));
                    int status = http.execute(post, response -> {
                        EntityUtils.consume(response.getEntity());
                        return response.getCode();
                    });
                    if (status / 100 != 2) {
                        throw new IllegalStateException("CIS answered " + status);
                    }
                    c.setAutoCommit(false);
                    try {
                        db.update(c, SqlFiles.get("control/mark-processed"), Map.of("recordId", recordId,
                                "attemptToken", attempt));
                        Map<String, Object> p = new HashMap<>();
                        p.put("recordId", recordId);
                        p.put("outcome", "Succeeded");
                        p.put("errorClass", null);
                        p.put("error", null);
                        p.put("httpStatus", status);
                        p.put("startedAt", Timestamp.from(started));
                        p.put("durationMs", Duration.between(started, Instant.now()).toMillis());
                        p.put("processorId", processorId);
                        db.update(c, SqlFiles.get("control/record-attempt"), p);
                        c.commit();
                    } finally {
                        c.setAutoCommit(true);
                    }
                }
                jms.commit();
            }
        } finally {
            db.close();
        }
    }

    /** One JDBC connection per shard for the calling thread, and named parameters bound by position. */
    private final class Shards {
        private final Map<String, Connection> connections = new HashMap<>();

        Connection connection(Biller b) throws SQLException {
            Connection c = connections.get(b.id());
            if (c == null) {
                c = DriverManager.getConnection(b.shardJdbcUrl(), "sa", "");
                connections.put(b.id(), c);
            }
            return c;
        }

        PreparedStatement prepare(Connection c, String sql, Map<String, ?> params) throws SQLException {
            Matcher m = NAMED.matcher(sql.replaceAll("(?m)--.*$", ""));
            StringBuilder positional = new StringBuilder();
            List<Object> values = new ArrayList<>();
            while (m.find()) {
                Object value = params.get(m.group(1));
                if (value instanceof java.util.Collection<?> list) {
                    // a list parameter (IN (...)): one placeholder per element
                    values.addAll(list);
                    m.appendReplacement(positional, String.join(", ", java.util.Collections.nCopies(list.size(), "?")));
                } else {
                    values.add(value);
                    m.appendReplacement(positional, "?");
                }
            }
            m.appendTail(positional);
            PreparedStatement ps = c.prepareStatement(positional.toString());
            for (int i = 0; i < values.size(); i++) {
                ps.setObject(i + 1, values.get(i));
            }
            statements.incrementAndGet();
            return ps;
        }

        int update(Connection c, String sql, Map<String, ?> params) throws SQLException {
            try (PreparedStatement ps = prepare(c, sql, params)) {
                return ps.executeUpdate();
            }
        }

        long queryLong(Connection c, String sql, Map<String, ?> params) throws SQLException {
            try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }

        long queryLong(Biller b, String sql, Map<String, ?> params) throws SQLException {
            return queryLong(connection(b), sql, params);
        }

        void close() {
            connections.values().forEach(c -> {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            });
        }
    }

    @Override
    public void close() throws Exception {
        running.set(false);
        for (Thread t : threads) {
            t.join(5_000);
        }
        factory.close();
        http.close();
    }
}
