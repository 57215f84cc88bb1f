package io.datapump.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.datapump.registry.Biller;

/**
 * The scenarios of the "Scale and fairness" benchmark on one pump (see {@link BenchPump}): each creates its own
 * billers, seeds them in bulk, measures, and pauses them when done, so the next scenario has the pump to itself.
 */
final class Benchmark {

    /** Scenario sizes: the full run and the CI smoke run. */
    record Sizes(String name, int warmup, int s1Billers, int s1Items, int[] s3Concurrency, int s3Billers,
                 int s3MinItems, int s3MaxItems, double s3Seconds, int s4Big, int s4Small, int s4SmallItems,
                 int s5DemoBillers, int s5DemoItems, int s5ProdBillers, int s5ProdItems, int s6Rows,
                 Duration s6Window, int manyBillers, int manyItems, Duration timeout) {

        static Sizes full() {
            return new Sizes("full", 4_000, 20, 5_000, new int[] {1, 8, 32, 128}, 20, 300, 12_000, 12, 100_000,
                    20, 100, 2, 100_000, 10, 1_000, 1_000_000, Duration.ofSeconds(60), 500, 4,
                    Duration.ofMinutes(10));
        }

        static Sizes smoke() {
            return new Sizes("smoke", 0, 2, 50, new int[] {1, 4}, 2, 6, 20, 0.5, 200, 2, 10, 1, 200, 2, 25, 2_000,
                    Duration.ofSeconds(1), 6, 2, Duration.ofMinutes(2));
        }

        /** The full sizes with every item count (not the biller counts) multiplied by {@code f}. */
        Sizes scaled(double f) {
            if (f == 1.0) {
                return this;
            }
            java.util.function.IntUnaryOperator k = n -> Math.max(1, (int) Math.round(n * f));
            return new Sizes(name + " x" + f, k.applyAsInt(warmup), s1Billers, k.applyAsInt(s1Items), s3Concurrency,
                    s3Billers, s3MinItems, k.applyAsInt(s3MaxItems), s3Seconds, k.applyAsInt(s4Big), s4Small,
                    s4SmallItems, s5DemoBillers, k.applyAsInt(s5DemoItems), s5ProdBillers, k.applyAsInt(s5ProdItems),
                    s6Rows, Duration.ofSeconds(Math.max(30, Math.round(s6Window.toSeconds() * f))),
                    manyBillers, manyItems, timeout);
        }
    }

    /** One figure of the table: value, unit, target (text) and whether it met it (null: no target). */
    record Figure(String scenario, String name, double value, String unit, String target, Boolean pass) {
    }

    /** What a scenario delivered, for the smoke test's assertions. */
    record Check(String scenario, long expected, long distinctKeys, long duplicates, long processed) {
    }

    final Sizes sizes;
    final BenchPump pump;
    final BenchCis cis;
    final List<Figure> figures = new ArrayList<>() {
        @Override
        public boolean add(Figure f) {
            progress(f.scenario() + " | " + f.name() + " = " + BenchReport.format(f.value()) + " " + f.unit());
            return super.add(f);
        }
    };
    final List<Check> checks = new ArrayList<>();
    final List<double[]> scaling = new ArrayList<>();
    final Map<String, Object> facts = new LinkedHashMap<>();

    Benchmark(Sizes sizes, BenchPump pump, BenchCis cis) {
        this.sizes = sizes;
        this.pump = pump;
        this.cis = cis;
    }

    static double seconds(long millis) {
        return Math.max(1, millis) / 1000.0;
    }

    private List<String> ids(List<Biller> billers) {
        return billers.stream().map(Biller::id).toList();
    }

    private void awaitReceived(String what, List<String> ids, long n) {
        BenchPump.await(what, sizes.timeout(), () -> cis.received(ids) >= n);
    }

    private long lastReceipt(List<String> ids) {
        return ids.stream().mapToLong(id -> cis.stats(id).lastMillis.get()).max().orElse(0);
    }

