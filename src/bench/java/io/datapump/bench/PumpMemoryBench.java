package io.datapump.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The memory scenarios measured on the pump alone: the packaged jar as its own JVM with a bounded heap, its shards
 * served over TCP by an H2 server in this JVM (so the shards' pages are not in the pump's heap), its embedded broker
 * inside it as in the local default. The pump's heap after every GC comes from its GC log, its peak RSS (VmHWM) and
 * thread count from /proc. Runs after 'package' in the bench profile ({@code mvn -Pbench verify}).
 * <ul>
 * <li>S6 ({@code -Xmx256m}): one biller with 1,000,000 pending rows, a bounded window of work:
 * target/bench/s6-process.json.</li>
 * <li>Many shards ({@code -Xmx512m}): 500 billers, each with its own database and 4 pending items, all delivered:
 * target/bench/many-shards-process.json, with the peak of the pump's threads and of its open shard connections.</li>
 * </ul>
 */
class PumpMemoryBench {

    static final String H2 = BenchProcesses.H2;
    /** The pump's heap limit in S6 (its target is 256 MiB); -Dbench.process.heap-mib to look at it with more. */
    static final int S6_HEAP_MIB = Integer.getInteger("bench.process.heap-mib", 256);
    /**
     * The pump's heap limit with 500 shards: every open shard connection holds H2's client buffers (~170 KiB), so what
     * keeps the heap small is the process's connection budget (datapump.shards.connection-budget, 48), whatever the
     * number of shards.
     */
    static final int MANY_HEAP_MIB = Integer.getInteger("bench.many.heap-mib", 256);
    static final int CONNECTION_BUDGET = 48;
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
            Path billers = dir.resolve("billers.yaml");
            Files.writeString(billers, BenchProcesses.billersYaml(List.of("s6p"), id -> shardUrl, cis, 0));
            pump = startPump(dir, gcLog, billers, S6_HEAP_MIB);

            // seed in the shard over TCP (the statements run in the H2 server, in this JVM)
            long t0 = System.currentTimeMillis();
            for (int left = rows; left > 0; left -= 100_000) {
                BenchProcesses.seed(shardUrl, Math.min(left, 100_000));
            }
            long seedMillis = System.currentTimeMillis() - t0;
            long gcLinesAtStart = Files.readAllLines(gcLog).size();
            long received0 = cis.received(List.of("s6p"));
            long end = System.currentTimeMillis() + window.toMillis();
            BenchPump.await("S6 window", window.plusSeconds(30), () -> System.currentTimeMillis() >= end);
            long delivered = cis.received(List.of("s6p")) - received0;
            long vmHwm = BenchProcesses.procStatus(pump.pid(), "VmHWM") / 1024;

            List<Long> afterGc = heapAfterGc(gcLog, gcLinesAtStart);
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
            result.put("maxHeapMiB", S6_HEAP_MIB);
            result.put("vmHwmMiB", vmHwm);
            result.put("pass", peak >= 0 && peak <= 256 && pump.isAlive());
            write("s6-process.json", result);
            System.out.println("S6 (pump as its own JVM, -Xmx" + S6_HEAP_MIB + "m): " + result);

