package io.datapump.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Every benchmark scenario at a tiny size, in the normal test run: each completes and delivers every item once
 * (every item Processed, each CIS idempotency key seen once). The figures themselves are the full run's business.
 */
// runs beside the other test classes (junit-platform.properties); its pump is a Spring context in this JVM, so it
// leaves out the management console: Hawtio registers its JMX beans after an unlocked "is it registered?" check, and
// two contexts starting at the same moment made one of them fail with InstanceAlreadyExistsException
@Execution(ExecutionMode.CONCURRENT)
class BenchmarkSmokeTest {

    @Test
    void everyScenarioCompletesWithEveryItemDeliveredOnce() throws Exception {
        // given: the pump on a fresh data folder and the bench CIS stub
        Path out = Path.of("target", "bench-smoke");
        try (BenchCis cis = new BenchCis();
             BenchPump pump = new BenchPump(out.resolve("data-" + UUID.randomUUID()), cis,
                     Map.of("management.endpoints.web.exposure.include", "health,prometheus"))) {
            Benchmark bench = new Benchmark(Benchmark.Sizes.smoke(), pump, cis);

            // when: every scenario runs at smoke size
            bench.runAll();
            BenchReport.write(out, bench);

            // then: each delivered all of its items exactly once and left them Processed
            assertThat(bench.checks).extracting(Benchmark.Check::scenario).contains("S1", "S2", "S3", "S4 solo",
                    "S4 beside big", "S5 solo", "S5 beside demo", "S6", "many shards");
            for (Benchmark.Check check : bench.checks) {
                if (check.scenario().equals("S6")) {
                    // bounded window: some of the backlog is done, none twice (keys are not kept for S6)
                    assertThat(check.processed()).as("S6 processed").isPositive();
                    continue;
                }
                assertThat(check.processed()).as(check.scenario() + " processed").isEqualTo(check.expected());
                assertThat(check.distinctKeys()).as(check.scenario() + " distinct CIS keys").isEqualTo(check.expected());
                assertThat(check.duplicates()).as(check.scenario() + " keys accepted twice").isZero();
            }
            assertThat(bench.scaling).hasSize(2);
            assertThat(bench.figures).isNotEmpty();
            assertThat(out.resolve("results.json")).exists();
            assertThat(out.resolve("bench-scaling.png")).exists();
        }
    }
}