    /** Waits until every item is Processed in its shard and records the scenario's counts. */
    private void check(String scenario, List<String> ids, long expected, String keyPrefix) {
        BenchPump.await(scenario + " Processed", sizes.timeout(),
                () -> ids.stream().mapToLong(id -> pump.inState(id, "Processed")).sum() >= expected);
        long processed = ids.stream().mapToLong(id -> pump.inState(id, "Processed")).sum();
        checks.add(new Check(scenario, expected, cis.distinctKeys(keyPrefix), cis.duplicates(keyPrefix), processed));
    }

    private void drain(List<String> ids) {
        pump.pause(ids);
        BenchPump.await("paused billers to drain", sizes.timeout(),
                () -> ids.stream().allMatch(id -> pump.unfinished(id) == 0));
    }

    private final long started = System.currentTimeMillis();

    void progress(String what) {
        System.out.printf("[bench %5ds] %s%n", (System.currentTimeMillis() - started) / 1000, what);
    }

    void warmUp() {
        if (sizes.warmup() == 0) {
            return;
        }
        List<String> ids = ids(pump.createBillers("warm", 2, false));
        ids.forEach(id -> pump.seed(id, sizes.warmup() / 2));
        awaitReceived("warm-up", ids, sizes.warmup());
        drain(ids);
    }

    /** S1: throughput, latency from insert to CIS receipt, statements per item, heap and RSS. */
    double s1() {
        cis.latency(0);
        List<String> ids = ids(pump.createBillers("s1", sizes.s1Billers(), false));
        long total = (long) sizes.s1Billers() * sizes.s1Items();
        BenchCis.LatencyRecorder latency = new BenchCis.LatencyRecorder((int) total);
        cis.record(latency);
        pump.heap().reset();
        long statementsBefore = pump.statements(ids);
        long commitsBefore = pump.commits.count();
        long cpuBefore = BenchPump.cpuNanos();
        long t0 = System.currentTimeMillis();
        ids.forEach(id -> pump.seed(id, sizes.s1Items()));
        awaitReceived("S1", ids, total);
        double cpuMsPerItem = (BenchPump.cpuNanos() - cpuBefore) / 1e6 / total;
        if (System.getenv("BENCH_COMMITS_DEBUG") != null) {
            System.out.println("commits by thread: " + BrokerCommits.BY_THREAD);
        }
        double commitsPerItem = (double) (pump.commits.count() - commitsBefore) / total;
        double rate = total / seconds(lastReceipt(ids) - t0);
        check("S1", ids, total, "datapump-s1-");
        cis.record(null);
        // the seeding itself ran 6 statements per biller on the same shards
        double perItem = (pump.statements(ids) - statementsBefore - 6.0 * ids.size()) / total;
        String s = "S1 throughput (" + sizes.s1Billers() + " billers x " + sizes.s1Items() + ", CIS 0 ms)";
        figures.add(new Figure(s, "items/s end to end", rate, "items/s", "-", null));
        figures.add(new Figure(s, "latency p50 insert -> CIS", latency.percentile(50), "ms", "-", null));
        figures.add(new Figure(s, "latency p99 insert -> CIS", latency.percentile(99), "ms", "-", null));
        figures.add(new Figure(s, "SQL statements per item", perItem, "", "-", null));
        figures.add(new Figure(s, "broker commits per item", commitsPerItem, "", "-", null));
        figures.add(new Figure(s, "CPU per item (whole JVM: pump, broker, H2, CIS stub)", cpuMsPerItem, "ms", "-",
                null));
        figures.add(new Figure(s, "peak heap after GC", pump.heap().maxAfterGcMiB(), "MiB", "-", null));
        figures.add(new Figure(s, "peak heap used (incl. garbage)", pump.heap().peakUsedMiB(), "MiB", "-", null));
        figures.add(new Figure(s, "peak RSS (whole JVM)", pump.heap().maxRssMiB(), "MiB", "-", null));
        drain(ids);
        return rate;
    }

