package io.datapump.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.datapump.DataPumpProperties;
import io.datapump.faults.TestBroker;
import io.datapump.registry.Biller;
import io.datapump.registry.Lane;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.ShardMigrations;
import io.datapump.support.Ports;

import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

/**
 * Throughput and CPU per item measured fairly: every run is a fresh JVM of its own (the packaged pump, or the
 * hand-written {@link Baseline}), started against the same parts in this JVM — an Artemis broker over TCP with a
 * persistent journal, H2 shard databases over TCP, the CIS stub — with the same heap and collector. Each run gets
 * fresh shards and a fresh broker, waits until the process is ready, warms it up with half as much work again, then seeds
 * 20 billers and measures from the seeding to the last CIS receipt: items/s, and the process's own CPU seconds per item (from /proc, so the broker,
 * the databases and the stub, which run here, are not counted). Runs after 'package' in the bench profile
 * ({@code mvn -Pbench verify}); alone: {@code mvn -Pbench failsafe:integration-test -Dit.test=FairBench}.
 * <ul>
 * <li>S2: pump and baseline at 8 item consumers each, {@code bench.fair.runs} (3) times, the order alternated.</li>
 * <li>S1 sweep: the pump at 8, 16, 32 and 64 item consumers, each {@code bench.fair.runs} times, the order rotated
 * and reversed between rounds.</li>
 * </ul>
 * Median and spread (min–max) go to target/bench/fair.md and fair.json. {@code -Dbench.fair.only=S2} or {@code SWEEP}
 * runs one part; {@code bench.fair.items} (1000 per biller), {@code bench.fair.sweep} (8,16,32,64) size it.
 */
class FairBench {

    static final int BILLERS = Integer.getInteger("bench.fair.billers", 20);
    static final int ITEMS = Integer.getInteger("bench.fair.items", 1000);
    static final int RUNS = Integer.getInteger("bench.fair.runs", 3);
    static final List<String> JVM = List.of("-Xmx1g", "-XX:+UseG1GC");
    static final Duration TIMEOUT = Duration.ofMinutes(15);

    /** One measured run. */
    record Run(String part, String variant, int consumers, int round, double itemsPerSecond, double cpuMsPerItem,
               double seconds, long items, long distinctKeys, long duplicates, double harnessCpuMsPerItem,
               Map<String, Double> cpuMsPerItemByThread) {
    }

    private final List<Run> runs = new ArrayList<>();
    private final Path out = Path.of("target", "bench").toAbsolutePath();

    @Test
    void pumpAgainstBaselineAndAcrossConsumerCounts() throws Exception {
        String only = System.getProperty("bench.fair.only", "").trim().toUpperCase(Locale.ROOT);
        int[] sweep = Arrays.stream(System.getProperty("bench.fair.sweep", "8,16,32,64").split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        Files.createDirectories(out);
        try {
            if (only.isEmpty() || only.equals("S2")) {
                for (int round = 0; round < RUNS; round++) {
                    List<String> order = round % 2 == 0 ? List.of("pump", "baseline") : List.of("baseline", "pump");
                    for (String variant : order) {
                        runs.add(run("S2", variant, 8, round));
                    }
                }
            }
            if (only.isEmpty() || only.equals("SWEEP")) {
                for (int round = 0; round < RUNS; round++) {
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < sweep.length; i++) {
                        order.add(sweep[(i + round) % sweep.length]);
                    }
                    if (round % 2 == 1) {
                        java.util.Collections.reverse(order);
                    }
                    for (int consumers : order) {
                        runs.add(run("S1", "pump", consumers, round));
                    }
                }
            }
        } finally {
            report();
        }
        for (Run r : runs) {
            assertThat(r.distinctKeys()).as("%s %s c=%d round %d: every item delivered", r.part(), r.variant(),
                    r.consumers(), r.round()).isEqualTo(r.items());
            assertThat(r.duplicates()).as("%s %s c=%d round %d: no item delivered twice", r.part(), r.variant(),
                    r.consumers(), r.round()).isZero();
        }
    }

