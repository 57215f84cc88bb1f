package io.datapump.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

import io.datapump.DataPumpApplication;
import io.datapump.registry.Biller;
import io.datapump.registry.Lane;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.ShardMigrations;
import io.datapump.sql.SqlFiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsEndpoint;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The pump under test, in this JVM (a Spring Boot context on the embedded default: Artemis, H2 shards), plus what
 * the scenarios need around it: billers created on the fly in the registry with a migrated shard, bulk seeding,
 * pausing a biller when its scenario is over, statement counts, and heap/thread sampling.
 */
final class BenchPump implements AutoCloseable {

    /**
     * The bench shards: H2 in MSSQLServer mode like the local ones, without AUTO_SERVER (no second process opens
     * them) and with a 16 MB page cache each: H2 runs inside the pump's JVM here, so its caches count as the pump's heap (a
     * SQL Server shard's cache does not).
     */
    static final String SHARD_OPTIONS =
            ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;CACHE_SIZE=16384;MAX_COMPACT_TIME=0";

    final Path dataDir;
    final BenchCis cis;
    final ConfigurableApplicationContext context;
    final CamelContext camel;
    final ShardDataSources shards;
    final JdbcTemplate registry;
    final MeterRegistry meters;
    /** every transaction commit of the pump's JMS client */
    final BrokerCommits commits = new BrokerCommits();
    private final Map<String, Biller> billers = new LinkedHashMap<>();
    private final String seedSql;
    private final HeapWatch heap = new HeapWatch();

