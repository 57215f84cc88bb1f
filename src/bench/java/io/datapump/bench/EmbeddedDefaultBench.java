package io.datapump.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.datapump.local.LocalSetup;
import io.datapump.support.Ports;
import io.datapump.support.TestUsers;

import org.junit.jupiter.api.Test;

/**
 * The embedded default as a newcomer runs it: {@code java -jar} with no options, the local profile (embedded Artemis,
 * H2 file shards, the built-in CIS simulator), four billers with 2,000 work items each, the source simulator off.
 * The whole JVM is measured in steady state — from a fifth to four fifths of the items Processed, read from the
 * shards themselves through H2's AUTO_SERVER — so start-up and the tail are left out: items/s, CPU milliseconds per
 * item of the whole process (pump, broker, databases and simulator together), shard statements per item (the
 * pump's own counter). Writes target/bench/embedded-default.json. Runs after 'package' in the bench profile;
 * alone: {@code mvn -Pbench failsafe:integration-test -Dit.test=EmbeddedDefaultBench}.
 */
class EmbeddedDefaultBench {

    static final int BILLERS = 4;
    static final int PAYMENTS = Integer.getInteger("bench.embedded.payments", 1500);
    static final int PAPERLESS = Integer.getInteger("bench.embedded.paperless", 500);
    static final Pattern STATEMENTS = Pattern.compile("^datapump_shard_statements_total\\{[^}]*\\} ([0-9.eE+]+)$",
            Pattern.MULTILINE);

    @Test
    void theEmbeddedDefaultDrainsFourBillersInSteadyState() throws Exception {
        Path dir = Path.of("target", "bench", "embedded-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(dir);
        List<String> ids = IntStream.rangeClosed(1, BILLERS).mapToObj(i -> "embedded-" + i).toList();
        StringBuilder yaml = new StringBuilder("datapump:\n  local:\n    billers:\n");
        for (String id : ids) {
            yaml.append("      - id: ").append(id).append("\n        name: ").append(id)
                    .append("\n        items: { payment: ").append(PAYMENTS)
                    .append(", paperless-registration: ").append(PAPERLESS).append(" }\n");
        }
        Path billers = dir.resolve("billers.yaml");
        Files.writeString(billers, yaml);
        int port = Ports.free();
        List<String> command = new java.util.ArrayList<>(List.of(BenchProcesses.java()));
        // as shipped: no JVM options (-Dbench.process.jvm="..." adds some, e.g. to profile it)
        command.addAll(BenchProcesses.words("bench.process.jvm"));
        command.addAll(List.of("-jar", BenchProcesses.packagedJar().toString(),
                "--spring.config.additional-location=file:" + billers, "--server.port=" + port,
                "--datapump.local.data-dir=" + dir.resolve("data"), "--datapump.local.source-simulator.rate=0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pump.log").toFile());
        builder.environment().put("DATAPUMP_VIEWER_PASSWORD", TestUsers.VIEWER_PASSWORD);
        builder.environment().put("DATAPUMP_OPERATOR_PASSWORD", TestUsers.OPERATOR_PASSWORD);
        long launched = System.nanoTime();
        Process pump = builder.start();
        try {
            BenchPump.await("embedded default ready", Duration.ofMinutes(3), () -> {
                if (!pump.isAlive()) {
                    throw new IllegalStateException("the pump exited: see " + dir.resolve("pump.log"));
                }
                return BenchProcesses.httpStatus(port, "/actuator/health/readiness") == 200;
            });
            double readySeconds = (System.nanoTime() - launched) / 1e9;
            long total = (long) BILLERS * (PAYMENTS + PAPERLESS);
            List<String> urls = ids.stream().map(id -> "jdbc:h2:file:" + dir.resolve("data").resolve("shards")
                    .resolve(id) + LocalSetup.H2_OPTIONS).toList();

            BenchPump.await("a fifth processed", Duration.ofMinutes(10), () -> processed(urls) >= total / 5);
            long n0 = processed(urls);
            long t0 = System.nanoTime();
            double cpu0 = BenchProcesses.cpuSeconds(pump.pid());
            double statements0 = statements(port);
            Map<String, Double> threads0 = BenchProcesses.cpuSecondsByThread(pump.pid());
            BenchPump.await("four fifths processed", Duration.ofMinutes(20), () -> processed(urls) >= total * 4 / 5);
            long n1 = processed(urls);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu1 = BenchProcesses.cpuSeconds(pump.pid());
            double statements1 = statements(port);
            long items = n1 - n0;
            Map<String, Double> byThread = new java.util.TreeMap<>();
            BenchProcesses.cpuSecondsByThread(pump.pid()).forEach((name, cpu) -> {
                double ms = (cpu - threads0.getOrDefault(name, 0.0)) * 1000 / items;
                if (ms >= 0.05) {
                    byThread.put(name, Math.round(ms * 100) / 100.0);
                }
            });

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("machine", BenchReport.machine());
            result.put("billers", BILLERS);
            result.put("items", total);
            result.put("readySeconds", Math.round(readySeconds * 10) / 10.0);
            result.put("windowItems", items);
            result.put("windowSeconds", Math.round(seconds * 10) / 10.0);
            result.put("itemsPerSecond", Math.round(items / seconds * 10) / 10.0);
            result.put("cpuMsPerItem", Math.round((cpu1 - cpu0) * 1000 / items * 100) / 100.0);
            result.put("statementsPerItem", Math.round((statements1 - statements0) / items * 100) / 100.0);
            result.put("cpuMsPerItemByThread", byThread);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(Path.of("target", "bench", "embedded-default.json").toFile(), result);
            System.out.printf(Locale.ROOT, "Embedded default (java -jar, %d billers, %d items, CIS simulator): %s%n",
                    BILLERS, total, result);
            assertThat(items).as("items processed in the window").isPositive();
            assertThat(Files.readString(dir.resolve("pump.log"))).doesNotContain("OutOfMemoryError");
        } finally {
            pump.destroy();
            pump.waitFor();
        }
    }

    /** Processed items of every shard, read through H2's AUTO_SERVER while the pump holds the files. */
    private static long processed(List<String> urls) {
        long n = 0;
        for (String url : urls) {
            try (Connection c = DriverManager.getConnection(url, "sa", "");
                 ResultSet rs = c.createStatement().executeQuery(
                         "SELECT COUNT(*) FROM DataPumpControl WHERE State = 'Processed'")) {
                rs.next();
                n += rs.getLong(1);
            } catch (Exception notYet) {
                // the shard is not migrated yet
            }
        }
        return n;
    }

    /** The pump's shard statement counters, summed over billers, from its Prometheus endpoint. */
    private static double statements(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .header("Authorization", TestUsers.basic(TestUsers.VIEWER, TestUsers.VIEWER_PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        double sum = 0;
        Matcher m = STATEMENTS.matcher(r.body());
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }
}