    private Run run(String part, String variant, int consumers, int round) throws Exception {
        Path dir = out.resolve("fair").resolve(part + "-" + variant + "-c" + consumers + "-r" + round);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.resolve("h2").toString())
                .start();
        DataPumpProperties defaults = TestBroker.dataPumpDefaults();
        TestBroker broker = new TestBroker(dir.resolve("broker"), Ports.free(), defaults, 10);
        broker.start();
        Process process = null;
        try (BenchCis cis = new BenchCis()) {
            String prefix = "fair" + round + variant.charAt(0) + consumers;
            List<String> ids = IntStream.rangeClosed(1, BILLERS).mapToObj(i -> prefix + "-" + i).toList();
            // -Dbench.fair.sql-stats: H2 records every statement's count and time; the first shard's are printed
            String stats = Boolean.getBoolean("bench.fair.sql-stats") ? ";QUERY_STATISTICS=TRUE" : "";
            java.util.function.Function<String, String> shardUrl =
                    id -> "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/" + id + BenchProcesses.H2 + stats;
            process = variant.equals("pump")
                    ? startPump(dir, h2.getPort(), broker.url(), ids, shardUrl, cis, consumers)
                    : startBaseline(dir, broker.url(), ids, shardUrl, cis, consumers);
            long total = (long) BILLERS * ITEMS;
            // warm-up (the JIT, pools, caches): half as much work again, delivered before the measured part starts
            seed(ids, shardUrl, Math.max(1, ITEMS / 2));
            long warm = (long) BILLERS * Math.max(1, ITEMS / 2);
            Process w = process;
            BenchPump.await("warm-up", TIMEOUT, () -> cis.received(ids) >= warm || !w.isAlive());
            cis.forgetKeys();
            ids.forEach(id -> cis.stats(id).received.set(0));

            double cpu0 = BenchProcesses.cpuSeconds(process.pid());
            double harness0 = BenchProcesses.cpuSeconds(ProcessHandle.current().pid());
            Map<String, Double> threads0 = BenchProcesses.cpuSecondsByThread(process.pid());
            long t0 = System.currentTimeMillis();
            seed(ids, shardUrl, ITEMS);
            Process p = process;
            BenchPump.await(part + " " + variant + " c=" + consumers, TIMEOUT,
                    () -> cis.received(ids) >= total || !p.isAlive());
            double cpu1 = BenchProcesses.cpuSeconds(process.pid());
            double harness1 = BenchProcesses.cpuSeconds(ProcessHandle.current().pid());
            Map<String, Double> byThread = new java.util.TreeMap<>();
            BenchProcesses.cpuSecondsByThread(process.pid()).forEach((name, s) -> {
                double ms = (s - threads0.getOrDefault(name, 0.0)) * 1000 / total;
                if (ms >= 0.005) {
                    byThread.put(name, Math.round(ms * 1000) / 1000.0);
                }
            });
            long last = ids.stream().mapToLong(id -> cis.stats(id).lastMillis.get()).max().orElse(t0);
            double seconds = Math.max(1, last - t0) / 1000.0;
            Run r = new Run(part, variant, consumers, round, total / seconds, (cpu1 - cpu0) * 1000 / total, seconds,
                    total, cis.distinctKeys("datapump-" + prefix), cis.duplicates("datapump-" + prefix),
                    (harness1 - harness0) * 1000 / total, byThread);
            System.out.printf(Locale.ROOT, "[fair] %s %-8s c=%-3d round %d: %7.1f items/s, %.3f ms CPU/item, %.1f s"
                    + " (harness: broker, databases, CIS stub %.3f ms CPU/item)%n", part, variant, consumers, round,
                    r.itemsPerSecond(), r.cpuMsPerItem(), seconds, r.harnessCpuMsPerItem());
            System.out.println("[fair]   CPU ms/item by thread: " + byThread);
            if (!stats.isEmpty()) {
                printStatementStatistics(shardUrl.apply(ids.get(0)), ITEMS);
            }
            return r;
        } finally {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            broker.stop();
            h2.stop();
        }
    }

    /** The packaged pump on the local profile, pointed at this JVM's broker and databases. */
    private Process startPump(Path dir, int h2Port, String brokerUrl, List<String> ids,
                              java.util.function.Function<String, String> shardUrl, BenchCis cis, int consumers)
            throws Exception {
        Path billers = dir.resolve("billers.yaml");
        Files.writeString(billers, BenchProcesses.billersYaml(ids, shardUrl, cis, 0));
        int port = Ports.free();
        List<String> command = new ArrayList<>(List.of(BenchProcesses.java()));
        command.addAll(JVM);
        // -Dbench.process.jvm="-XX:StartFlightRecording=..." adds JVM options to the pump (to profile it)
        command.addAll(BenchProcesses.words("bench.process.jvm"));
        command.addAll(List.of("-jar", BenchProcesses.packagedJar().toString(), "--spring.profiles.active=local",
                "--spring.config.additional-location=file:" + billers, "--server.port=" + port,
                "--datapump.local.data-dir=" + dir.resolve("app"),
                "--spring.datasource.url=jdbc:h2:tcp://127.0.0.1:" + h2Port + "/registry" + BenchProcesses.H2,
                "--spring.artemis.mode=native", "--spring.artemis.embedded.enabled=false",
                "--spring.artemis.broker-url=" + brokerUrl,
                "--datapump.local.source-simulator.rate=0", "--datapump.publisher.interval=500",
                "--datapump.registry.cache-ttl=1s", "--datapump.cis.max-concurrent-per-biller=64",
                "--datapump.shards.max-pool-size=8",
                "--datapump.item-consumer.concurrency.production.payment=" + consumers,
                "--logging.level.root=WARN"));
        command.addAll(BenchProcesses.words("bench.process.args"));
        Process pump = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pump.log").toFile()).start();
        BenchPump.await("pump ready", Duration.ofMinutes(5), () -> {
            if (!pump.isAlive()) {
                throw new IllegalStateException("the pump exited: see " + dir.resolve("pump.log"));
            }
            return BenchProcesses.httpStatus(port, "/actuator/health/readiness") == 200
                    && ids.stream().allMatch(id -> migrated(shardUrl.apply(id)));
        });
        return pump;
    }

    /** The baseline as its own JVM, on shards migrated here. */
    private Process startBaseline(Path dir, String brokerUrl, List<String> ids,
                                  java.util.function.Function<String, String> shardUrl, BenchCis cis, int consumers)
            throws Exception {
        DataPumpProperties properties = new DataPumpProperties();
        properties.getShards().setUsername("sa");
        ShardDataSources shards = new ShardDataSources(properties);
        StringBuilder list = new StringBuilder();
        try {
            for (String id : ids) {
                Biller b = new Biller(id, id, Lane.PRODUCTION, true, false, shardUrl.apply(id), cis.baseUrl(id));
                ShardMigrations.migrateSourceTables(shards.dataSource(b));
                ShardMigrations.migratePumpTables(shards.dataSource(b));
                list.append(id).append('|').append(shardUrl.apply(id)).append('|').append(cis.baseUrl(id)).append('\n');
            }
        } finally {
            shards.destroy();
        }
        Path billers = dir.resolve("billers.txt");
        Files.writeString(billers, list);
        List<String> command = new ArrayList<>(List.of(BenchProcesses.java()));
        command.addAll(JVM);
        command.addAll(List.of("-cp", BenchProcesses.testClasspath(), Baseline.class.getName(), brokerUrl,
                billers.toString(), "2", String.valueOf(consumers), "100", "400"));
        Path log = dir.resolve("baseline.log");
        Process baseline = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        BenchPump.await("baseline ready", Duration.ofMinutes(2), () -> {
            if (!baseline.isAlive()) {
                throw new IllegalStateException("the baseline exited: see " + log);
            }
            try {
                return Files.readString(log).contains("baseline ready");
            } catch (IOException e) {
                return false;
            }
        });
        return baseline;
    }

    /** Seeds every biller's shard, four at a time. */
    private static void seed(List<String> ids, java.util.function.Function<String, String> shardUrl, int items)
            throws Exception {
        ExecutorService seeders = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> seeded = new ArrayList<>();
            for (String id : ids) {
                seeded.add(seeders.submit(() -> {
                    BenchProcesses.seed(shardUrl.apply(id), items);
                    return null;
                }));
            }
            for (Future<?> f : seeded) {
                f.get();
            }
        } finally {
            seeders.shutdown();
        }
    }

    private static void printStatementStatistics(String shardUrl, int items) throws Exception {
        try (Connection c = DriverManager.getConnection(shardUrl, "sa", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT EXECUTION_COUNT, CUMULATIVE_EXECUTION_TIME,"
                     + " SQL_STATEMENT FROM INFORMATION_SCHEMA.QUERY_STATISTICS ORDER BY CUMULATIVE_EXECUTION_TIME DESC"
                     + " FETCH FIRST 25 ROWS ONLY")) {
            while (rs.next()) {
                System.out.printf(Locale.ROOT, "[sql] %6d (%.2f/item) %8.1f ms  %s%n", rs.getLong(1),
                        rs.getLong(1) / (double) items, rs.getDouble(2),
                        rs.getString(3).replaceAll("\\s+", " ").substring(0, Math.min(150, rs.getString(3).length())));
            }
        }
    }

    private static boolean migrated(String shardUrl) {
        try (Connection c = DriverManager.getConnection(shardUrl + ";IFEXISTS=TRUE", "sa", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM DataPumpClaimMark")) {
            return rs.next();
        } catch (Exception notYet) {
            return false;
        }
    }

    private void report() throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", BenchReport.machine());
        json.put("billers", BILLERS);
        json.put("itemsPerBiller", ITEMS);
        json.put("jvm", JVM);
        json.put("runs", runs);
        StringBuilder md = new StringBuilder("| part | variant | item consumers | runs | items/s median | items/s"
                + " min–max | CPU ms/item median | CPU ms/item min–max |\n|---|---|---|---|---|---|---|---|\n");
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        runs.forEach(r -> groups.computeIfAbsent(r.part() + "|" + r.variant() + "|" + r.consumers(),
                k -> new ArrayList<>()).add(r));
        List<Map<String, Object>> summary = new ArrayList<>();
        groups.forEach((key, list) -> {
            double[] rate = list.stream().mapToDouble(Run::itemsPerSecond).sorted().toArray();
            double[] cpu = list.stream().mapToDouble(Run::cpuMsPerItem).sorted().toArray();
            Run first = list.get(0);
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.0f | %.0f–%.0f | %.2f | %.2f–%.2f |%n",
                    first.part(), first.variant(), first.consumers(), list.size(), median(rate), rate[0],
                    rate[rate.length - 1], median(cpu), cpu[0], cpu[cpu.length - 1]));
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("part", first.part());
            s.put("variant", first.variant());
            s.put("consumers", first.consumers());
            s.put("itemsPerSecondMedian", median(rate));
            s.put("cpuMsPerItemMedian", median(cpu));
            summary.add(s);
        });
        Map<String, Double> s2 = new LinkedHashMap<>();
        groups.forEach((key, list) -> {
            if (key.startsWith("S2|")) {
                s2.put(list.get(0).variant(), median(list.stream().mapToDouble(Run::itemsPerSecond).sorted().toArray()));
            }
        });
        if (s2.containsKey("pump") && s2.containsKey("baseline")) {
            double ratio = s2.get("pump") / s2.get("baseline");
            md.append(String.format(Locale.ROOT, "%nS2 pump / baseline (medians): %.2f%n", ratio));
            json.put("s2Ratio", ratio);
        }
        json.put("summary", summary);
        Files.writeString(out.resolve("fair.md"), md);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("fair.json").toFile(),
                json);
        System.out.println(md);
    }

    private static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