            assertThat(pump.isAlive()).as("the pump survived the window").isTrue();
            assertThat(Files.readString(dir.resolve("pump.log"))).as("the pump's log")
                    .doesNotContain("OutOfMemoryError");
            assertThat(delivered).as("items delivered in the window").isPositive();
        } finally {
            if (pump != null) {
                pump.destroy();
                pump.waitFor();
            }
            h2.stop();
        }
    }

    @Test
    void fiveHundredShardsOnOnePumpProcess() throws Exception {
        int billerCount = Integer.getInteger("bench.many.billers", 500);
        int itemsEach = 4;
        Path dir = Path.of("target", "bench", "many-process-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(dir);
        Path gcLog = dir.resolve("gc.log");
        Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", dir.resolve("h2").toString())
                .start();
        Process pump = null;
        try (BenchCis cis = new BenchCis()) {
            List<String> ids = java.util.stream.IntStream.range(0, billerCount)
                    .mapToObj(i -> String.format("many-%03d", i)).toList();
            Path billers = dir.resolve("billers.yaml");
            Files.writeString(billers, BenchProcesses.billersYaml(ids,
                    id -> "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/" + id + H2, cis, itemsEach));

            // start-up creates and migrates every shard and writes its items; then the publisher finds them
            long t0 = System.currentTimeMillis();
            pump = startPump(dir, gcLog, billers, MANY_HEAP_MIB);
            long upMillis = System.currentTimeMillis() - t0;
            long[] peakThreads = {0};
            long[] peakConnections = {0};
            Process p = pump;
            Runnable sample = () -> {
                try {
                    peakThreads[0] = Math.max(peakThreads[0], BenchProcesses.procStatus(p.pid(), "Threads"));
                    peakConnections[0] = Math.max(peakConnections[0], establishedTo(p.pid(), h2.getPort()));
                } catch (IOException e) {
                    // the pump has exited: the assertions below say so
                }
            };
            long total = (long) billerCount * itemsEach;
            BenchPump.await("every item of " + billerCount + " billers delivered", Duration.ofMinutes(10), () -> {
                sample.run();
                return cis.received(ids) >= total;
            });
            long deliveredMillis = System.currentTimeMillis() - t0 - upMillis;
            sample.run();
            long threadsAfter = BenchProcesses.procStatus(pump.pid(), "Threads");
            long connectionsAfter = establishedTo(pump.pid(), h2.getPort());
            List<Long> afterGc = heapAfterGc(gcLog, 0);
            long peak = afterGc.stream().mapToLong(Long::longValue).max().orElse(-1);

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("billers", billerCount);
            result.put("items", total);
            result.put("distinctKeys", cis.distinctKeys("datapump-many-"));
            result.put("duplicates", cis.duplicates("datapump-many-"));
            result.put("startSeconds", upMillis / 1000.0);
            result.put("deliveredAfterStartSeconds", deliveredMillis / 1000.0);
            result.put("peakThreads", peakThreads[0]);
            result.put("threadsAtEnd", threadsAfter);
            result.put("peakShardConnections", peakConnections[0]);
            result.put("shardConnectionsAtEnd", connectionsAfter);
            result.put("heapAfterGcPeakMiB", peak);
            result.put("maxHeapMiB", MANY_HEAP_MIB);
            result.put("vmHwmMiB", BenchProcesses.procStatus(pump.pid(), "VmHWM") / 1024);
            write("many-shards-process.json", result);
            System.out.println("Many shards (pump as its own JVM, -Xmx" + MANY_HEAP_MIB + "m): " + result);

            assertThat(pump.isAlive()).as("the pump survived").isTrue();
            assertThat(Files.readString(dir.resolve("pump.log"))).as("the pump's log")
                    .doesNotContain("OutOfMemoryError");
            assertThat(cis.distinctKeys("datapump-many-")).as("every item delivered").isEqualTo(total);
            assertThat(cis.duplicates("datapump-many-")).as("no item delivered twice").isZero();
            assertThat(peakConnections[0]).as("open shard connections (budget %d)", CONNECTION_BUDGET)
                    .isLessThanOrEqualTo(CONNECTION_BUDGET);
        } finally {
            if (pump != null) {
                pump.destroy();
                pump.waitFor();
            }
            h2.stop();
        }
    }

    /** Starts the packaged pump with the billers file and waits until it is live. */
    private static Process startPump(Path dir, Path gcLog, Path billers, int heapMib) throws Exception {
        int port = Ports.free();
        List<String> command = new ArrayList<>(List.of(
                BenchProcesses.java(), "-Xmx" + heapMib + "m",
                "-XX:+UseG1GC",
                "-Xlog:gc:file=" + gcLog, "-jar", BenchProcesses.packagedJar().toString(), "--spring.profiles.active=local",
                "--spring.config.additional-location=file:" + billers,
                "--server.port=" + port, "--datapump.local.data-dir=" + dir.resolve("app"),
                "--datapump.local.source-simulator.rate=0", "--datapump.publisher.interval=500",
                "--logging.level.root=WARN"));
        // -Dbench.process.args="--datapump.x=y ..." tries a setting on the pump process
        command.addAll(BenchProcesses.words("bench.process.args"));
        Process pump = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("pump.log").toFile()).start();
        BenchPump.await("pump up", Duration.ofMinutes(10), () -> pump.isAlive() && BenchProcesses.httpStatus(port, "/actuator/health/liveness") == 200);
        return pump;
    }

    /** Heap after each GC (MiB) from line {@code from} of the pump's GC log on. */
    private static List<Long> heapAfterGc(Path gcLog, long from) throws IOException {
        List<Long> afterGc = new ArrayList<>();
        List<String> lines = Files.readAllLines(gcLog);
        for (String line : lines.subList((int) Math.min(from, lines.size()), lines.size())) {
            Matcher m = AFTER_GC.matcher(line);
            if (m.find()) {
                afterGc.add(Long.parseLong(m.group(2)));
            }
        }
        return afterGc;
    }

    /**
     * The pump's established TCP connections to a local server port: its sockets (from /proc/&lt;pid&gt;/fd) whose
     * remote port is the server's, in /proc/net/tcp and tcp6 (Java's sockets are IPv6 ones).
     */
    private static long establishedTo(long pid, int port) throws IOException {
        java.util.Set<String> inodes = new java.util.HashSet<>();
        try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while it was listed
                }
            }
        }
        String remote = String.format(":%04X", port);
        long n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try (var lines = Files.lines(Path.of(table))) {
                n += lines.skip(1).map(String::trim).map(l -> l.split("\\s+"))
                        .filter(f -> f.length > 9 && f[2].endsWith(remote) && f[3].equals("01") && inodes.contains(f[9]))
                        .count();
            }
        }
        return n;
    }

    private static void write(String file, Map<String, Object> result) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(Path.of("target", "bench", file).toFile(), result);
    }

}
