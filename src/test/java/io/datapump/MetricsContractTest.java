package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.datapump.metrics.BacklogGauges;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.support.CisStub.Reply;
import io.datapump.support.CisStub;
import io.datapump.support.ShardProbe;
import io.datapump.support.TestBillers;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The alerts and the dashboard in k8s/monitoring query only metrics the app really exports, and those metrics say
 * true things: after a run with deliveries, retries, deferrals, permanent failures, expired work and a replay, every
 * metric name in the PrometheusRule and the Grafana dashboard is on /actuator/prometheus.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false)
@ActiveProfiles("local")
class MetricsContractTest {

    static final CisStub CIS = new CisStub();
    static final Map<String, AtomicInteger> CALLS_PER_KEY = new ConcurrentHashMap<>();
    /** PromQL words that are not metric names. */
    static final Set<String> PROMQL = Set.of("sum", "by", "rate", "max", "min", "on", "group_left", "clamp_min",
            "delta", "increase", "time", "absent", "histogram_quantile", "vector", "le", "without", "avg", "count",
            "label_values", "and", "or", "unless", "bool", "offset", "ignoring", "group_right", "e");

    @DynamicPropertySource
    static void configure(DynamicPropertyRegistry registry) {
        // good is delivered slowly (deferrals), flaky fails twice per item (retries), rejected gets 400s
        CIS.replyWith(call -> switch (call.billerId()) {
            case "flaky" -> CALLS_PER_KEY.computeIfAbsent(call.idempotencyKey(), k -> new AtomicInteger())
                    .incrementAndGet() <= 2 ? Reply.of(503) : Reply.of(200);
            case "rejected" -> Reply.of(400);
            case "good" -> new Reply(200, 50, Map.of());
            default -> Reply.of(200);
        });
        registry.add("datapump.local.data-dir", () -> TestBillers.freshDataDir().toString());
        registry.add("datapump.local.source-simulator.rate", () -> 0);
        registry.add("datapump.publisher.interval", () -> "300");
        registry.add("datapump.publisher.initial-delay", () -> "100");
        registry.add("datapump.metrics.interval", () -> "1h");
        // transient failures go straight to durable retries, after 100 ms
        registry.add("datapump.retry.immediate.attempts", () -> 0);
        registry.add("datapump.retry.delayed.initial-delay", () -> "100ms");
        // one CIS call per biller at a time: the slow biller's other items are deferred
        registry.add("datapump.cis.max-concurrent-per-biller", () -> 1);
        registry.add("datapump.cis.busy-retry-delay", () -> "100ms");
        // demo work expires at once
        registry.add("datapump.kill-after.demo", () -> "1ms");
        TestBillers.into(registry)
                .biller("good", false, true, 10, 2, CIS)
                .biller("flaky", false, true, 3, 0, CIS)
                .biller("rejected", false, true, 2, 0, CIS)
                .biller("late", true, true, 2, 0, CIS);
    }

    @AfterAll
    static void stopStub() {
        CIS.close();
    }

    TestRestTemplate http;

    /** The admin API needs a user: the operator may read and act. */
    @Autowired
    void authenticate(TestRestTemplate anonymous) {
        http = anonymous.withBasicAuth(io.datapump.support.TestUsers.OPERATOR,
                io.datapump.support.TestUsers.OPERATOR_PASSWORD);
    }
    @Autowired BillerRegistry registry;
    @Autowired ShardDataSources shards;
    @Autowired BacklogGauges gauges;

    @Test
    void everyMetricTheAlertsAndDashboardQueryIsExportedWithTrueValues() throws IOException {
        // given: the run set up in configure(): deliveries, deferrals, retries, 400s and expired demo work
        ShardProbe probe = new ShardProbe(registry, shards);

        // when: the work has settled, a failure is replayed and the gauges are read
        await().atMost(Duration.ofSeconds(60))
.until(() -> probe.inState("good", "Processed") == 12
                && probe.inState("flaky", "Processed") == 3 && probe.inState("rejected", "Failed") == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> http.postForEntity("/api/replay",
                Map.of("billerId", "rejected", "reason", "metrics contract"), String.class).getStatusCode().is2xxSuccessful());
        await().atMost(Duration.ofSeconds(30)).until(() -> scrape().contains("datapump_items_replayed_total"));
        gauges.refresh();
        String scraped = scrape();

        // then: every metric the rules and the dashboard use is exported
        Set<String> exported = exportedNames(scraped);
        Set<String> queried = new TreeSet<>();
        queried.addAll(metricNames(Files.readString(Path.of("k8s/monitoring/prometheusrule.yaml"))));
        queried.addAll(metricNames(Files.readString(Path.of("k8s/monitoring/data-pump-dashboard.json"))));
        assertThat(queried).as("metric names found in k8s/monitoring").hasSizeGreaterThan(10);
        assertThat(queried).as("queried but not exported").isSubsetOf(exported);

        // and: the values are true
        assertThat(value(scraped, "datapump_backlog", "biller=\"good\"", "state=\"processed\"")).isEqualTo(12);
        assertThat(value(scraped, "datapump_items_processed_total", "biller=\"flaky\"")).isEqualTo(3);
        assertThat(value(scraped, "datapump_items_retries_total", "biller=\"flaky\"")).isEqualTo(6);
        assertThat(value(scraped, "datapump_items_failed_total", "biller=\"rejected\"")).isGreaterThanOrEqualTo(2);
        assertThat(value(scraped, "datapump_shard_up", "biller=\"good\"")).isEqualTo(1);
        assertThat(value(scraped, "datapump_oldest_pending_age_seconds", "biller=\"good\"")).isZero();
        assertThat(value(scraped, "datapump_dead_letter_depth", "lane=\"production\"")).isGreaterThanOrEqualTo(2);
        assertThat(value(scraped, "datapump_cis_latency_seconds_count", "biller=\"rejected\"", "status=\"4xx\""))
                .isGreaterThanOrEqualTo(2);
        assertThat(value(scraped, "datapump_publisher_last_success_seconds")).isPositive();
    }

    /** Metric names in PromQL expressions: identifiers followed by a selector, a range or a closing bracket. */
    static Set<String> metricNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher expr = Pattern.compile("(?:expr|\"expr\"|\"query\"):\\s*(\\|[^\\n]*\\n(?:\\s{6,}.*\\n)+|\"(?:[^\"\\\\]|\\\\.)*\"|[^\\n]+)")
                .matcher(text);
        while (expr.find()) {
            String raw = expr.group(1).strip();
            if (raw.startsWith("\"")) {
                raw = raw.substring(1, raw.length() - 1).replace("\\\"", "\"");
            }
            String promql = raw.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ")
                    .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ");
            Matcher word = Pattern.compile("(?<![\\w:$.])([a-zA-Z_][a-zA-Z0-9_:]*)").matcher(promql);
            while (word.find()) {
                String w = word.group(1);
                if (!PROMQL.contains(w) && !w.startsWith("datapump:") && w.contains("_")) {
                    names.add(w);
                }
            }
        }
        return names;
    }

    static Set<String> exportedNames(String scraped) {
        Set<String> names = new TreeSet<>();
        scraped.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.replaceAll("[{ ].*", "")).forEach(names::add);
        return names;
    }

    static double value(String scraped, String name, String... labels) {
        return scraped.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> java.util.Arrays.stream(labels).allMatch(l::contains))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private String scrape() {
        return http.getForObject("/actuator/prometheus", String.class);
    }
}
