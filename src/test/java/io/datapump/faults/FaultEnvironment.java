package io.datapump.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.h2.tools.Server;

import io.datapump.DataPumpProperties;
import io.datapump.support.CisStub;
import io.datapump.support.Ports;

/**
 * Everything one fault scenario runs against, each part separately breakable: H2 TCP servers for the registry and
 * the shards, an Artemis broker, a CIS stub, and the packaged pump as its own process.
 */
final class FaultEnvironment implements AutoCloseable {

    static final String H2_MODE = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;DB_CLOSE_DELAY=-1;WRITE_DELAY=0";

    final Path dir;
    final DataPumpProperties properties;
    final CisStub cis = new CisStub();
    /** Further CIS stubs a scenario started for single billers. */
    final List<CisStub> otherCis = new java.util.concurrent.CopyOnWriteArrayList<>();
    final TestBroker broker;
    final AppProcess app;
    private final int h2Port;
    private final Map<String, Integer> separateShardPorts = new HashMap<>();
    private final Map<Integer, Process> h2 = new HashMap<>();
    private final List<String> billers = new ArrayList<>();

    FaultEnvironment(Path root, String name) throws Exception {
        this(root, name, 0);
    }

    /** With {@code brokerMaxDeliveries} > 0 the broker gives up on a message after that many deliveries. */
    FaultEnvironment(Path root, String name, int brokerMaxDeliveries) throws Exception {
        this.dir = fresh(root.resolve(name));
        this.properties = TestBroker.dataPumpDefaults();
        this.h2Port = Ports.free();
        startH2(h2Port);
        this.broker = new TestBroker(dir.resolve("broker"), Ports.free(), properties,
                brokerMaxDeliveries > 0 ? brokerMaxDeliveries : 10);
        this.app = new AppProcess(AppProcess.packagedJar(), root, Ports.free())
                .with("datapump.local.data-dir", dir.resolve("app"))
                .with("spring.datasource.url", "jdbc:h2:tcp://127.0.0.1:" + h2Port + "/registry" + H2_MODE)
                .with("datapump.local.shard-url", "jdbc:h2:tcp://127.0.0.1:" + h2Port + "/shards/{biller}" + H2_MODE)
                .with("spring.artemis.mode", "native")
                .with("spring.artemis.embedded.enabled", false)
                // detect a dead broker connection within seconds (health checks must not hang)
                .with("spring.artemis.broker-url", broker.url()
                        + "?callTimeout=3000&connectionTTL=6000&clientFailureCheckPeriod=2000")
                .with("datapump.local.source-simulator.rate", 0)
                .with("datapump.publisher.interval", 300)
                .with("datapump.publisher.initial-delay", 300)
                .with("datapump.biller-consumer.claim-batch-size", 25)
                // the leases stay at their defaults (5 minutes): a killed process's rows come back by its heartbeat,
                // here beating every second and taken for dead after 5 (the two-process scenario uses the defaults)
                .with("datapump.heartbeat.interval", "1s")
                .with("datapump.heartbeat.timeout", "5s")
                .with("datapump.sweeper.interval", "1s")
                .with("datapump.cis.connect-timeout", 500)
                .with("datapump.cis.response-timeout", 1500)
                .with("datapump.retry.immediate.attempts", 1)
                .with("datapump.retry.immediate.initial-delay", 50)
                .with("datapump.retry.delayed.attempts", 3)
                .with("datapump.retry.delayed.initial-delay", "500ms")
                .with("datapump.retry.delayed.max-delay", "2s")
                .with("datapump.cis.circuit-breaker.wait-in-open", "3s")
                .with("datapump.shutdown-timeout", 5);
    }

    /** Adds a local biller whose CIS is the stub (its shard on its own H2 server when {@code separateShard}). */
    FaultEnvironment biller(String id, boolean demo, int payments, int paperless, boolean separateShard)
            throws Exception {
        int i = billers.size();
        billers.add(id);
        String p = "datapump.local.billers[" + i + "].";
        app.with(p + "id", id).with(p + "name", id).with(p + "demo", demo)
                .with(p + "cis-base-url", cis.baseUrl(id))
                .with(p + "items.payment", payments).with(p + "items.paperless-registration", paperless);
        if (separateShard) {
            int port = Ports.free();
            startH2(port);
            separateShardPorts.put(id, port);
            app.with(p + "shard-url", shardUrl(id));
        }
        return this;
    }

    /** Points a biller's CIS somewhere else (e.g. a second stub that the test stops and starts). */
    FaultEnvironment cisBaseUrl(String billerId, String url) {
        app.with("datapump.local.billers[" + billers.indexOf(billerId) + "].cis-base-url", url);
        return this;
    }

    FaultEnvironment biller(String id, int payments, int paperless) throws Exception {
        return biller(id, false, payments, paperless, false);
    }