    /** S2: the same work by the hand-written pipeline; the ratio pump / baseline. */
    void s2(double pumpRate) throws Exception {
        cis.latency(0);
        List<Biller> billers = pump.createBillers("s2", sizes.s1Billers(), false, false);
        List<String> ids = ids(billers);
        long total = (long) sizes.s1Billers() * sizes.s1Items();
        double rate;
        long statements;
        try (Baseline baseline = new Baseline(pump.brokerUrl(), billers, 2, 8, 100, 400)) {
            long t0 = System.currentTimeMillis();
            ids.forEach(id -> pump.seed(id, sizes.s1Items()));
            awaitReceived("S2", ids, total);
            rate = total / seconds(lastReceipt(ids) - t0);
            check("S2", ids, total, "datapump-s2-");
            statements = baseline.statements();
        }
        String s = "S2 baseline (same work, no Camel)";
        figures.add(new Figure(s, "baseline items/s", rate, "items/s", "-", null));
        figures.add(new Figure(s, "baseline SQL statements per item", (double) statements / total, "", "-", null));
        double ratio = pumpRate / rate;
        figures.add(new Figure(s, "ratio pump / baseline", ratio, "", ">= 0.80", ratio >= 0.8));
    }

    /** S3: CIS latency 50 ms; payment consumer concurrency 1, 8, 32, 128 against concurrency / latency. */
    void s3() throws Exception {
        cis.latency(50);
        List<String> ids = ids(pump.createBillers("s3", sizes.s3Billers(), false));
        String s = "S3 scaling point 2 (CIS 50 ms, " + sizes.s3Billers() + " billers)";
        for (int c : sizes.s3Concurrency()) {
            pump.paymentConsumers(c);
            double ideal = c / 0.050;
            int perBiller = (int) Math.ceil(Math.max(sizes.s3MinItems(),
                    Math.min(sizes.s3MaxItems(), ideal * sizes.s3Seconds())) / ids.size());
            long n = (long) perBiller * ids.size();
            long before = cis.received(ids);
            BenchCis.LatencyRecorder receipts = new BenchCis.LatencyRecorder((int) n);
            cis.record(receipts);
            ids.forEach(id -> pump.seed(id, perBiller));
            awaitReceived("S3 c=" + c, ids, before + n);
            cis.record(null);
            // steady state: the middle 80 % of the receipts (times since their seed, all seeded together)
            long p10 = receipts.percentile(10);
            long p90 = receipts.percentile(90);
            double rate = 0.8 * n / seconds(p90 - p10);
            double share = rate / ideal;
            scaling.add(new double[] {c, rate, ideal});
            figures.add(new Figure(s, "concurrency " + c + ": items/s (ideal " + Math.round(ideal) + ")", rate,
                    "items/s", ">= 85 % of ideal", share >= 0.85));
            figures.add(new Figure(s, "concurrency " + c + ": share of ideal", 100 * share, "%", ">= 85", share >= 0.85));
        }
        pump.paymentConsumers(8);
        cis.latency(0);
        long expected = 0;
        for (String id : ids) {
            expected += pump.shard(id).jdbc().queryForObject("SELECT COUNT(*) FROM DataPumpRecord",
                    Map.of(), Long.class);
        }
        check("S3", ids, expected, "datapump-s3-");
        drain(ids);
    }

    /** S4: one biller with a huge backlog beside small billers: their time against their time alone. */
    void s4() {
        cis.latency(0);
        long smallTotal = (long) sizes.s4Small() * sizes.s4SmallItems();
        List<String> solo = ids(pump.createBillers("s4solo", sizes.s4Small(), false));
        long t0 = System.currentTimeMillis();
        solo.forEach(id -> pump.seed(id, sizes.s4SmallItems()));
        awaitReceived("S4 solo", solo, smallTotal);
        long soloMillis = lastReceipt(solo) - t0;
        check("S4 solo", solo, smallTotal, "datapump-s4solo-");
        drain(solo);

        List<String> big = ids(pump.createBillers("s4big", 1, false));
        List<String> small = ids(pump.createBillers("s4small", sizes.s4Small(), false));
        pump.seed(big.get(0), sizes.s4Big());
        // the noisy neighbour is flowing before the small billers' work arrives
        awaitReceived("S4 big biller flowing", big, Math.min(1_000, sizes.s4Big() / 4));
        long t1 = System.currentTimeMillis();
        small.forEach(id -> pump.seed(id, sizes.s4SmallItems()));
        awaitReceived("S4 small beside big", small, smallTotal);
        long mixedMillis = lastReceipt(small) - t1;
        check("S4 beside big", small, smallTotal, "datapump-s4small-");
        long bigDone = cis.received(big);
        drain(big);
        String s = "S4 noisy neighbour (1 x " + sizes.s4Big() + " + " + sizes.s4Small() + " x " + sizes.s4SmallItems() + ")";
        double ratio = (double) Math.max(1, mixedMillis) / Math.max(1, soloMillis);
        figures.add(new Figure(s, "small billers alone", soloMillis / 1000.0, "s", "-", null));
        figures.add(new Figure(s, "small billers beside the big one", mixedMillis / 1000.0, "s", "-", null));
        figures.add(new Figure(s, "ratio beside / alone", ratio, "", "<= 2.0", ratio <= 2.0));
        facts.put("s4BigDeliveredMeanwhile", bigDone);
    }

