package io.datapump.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.datapump.support.Ports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

/**
 * S6 measured on the pump alone: the packaged jar as its own JVM with {@code -Xmx256m}, its biller's shard served
 * over TCP by an H2 server in this JVM (so the shard's pages are not in the pump's heap), its embedded broker
 * inside it as in the local default. Seeds 1,000,000 pending rows, lets the pump work for a bounded window, and
 * reads the pump's heap after every GC from its GC log and its peak RSS (VmHWM) from /proc. Runs after 'package'
 * in the bench profile ({@code mvn -Pbench verify}); writes target/bench/s6-process.json.
 */
class PumpMemoryBench {

    static final String H2 = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;DB_CLOSE_DELAY=-1;WRITE_DELAY=0";
    static final Pattern AFTER_GC = Pattern.compile("GC\\(\\d+\\) Pause.*?(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    @Test
    void millionPendingRowsKeepThePumpHeapFlat() throws Exception {
        int rows = Integer.getInteger("bench.s6.rows", 1_000_000);
        Duration window = Duration.ofSeconds(Long.getLong("bench.s6.window", 60));
        Path dir = Path.of("target", "bench", "s6-process-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(dir);
        Path gcLog = dir.resolve("gc.log");
        Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.resolve("h2").toString())
                .start();
        String shardUrl = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/s6p" + H2;
        Process pump = null;
        try (BenchCis cis = new BenchCis()) {
            cis.countKeys(false);
            int port = Ports.free();
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseG1GC",
                    "-Xlog:gc:file=" + gcLog, "-jar", packagedJar().toString(), "--spring.profiles.active=local",
                    "--server.port=" + port, "--datapump.local.data-dir=" + dir.resolve("app"),
                    "--datapump.local.source-simulator.rate=0", "--datapump.publisher.interval=500",
                    "--datapump.local.billers[0].id=s6p", "--datapump.local.billers[0].name=S6 process",
                    "--datapump.local.billers[0].shard-url=" + shardUrl,
                    "--datapump.local.billers[0].cis-base-url=" + cis.baseUrl("s6p"),
                    "--datapump.local.billers[0].items.payment=0",
                    "--datapump.local.billers[0].items.paperless-registration=0",
                    "--logging.level.root=WARN"));
            pump = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("pump.log").toFile()).start();
            Process p = pump;
            BenchPump.await("pump up", Duration.ofMinutes(3), () -> p.isAlive() && httpStatus(port) == 200);

            // seed in the shard over TCP (the statements run in the H2 server, in this JVM)
            String seedSql = new String(PumpMemoryBench.class.getResourceAsStream("/bench/seed-payments.sql")
                    .readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
            long t0 = System.currentTimeMillis();
            try (Connection c = DriverManager.getConnection(shardUrl, "sa", "")) {
                for (int left = rows; left > 0; left -= 100_000) {
                    int n = Math.min(left, 100_000);
                    c.setAutoCommit(false);
                    long first;
                    try (ResultSet rs = c.createStatement().executeQuery("SELECT COALESCE(MAX(PaymentId), 0) FROM Payment")) {
                        rs.next();
                        first = rs.getLong(1) + 1;
                    }
                    for (String statement : seedSql.split(";")) {
                        if (statement.isBlank()) {
                            continue;
                        }
                        try (PreparedStatement ps = c.prepareStatement(statement.replace(":#n", String.valueOf(n))
                                .replace(":#firstPaymentId", String.valueOf(first)))) {
                            ps.executeUpdate();
                        }
                    }
                    c.commit();
                }
            }
            long seedMillis = System.currentTimeMillis() - t0;
            long gcLinesAtStart = Files.readAllLines(gcLog).size();
            long received0 = cis.received(List.of("s6p"));
            long end = System.currentTimeMillis() + window.toMillis();
            BenchPump.await("S6 window", window.plusSeconds(30), () -> System.currentTimeMillis() >= end);
            long delivered = cis.received(List.of("s6p")) - received0;
            long vmHwm = procStatusKiB(pump.pid(), "VmHWM") / 1024;

            List<Long> afterGc = new ArrayList<>();
            List<String> lines = Files.readAllLines(gcLog);
            for (String line : lines.subList((int) Math.min(gcLinesAtStart, lines.size()), lines.size())) {
                Matcher m = AFTER_GC.matcher(line);
                if (m.find()) {
                    afterGc.add(Long.parseLong(m.group(2)));
                }
            }
            long peak = afterGc.stream().mapToLong(Long::longValue).max().orElse(-1);
            long first = afterGc.isEmpty() ? -1 : afterGc.get(0);
            long last = afterGc.isEmpty() ? -1 : afterGc.get(afterGc.size() - 1);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("rows", rows);
            result.put("seedSeconds", seedMillis / 1000.0);
            result.put("windowSeconds", window.toSeconds());
            result.put("deliveredInWindow", delivered);
            result.put("gcsInWindow", afterGc.size());
            result.put("heapAfterGcFirstMiB", first);
            result.put("heapAfterGcLastMiB", last);
            result.put("heapAfterGcPeakMiB", peak);
            result.put("maxHeapMiB", 256);
            result.put("vmHwmMiB", vmHwm);
            result.put("pass", peak >= 0 && peak <= 256 && pump.isAlive());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(Path.of("target", "bench", "s6-process.json").toFile(), result);
            System.out.println("S6 (pump as its own JVM, -Xmx256m): " + result);

            assertThat(pump.isAlive()).as("the pump survived the window").isTrue();
            assertThat(delivered).as("items delivered in the window").isPositive();
        } finally {
            if (pump != null) {
                pump.destroy();
                pump.waitFor();
            }
            h2.stop();
        }
    }

    private static int httpStatus(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/actuator/health/liveness"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static long procStatusKiB(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static Path packagedJar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("data-pump-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no target/data-pump-*.jar: run after package"));
        }
    }
}
