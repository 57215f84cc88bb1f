package io.datapump.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/**
 * The full benchmark (scenarios S1-S6 and many shards): {@code mvn -Pbench verify} (with PumpMemoryBench after package). Not part of 'mvn verify' (its name
 * matches no surefire include); the smoke run is {@link BenchmarkSmokeTest}. Prints the table and writes
 * target/bench/results.json, results.md and bench-scaling.png (copied to docs/images/ for the README).
 */
class PumpBenchmark {

    /** Settings to try on the pump: -Dbench.pump.args="datapump.x=y,camel.z=w" (no chart copied to docs/ then). */
    static Map<String, Object> settings() {
        Map<String, Object> settings = new java.util.LinkedHashMap<>();
        for (String pair : System.getProperty("bench.pump.args", "").split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return settings;
    }

    @Test
    void runEveryScenarioAndReport() throws Exception {
        Path out = Path.of("target", "bench");
        Path data = out.resolve("data-" + UUID.randomUUID());
        try (BenchCis cis = new BenchCis(); BenchPump pump = new BenchPump(data, cis, settings())) {
            double scale = Double.parseDouble(System.getProperty("bench.scale", "1"));
            Benchmark bench = new Benchmark(Benchmark.Sizes.full().scaled(scale), pump, cis);
            try {
                String only = System.getProperty("bench.scenarios", "").trim();
                if (only.isEmpty()) {
                    bench.runAll();
                } else {
                    bench.run(java.util.Set.of(only.toUpperCase(java.util.Locale.ROOT).split("\\s*,\\s*")));
                }
            } finally {
                BenchReport.write(out, bench);
                System.out.println();
                System.out.println(BenchReport.table(bench.figures));
                System.out.println("machine: " + BenchReport.machine());
                System.out.println("checks: " + bench.checks);
                System.out.println("facts: " + bench.facts);
            }
            if (scale != 1.0 || !System.getProperty("bench.scenarios", "").isBlank()) {
                return;
            }
            if (!settings().isEmpty()) {
                return;
            }
            Path docs = Path.of("docs", "images");
            Files.createDirectories(docs);
            Files.copy(out.resolve("bench-scaling.png"), docs.resolve("bench-scaling.png"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