    /** Further pump processes of a scenario, stopped with the environment. */
    private final List<AppProcess> twins = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Another pump process like {@link #app} (same broker and databases), stopped when the environment closes. */
    AppProcess twin(int port, Path dataDir) {
        AppProcess twin = app.twin(port, dataDir);
        twins.add(twin);
        return twin;
    }

    List<String> billers() {
        return List.copyOf(billers);
    }

    String registryUrl() {
        return "jdbc:h2:tcp://127.0.0.1:" + h2Port + "/registry" + H2_MODE;
    }

    String shardUrl(String billerId) {
        int port = separateShardPorts.getOrDefault(billerId, h2Port);
        return "jdbc:h2:tcp://127.0.0.1:" + port + "/shards/" + billerId + H2_MODE;
    }

    Integer separateShardPort(String billerId) {
        return separateShardPorts.get(billerId);
    }

    /** An H2 TCP server as its own process, so an outage is a real one (killed, not paused). */
    void startH2(int port) throws Exception {
        String h2Jar = Path.of(Server.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 and the serial GC: a third of the CPU a default JVM spends serving a scenario
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", h2Jar, "org.h2.tools.Server",
                "-tcp", "-tcpPort", String.valueOf(port),
                "-baseDir", dir.resolve("h2").toString(), "-ifNotExists")
                .redirectErrorStream(true).redirectOutput(dir.resolve("h2-" + port + ".log").toFile()).start();
        h2.put(port, server);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                server.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("H2 server on port " + port + " did not start");
    }

    /** SIGKILL of an H2 server. */
    void stopH2(int port) {
        Process server = h2.remove(port);
        if (server != null) {
            server.destroyForcibly();
            try {
                server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    int registryPort() {
        return h2Port;
    }

    // ---- reading the outcome ------------------------------------------------------------------------------

    /** Control-record states of a biller's shard, plus "WorkItems" (rows of DataPumpRecord). */
    Map<String, Long> states(String billerId) throws SQLException {
        Map<String, Long> states = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(shardUrl(billerId), "sa", "")) {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM DataPumpRecord")) {
                rs.next();
                states.put("WorkItems", rs.getLong(1));
            }
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT State, COUNT(*) FROM DataPumpControl GROUP BY State")) {
                while (rs.next()) {
                    states.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return states;
    }

    /** Error classes of a biller's Failed rows, with counts. */
    Map<String, Long> failures(String billerId) throws SQLException {
        Map<String, Long> failures = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(shardUrl(billerId), "sa", "");
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT LastErrorClass, COUNT(*) FROM DataPumpControl WHERE State = 'Failed' GROUP BY LastErrorClass")) {
            while (rs.next()) {
                failures.put(rs.getString(1), rs.getLong(2));
            }
        }
        return failures;
    }

    long sql(String billerId, String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(shardUrl(billerId), "sa", "");
             ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of every row a query returns. */
    <T> List<T> sqlList(String billerId, String query, Class<T> type) throws SQLException {
        List<T> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(shardUrl(billerId), "sa", "");
             ResultSet rs = c.createStatement().executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getObject(1, type));
            }
        }
        return values;
    }

    void update(String billerId, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(shardUrl(billerId), "sa", "")) {
            c.createStatement().executeUpdate(statement);
        }
    }

    /** Items of the billers not yet Processed or Failed (while the pump runs: in flight; at the end: lost). */
    long unfinished(List<String> ids) throws SQLException {
        long n = 0;
        for (String id : ids) {
            Map<String, Long> s = states(id);
            n += s.get("WorkItems") - s.getOrDefault("Processed", 0L) - s.getOrDefault("Failed", 0L);
        }
        return n;
    }

    long count(List<String> ids, String state) throws SQLException {
        long n = 0;
        for (String id : ids) {
            n += states(id).getOrDefault(state, 0L);
        }
        return n;
    }

    long workItems(List<String> ids) throws SQLException {
        long n = 0;
        for (String id : ids) {
            n += states(id).get("WorkItems");
        }
        return n;
    }

    /** Accepted calls per idempotency key, over every CIS stub of the scenario. */
    Map<String, Long> acceptedPerKey() {
        Map<String, Long> all = new HashMap<>(cis.acceptedPerKey());
        otherCis.forEach(other -> other.acceptedPerKey().forEach((k, n) -> all.merge(k, n, Long::sum)));
        return all;
    }

    /** Idempotency keys the CIS accepted more than once (allowed only after a crash between CIS and Processed). */
    long duplicateKeys() {
        return acceptedPerKey().values().stream().filter(n -> n > 1).count();
    }

    // ---- the broker, as a client ---------------------------------------------------------------------------

    void publish(String topic, String body, Map<String, Object> properties) throws Exception {
        try (var cf = new ActiveMQConnectionFactory(broker.url()); var connection = cf.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createTopic(topic));
            TextMessage message = session.createTextMessage(body);
            for (Map.Entry<String, Object> e : properties.entrySet()) {
                message.setObjectProperty(e.getKey(), e.getValue());
            }
            producer.send(message);
        }
    }

    /** The failure-class header of every message on a queue. */
    List<Map<String, Object>> browse(String queue) throws Exception {
        List<Map<String, Object>> found = new ArrayList<>();
        try (var cf = new ActiveMQConnectionFactory(broker.url()); var connection = cf.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            var messages = session.createBrowser(session.createQueue(queue)).getEnumeration();
            while (messages.hasMoreElements()) {
                Message m = (Message) messages.nextElement();
                Map<String, Object> props = new HashMap<>();
                for (Object name : Collections.list(m.getPropertyNames())) {
                    props.put((String) name, m.getObjectProperty((String) name));
                }
                if (m instanceof TextMessage t) {
                    props.put("body", t.getText());
                }
                found.add(props);
            }
        }
        return found;
    }

    @Override
    public void close() throws Exception {
        for (AppProcess twin : twins) {
            twin.stop();
        }
        app.stop();
        broker.stop();
        cis.close();
        otherCis.forEach(CisStub::close);
        new ArrayList<>(h2.keySet()).forEach(this::stopH2);
    }

    /** An empty folder for one scenario (a previous run's broker journal and databases are removed). */
    private static Path fresh(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    /** The application's datapump.* defaults, read from application.yaml (topic names, retry timings). */

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