    /** S5: production throughput beside a demo flood against production alone. */
    void s5() {
        cis.latency(0);
        long prodTotal = (long) sizes.s5ProdBillers() * sizes.s5ProdItems();
        List<String> solo = ids(pump.createBillers("s5solo", sizes.s5ProdBillers(), false));
        long t0 = System.currentTimeMillis();
        solo.forEach(id -> pump.seed(id, sizes.s5ProdItems()));
        awaitReceived("S5 solo", solo, prodTotal);
        double soloRate = prodTotal / seconds(lastReceipt(solo) - t0);
        check("S5 solo", solo, prodTotal, "datapump-s5solo-");
        drain(solo);

        List<String> demo = ids(pump.createBillers("s5demo", sizes.s5DemoBillers(), true));
        List<String> prod = ids(pump.createBillers("s5prod", sizes.s5ProdBillers(), false));
        demo.forEach(id -> pump.seed(id, sizes.s5DemoItems()));
        awaitReceived("S5 demo flowing", demo, Math.min(1_000, sizes.s5DemoItems() / 4));
        long t1 = System.currentTimeMillis();
        prod.forEach(id -> pump.seed(id, sizes.s5ProdItems()));
        awaitReceived("S5 production beside demo", prod, prodTotal);
        double mixedRate = prodTotal / seconds(lastReceipt(prod) - t1);
        check("S5 beside demo", prod, prodTotal, "datapump-s5prod-");
        facts.put("s5DemoDeliveredMeanwhile", cis.received(demo));
        drain(demo);
        String s = "S5 demo flood (" + sizes.s5DemoBillers() * sizes.s5DemoItems() + " demo + " + prodTotal + " production)";
        double ratio = mixedRate / soloRate;
        figures.add(new Figure(s, "production alone", soloRate, "items/s", "-", null));
        figures.add(new Figure(s, "production beside the demo flood", mixedRate, "items/s", "-", null));
        figures.add(new Figure(s, "ratio beside / alone", 100 * ratio, "%", ">= 90", ratio >= 0.9));
    }

    /** S6: a million pending rows; the heap over a bounded processing window. */
    void s6() {
        cis.latency(0);
        cis.countKeys(false);
        cis.forgetKeys();
        List<String> ids = ids(pump.createBillers("s6", 1, false));
        long t0 = System.currentTimeMillis();
        pump.seed(ids.get(0), sizes.s6Rows());
        long seedMillis = System.currentTimeMillis() - t0;
        progress("S6 seeded " + sizes.s6Rows() + " rows in " + seedMillis + " ms");
        pump.heap().reset();
        long startHeap = pump.heap().lastAfterGcMiB();
        long received0 = cis.received(ids);
        long windowEnd = System.currentTimeMillis() + sizes.s6Window().toMillis();
        BenchPump.await("S6 window", sizes.s6Window().plusSeconds(30), () -> System.currentTimeMillis() >= windowEnd);
        long delivered = cis.received(ids) - received0;
        long peak = pump.heap().maxAfterGcMiB();
        long peakUsed = pump.heap().peakUsedMiB();
        System.gc();
        long endHeap = pump.heap().lastAfterGcMiB();
        checks.add(new Check("S6", sizes.s6Rows(), -1, -1, pump.inState(ids.get(0), "Processed")));
        facts.put("s6Delivered", delivered);
        drain(ids);
        cis.countKeys(true);
        String s = "S6 memory (1 biller, " + sizes.s6Rows() + " pending, " + sizes.s6Window().toSeconds() + " s window)";
        figures.add(new Figure(s, "seeding time", seedMillis / 1000.0, "s", "-", null));
        figures.add(new Figure(s, "items delivered in the window", delivered, "", "-", null));
        figures.add(new Figure(s, "heap after GC at window start", startHeap, "MiB", "-", null));
        figures.add(new Figure(s, "heap after GC at window end", endHeap, "MiB", "-", null));
        figures.add(new Figure(s, "peak heap after GC (whole JVM)", peak, "MiB", "<= 256", peak <= 256));
        figures.add(new Figure(s, "peak heap used (incl. garbage)", peakUsed, "MiB", "-", null));
    }

