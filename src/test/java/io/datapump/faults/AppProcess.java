package io.datapump.faults;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.datapump.support.TestUsers;

/** The packaged pump (target/data-pump-*.jar, extracted) as a separate JVM, which the test can kill with SIGKILL. */
final class AppProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Path jar;
    private final Path logDir;
    private final int port;
    private final Map<String, Object> args = new LinkedHashMap<>();
    private Process process;
    private int runs;
    private Path currentLog;

    AppProcess(Path jar, Path logDir, int port) {
        this.jar = jar;
        this.logDir = logDir;
        this.port = port;
        args.put("server.port", port);
    }

    AppProcess with(String key, Object value) {
        args.put(key, value);
        return this;
    }

    AppProcess without(String key) {
        args.remove(key);
        return this;
    }

    /**
     * The packaged jar, extracted once (Spring Boot's {@code -Djarmode=tools extract}) into target/extracted: the
     * same classes and libraries, started from plain jars instead of jars nested in the fat jar, which halves the
     * start-up of each of the suite's many starts (the container image runs an exploded classpath too).
     */
    static synchronized Path packagedJar() throws IOException {
        Path fat;
        try (var files = Files.list(Path.of("target"))) {
            fat = files.filter(p -> p.getFileName().toString().matches("data-pump-.*\\.jar"))
                    .filter(p -> !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "no target/data-pump-*.jar: the build makes it before the tests (mvn process-test-classes)"));
        }
        Path dir = Path.of("target", "extracted").toAbsolutePath();
        Path jar = dir.resolve(fat.getFileName());
        if (Files.exists(jar) && !Files.getLastModifiedTime(jar).toInstant()
                .isBefore(Files.getLastModifiedTime(fat).toInstant())) {
            return jar;
        }
        try {
            Process extract = new ProcessBuilder(javaBinary(), "-Djarmode=tools", "-jar", fat.toString(), "extract",
                    "--destination", dir.toString(), "--force").redirectErrorStream(true)
                    .redirectOutput(Path.of("target", "extract.log").toFile()).start();
            if (!extract.waitFor(120, TimeUnit.SECONDS) || extract.exitValue() != 0 || !Files.exists(jar)) {
                throw new IllegalStateException("could not extract " + fat + " (see target/extract.log)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return jar;
    }

    /**
     * A class-data sharing archive of the pump's classes (AppCDS), made once by a training start that exits as soon
     * as the context is refreshed (-Dspring.context.exit=onRefresh): every later start maps the classes instead of
     * loading and verifying them, about 3 s less per start. Null (start without it) when the training fails.
     */
    static synchronized Path classArchive(Path jar) {
        Path archive = jar.resolveSibling("data-pump.jsa");
        try {
            if (Files.exists(archive) && !Files.getLastModifiedTime(archive).toInstant()
                    .isBefore(Files.getLastModifiedTime(jar).toInstant())) {
                return archive;
            }
            if (trainingFailed) {
                return null;
            }
            Path data = Files.createDirectories(jar.resolveSibling("cds-training"));
            Process training = new ProcessBuilder(javaBinary(), "-Xmx384m", "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1", "-XX:ArchiveClassesAtExit=" + archive, "-Dspring.context.exit=onRefresh",
                    "-jar", jar.toString(), "--spring.profiles.active=local", "--server.port=0",
                    "--datapump.local.data-dir=" + data, "--datapump.local.source-simulator.rate=0")
                    .redirectErrorStream(true).redirectOutput(jar.resolveSibling("cds-training.log").toFile()).start();
            if (!training.waitFor(180, TimeUnit.SECONDS)) {
                training.destroyForcibly();
            }
            if (Files.exists(archive)) {
                return archive;
            }
        } catch (IOException e) {
            // start without it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        trainingFailed = true;
        return null;
    }

    private static boolean trainingFailed;

    void start(String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        Path archive = classArchive(jar);
        if (archive != null) {
            command.add("-XX:SharedArchiveFile=" + archive);
        }
        command.addAll(List.of("-jar", jar.toString(), "--spring.profiles.active=local"));
        args.forEach((k, v) -> command.add("--" + k + "=" + v));
        Path log = logDir.resolve(name + "-" + (++runs) + ".log");
        currentLog = log;
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // the local users' passwords (otherwise generated at every start)
        builder.environment().put("DATAPUMP_OPERATOR_PASSWORD", TestUsers.OPERATOR_PASSWORD);
        builder.environment().put("DATAPUMP_VIEWER_PASSWORD", TestUsers.VIEWER_PASSWORD);
        process = builder.start();
    }

    /** Waits until the pump answers its liveness probe. */
    void awaitUp(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the pump exited with " + process.exitValue() + " during start");
            }
            if (status("/actuator/health/liveness") == 200) {
                return;
            }
            process.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("the pump did not come up within " + timeout);
    }

    /** HTTP status of a GET as the operator (the probes need no user, the rest does), or -1 when nothing answers. */
    int status(String path) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", TestUsers.basic(TestUsers.OPERATOR, TestUsers.OPERATOR_PASSWORD))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The body of a GET as the operator, or "" when nothing answers. */
    String get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", TestUsers.basic(TestUsers.OPERATOR, TestUsers.OPERATOR_PASSWORD))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    /** POSTs a JSON body as the operator; returns the HTTP status, or -1 when nothing answers. */
    int post(String path, String json) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Authorization", TestUsers.basic(TestUsers.OPERATOR, TestUsers.OPERATOR_PASSWORD))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** A second pump process with the same settings on another port and data folder (same broker and databases). */
    AppProcess twin(int otherPort, Path otherDataDir) {
        AppProcess twin = new AppProcess(jar, logDir, otherPort);
        args.forEach((k, v) -> twin.args.putIfAbsent(k, v));
        twin.args.put("server.port", otherPort);
        twin.args.put("datapump.local.data-dir", otherDataDir);
        return twin;
    }

    /** SIGKILL: no shutdown hook runs, nothing is released. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the graceful shutdown. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Waits for the process to end by itself (a crash point halts it); returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the pump did not stop within " + timeout);
        }
        return process.exitValue();
    }

    /** A thread dump of the pump, written next to its log (diagnostics for a failed scenario). */
    Path threadDump(String name) throws Exception {
        Path out = logDir.resolve(name + "-threads.txt");
        new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                String.valueOf(process.pid())).redirectErrorStream(true).redirectOutput(out.toFile()).start()
                .waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    /** What this run of the pump has logged so far (empty before it started). */
    String log() throws IOException {
        return currentLog == null || !Files.exists(currentLog) ? "" : Files.readString(currentLog);
    }

    /** The processor id this run of the pump logged at start (null before it got that far). */
    String processorId() throws IOException {
        if (currentLog == null || !Files.exists(currentLog)) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("This process is processor (\\S+) ")
                .matcher(Files.readString(currentLog));
        return m.find() ? m.group(1) : null;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java" + (File.separatorChar == '\\' ? ".exe" : ""))
                .toString();
    }
}