    BenchPump(Path dataDir, BenchCis cis, Map<String, Object> overrides) {
        this.dataDir = dataDir.toAbsolutePath();
        this.cis = cis;
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("server.port", 0);
        props.put("datapump.local.data-dir", this.dataDir.toString());
        props.put("spring.flyway.connect-retries", 0);
        props.put("datapump.local.source-simulator.rate", 0);
        props.put("datapump.publisher.interval", "500");
        props.put("datapump.publisher.initial-delay", "100");
        props.put("datapump.registry.cache-ttl", "1s");
        props.put("datapump.cis.max-concurrent-per-biller", 64);
        props.put("datapump.shards.max-pool-size", 8);
        props.put("datapump.local.billers[0].id", "bench-idle");
        props.put("datapump.local.billers[0].name", "Bench idle biller");
        props.put("datapump.local.billers[0].cis-base-url", cis.baseUrl("bench-idle"));
        props.put("datapump.local.billers[0].items.payment", 0);
        props.put("datapump.local.billers[0].items.paperless-registration", 0);
        props.put("logging.level.root", "WARN");
        props.put("logging.level.io.datapump", "WARN");
        props.putAll(overrides);
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        context = new SpringApplicationBuilder(DataPumpApplication.class).profiles("local")
                .initializers(ctx -> ctx.getBeanFactory().addBeanPostProcessor(commits)).run(args);
        camel = context.getBean(CamelContext.class);
        shards = context.getBean(ShardDataSources.class);
        registry = context.getBean(JdbcTemplate.class);
        meters = context.getBean(MeterRegistry.class);
        try (InputStream in = BenchPump.class.getResourceAsStream("/bench/seed-payments.sql")) {
            seedSql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers billers (enabled, CIS = the bench stub) and migrates their shards, a few at a time. */
    List<Biller> createBillers(String prefix, int count, boolean demo) {
        return createBillers(prefix, count, demo, true);
    }

    /** Billers with a migrated shard; registered (so the pump works on them) or not (the baseline's). */
    List<Biller> createBillers(String prefix, int count, boolean demo, boolean register) {
        List<Biller> created = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String id = prefix + "-" + i;
            Biller b = new Biller(id, "Bench " + id, demo ? Lane.DEMO : Lane.PRODUCTION, true, false,
                    "jdbc:h2:file:" + dataDir.resolve("shards").resolve(id) + SHARD_OPTIONS, cis.baseUrl(id));
            created.add(b);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Biller b : created) {
                done.add(pool.submit(() -> {
                    ShardMigrations.migrateSourceTables(shards.dataSource(b));
                    ShardMigrations.migratePumpTables(shards.dataSource(b));
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdown();
        }
        // registered after their shards exist, so the publisher never meets a half-made shard
        for (Biller b : created) {
            billers.put(b.id(), b);
            if (!register) {
                continue;
            }
            Map<String, Object> params = io.datapump.local.LocalSetup.registryRow(
                    new Biller(b.id(), b.name(), b.lane(), true, false, b.shardJdbcUrl(), b.cisBaseUrl()));
            new org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate(registry)
                    .update(SqlFiles.get("local/upsert-biller-insert"), params);
        }
        return created;
    }

    Shard shard(String billerId) {
        return shards.forBiller(billers.get(billerId));
    }

    Biller biller(String id) {
        return billers.get(id);
    }

    /**
     * Seeds n payments and their work items, in transactions of at most 100,000 rows; tells the CIS stub when the
     * last of them became visible.
     */
    void seed(String billerId, int n) {
        for (int left = n; left > 0; left -= 100_000) {
            seedChunk(billerId, Math.min(left, 100_000));
        }
        cis.seeded(billerId, System.currentTimeMillis());
    }

    private void seedChunk(String billerId, int n) {
        Shard shard = shard(billerId);
        shard.tx().executeWithoutResult(status -> {
            Long max = shard.jdbc().queryForObject("SELECT COALESCE(MAX(PaymentId), 0) FROM Payment", Map.of(),
                    Long.class);
            Map<String, Object> params = Map.of("n", n, "firstPaymentId", max + 1);
            for (String statement : seedSql.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    shard.jdbc().update(statement.replaceAll(":#(\\w+)", ":$1"), params);
                }
            }
        });
    }

    /** An operator's pause: the publisher skips the biller and its continuation chain ends. */
    void pause(Collection<String> ids) {
        for (String id : ids) {
            registry.update("UPDATE Biller SET Paused = 1 WHERE BillerId = ?", id);
        }
    }

    /** CPU time of this whole JVM (pump, broker, H2 shards, CIS stub) so far, in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    long statements(Collection<String> ids) {
        double n = 0;
        for (String id : ids) {
            Counter c = meters.find(ShardDataSources.STATEMENTS_METRIC).tag("biller", id).counter();
            n += c == null ? 0 : c.count();
        }
        return Math.round(n);
    }

    long inState(String billerId, String state) {
        Long n = shard(billerId).jdbc().queryForObject("SELECT COUNT(*) FROM DataPumpControl WHERE State = :s",
                Map.of("s", state), Long.class);
        return n == null ? 0 : n;
    }

    long unfinished(String billerId) {
        Long n = shard(billerId).jdbc().queryForObject(
                "SELECT COUNT(*) FROM DataPumpControl WHERE State IN ('Fetched','Queued','Processing')", Map.of(),
                Long.class);
        return n == null ? 0 : n;
    }

    /** Sets the concurrency of the production payment item consumer (restarts that route). */
    void paymentConsumers(int concurrency) throws Exception {
        String route = "item-consumer-payment-production";
        camel.getRouteController().stopRoute(route);
        ((JmsEndpoint) camel.getRoute(route).getEndpoint()).setConcurrentConsumers(concurrency);
        camel.getRouteController().startRoute(route);
    }

    HeapWatch heap() {
        return heap;
    }

    /**
     * The in-VM address of this pump's embedded broker. Spring Boot numbers each embedded Artemis in a JVM (0, 1, …),
     * so in the test suite, where other contexts came first, it is not vm://0.
     */
    String brokerUrl() {
        return "vm://" + context.getBean(ArtemisProperties.class).getEmbedded().getServerId();
    }

    static void await(String what, Duration timeout, BooleanSupplier done) {
        org.awaitility.Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(done::getAsBoolean);
    }

    @Override
    public void close() {
        heap.close();
        context.close();
    }

    /** Rough process figures: VmRSS and VmHWM from /proc (Linux), in MiB. */
    static long procStatusMiB(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Heap figures of a window: the highest heap occupancy seen after any GC (the live set plus what survived, the
     * figure that shows whether memory grows with the backlog), the highest heap used seen at all (pool peaks,
     * garbage included), the highest live thread count and the highest RSS sampled.
     */
    static final class HeapWatch implements AutoCloseable {
        private volatile long maxAfterGc;
        private volatile long lastAfterGc;
        private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        private final javax.management.NotificationListener listener;
        private final java.util.concurrent.ScheduledExecutorService sampler =
                Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "bench-sampler");
                    t.setDaemon(true);
                    return t;
                });
        private volatile long maxRssMiB;
        private volatile int maxThreads;

        HeapWatch() {
            listener = (notification, handback) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    return;
                }
                var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long used = 0;
                for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.stream().anyMatch(p -> p.getName().equals(e.getKey()))) {
                        used += e.getValue().getUsed();
                    }
                }
                lastAfterGc = used;
                if (used > maxAfterGc) {
                    maxAfterGc = used;
                }
            };
            ManagementFactory.getGarbageCollectorMXBeans().forEach(gc ->
                    ((NotificationEmitter) gc).addNotificationListener(listener, null, null));
            sampler.scheduleAtFixedRate(() -> {
                long rss = procStatusMiB("VmRSS");
                if (rss > maxRssMiB) {
                    maxRssMiB = rss;
                }
                int threads = ManagementFactory.getThreadMXBean().getThreadCount();
                if (threads > maxThreads) {
                    maxThreads = threads;
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
        }

        /** Starts a new window (after a full GC, so the window starts from the live set). */
        void reset() {
            System.gc();
            maxAfterGc = lastAfterGc;
            heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
            maxRssMiB = procStatusMiB("VmRSS");
            maxThreads = ManagementFactory.getThreadMXBean().getThreadCount();
        }

        long lastAfterGcMiB() {
            return lastAfterGc >> 20;
        }

        long maxAfterGcMiB() {
            return maxAfterGc >> 20;
        }

        long peakUsedMiB() {
            return heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum() >> 20;
        }

        long maxRssMiB() {
            return maxRssMiB;
        }

        int maxThreads() {
            return maxThreads;
        }

        @Override
        public void close() {
            sampler.shutdownNow();
            ManagementFactory.getGarbageCollectorMXBeans().forEach(gc -> {
                try {
                    ((NotificationEmitter) gc).removeNotificationListener(listener);
                } catch (Exception ignored) {
                    // already gone
                }
            });
        }
    }
}
