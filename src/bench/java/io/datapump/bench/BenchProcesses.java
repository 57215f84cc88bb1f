package io.datapump.bench;

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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What the benchmarks that run the pump (or the baseline) as a process of its own share: the packaged jar, the local
 * biller list as a configuration file, seeding a shard over TCP, and reading a process's CPU time, memory and threads
 * from /proc.
 */
final class BenchProcesses {

    /**
     * H2 in MSSQLServer mode, as the local and fault-suite databases, kept open between connections. Unlike them it
     * keeps H2's default write delay (commits reach the file within 500 ms, in one write, instead of one write per
     * commit, which made the H2 server the busiest part of the machine) and a larger parsed-statement cache: these
     * databases stand in for SQL Server, whose group commit and plan cache do the same, and this server is never
     * killed (the fault-injection suite, which kills its databases, keeps WRITE_DELAY=0).
     */
    static final String H2 = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;DB_CLOSE_DELAY=-1;QUERY_CACHE_SIZE=64;ANALYZE_AUTO=0";

    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private BenchProcesses() {
    }

    /** The words of a system property (e.g. -Dbench.process.args="--a=b --c=d"), none when it is unset or blank. */
    static List<String> words(String property) {
        String value = System.getProperty(property, "").trim();
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The packaged jar (target/data-pump-*.jar): the benchmarks that use it run after 'package'. */
    static Path packagedJar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("data-pump-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no target/data-pump-*.jar: run after package"))
                    .toAbsolutePath();
        }
    }

    /** The classpath of this test run (surefire and failsafe name it; the JVM's own may be a manifest-only jar). */
    static String testClasspath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** The local biller list: every biller on the CIS stub, its shard where {@code shardUrl} says. */
    static String billersYaml(List<String> ids, Function<String, String> shardUrl, BenchCis cis, int paymentsEach) {
        StringBuilder yaml = new StringBuilder("datapump:\n  local:\n    billers:\n");
        for (String id : ids) {
            yaml.append("      - id: ").append(id).append("\n        name: ").append(id)
                    .append("\n        shard-url: \"").append(shardUrl.apply(id))
                    .append("\"\n        cis-base-url: \"").append(cis.baseUrl(id))
                    .append("\"\n        items: { payment: ").append(paymentsEach)
                    .append(", paperless-registration: 0 }\n");
        }
        return yaml.toString();
    }

    /** Seeds {@code n} payments and their work items into a shard over JDBC, in one transaction. */
    static void seed(String shardUrl, int n) throws Exception {
        String seedSql = new String(BenchProcesses.class.getResourceAsStream("/bench/seed-payments.sql")
                .readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^--.*$", "");
        try (Connection c = DriverManager.getConnection(shardUrl, "sa", "")) {
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

    /** CPU time (user + system) a process has used so far, in seconds, from /proc/&lt;pid&gt;/stat. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        // the command name (field 2) may hold spaces: count the fields after its closing parenthesis
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return (double) ticks / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * CPU seconds per thread group of a process so far, from /proc/&lt;pid&gt;/task/*: threads named alike (digits
     * ignored, names cut at 15 characters by Linux) add up, so compiler, GC and consumer threads can be told apart.
     */
    static Map<String, Double> cpuSecondsByThread(long pid) throws IOException {
        Map<String, Double> groups = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "#");
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS_PER_SECOND;
                    groups.merge(name, seconds, Double::sum);
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while it was read
                }
            }
        }
        return groups;
    }

    /** A field of /proc/&lt;pid&gt;/status in its own unit (kB for memory, a count for Threads). */
    static long procStatus(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    /** HTTP status of an unauthenticated GET on the loopback, or -1 when nothing answers. */
    static int httpStatus(int port, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