    /** Many shards: hundreds of billers with a few items each on one instance. */
    void manyShards() {
        cis.latency(0);
        pump.heap().reset();
        int threadsBefore = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount();
        long t0 = System.currentTimeMillis();
        List<String> ids = ids(pump.createBillers("many", sizes.manyBillers(), false));
        long created = System.currentTimeMillis() - t0;
        progress("many shards: " + ids.size() + " billers created in " + created + " ms");
        long total = (long) sizes.manyBillers() * sizes.manyItems();
        long t1 = System.currentTimeMillis();
        ids.forEach(id -> pump.seed(id, sizes.manyItems()));
        awaitReceived("many shards", ids, total);
        long deliverMillis = lastReceipt(ids) - t1;
        check("many shards", ids, total, "datapump-many-");
        String s = "Many shards (" + sizes.manyBillers() + " billers x " + sizes.manyItems() + ")";
        figures.add(new Figure(s, "shards created and migrated", created / 1000.0, "s", "-", null));
        figures.add(new Figure(s, "all items delivered after seeding", deliverMillis / 1000.0, "s", "-", null));
        figures.add(new Figure(s, "items delivered / expected", cis.distinctKeys("datapump-many-"), "of " + total,
                "all", cis.distinctKeys("datapump-many-") == total));
        figures.add(new Figure(s, "live threads before", threadsBefore, "", "-", null));
        figures.add(new Figure(s, "peak live threads", pump.heap().maxThreads(), "", "-", null));
        figures.add(new Figure(s, "open shard pools at the end", pump.shards.openPools(), "", "-", null));
        figures.add(new Figure(s, "peak heap after GC", pump.heap().maxAfterGcMiB(), "MiB", "-", null));
        figures.add(new Figure(s, "peak RSS (whole JVM)", pump.heap().maxRssMiB(), "MiB", "-", null));
        drain(ids);
    }

    /** Every scenario in order. */
    void runAll() throws Exception {
        run(java.util.Set.of("S1", "S2", "S3", "S4", "S5", "S6", "MANY"));
    }

    /**
     * The named scenarios in order (S1 ... S6, MANY for the many-shards check; S2 needs S1's figure and runs S1
     * too), after the warm-up.
     */
    void run(java.util.Set<String> scenarios) throws Exception {
        long t0 = System.currentTimeMillis();
        progress("sizes " + sizes + ", scenarios " + scenarios);
        warmUp();
        progress("warm-up done");
        if (scenarios.contains("S1") || scenarios.contains("S2")) {
            double pumpRate = s1();
            if (scenarios.contains("S2")) {
                s2(pumpRate);
            }
        }
        if (scenarios.contains("S3")) {
            s3();
        }
        if (scenarios.contains("S4")) {
            s4();
        }
        if (scenarios.contains("S5")) {
            s5();
        }
        if (scenarios.contains("S6")) {
            s6();
        }
        if (scenarios.contains("MANY")) {
            manyShards();
        }
        facts.put("totalSeconds", (System.currentTimeMillis() - t0) / 1000);
    }
}
