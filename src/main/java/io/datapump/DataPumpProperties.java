package io.datapump;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The datapump.* settings that Java code reads. Routes read their settings (intervals, concurrency, endpoint URIs)
 * straight from the environment through {{placeholders}}; every key is described in the README.
 */
@Validated
@ConfigurationProperties(prefix = "datapump")
public class DataPumpProperties {

    private String processorId = "";
    @Min(1024) private int maxMessageBytes = 262_144;
    @Valid private final Publisher publisher = new Publisher();
    @Valid private final BillerConsumer billerConsumer = new BillerConsumer();
    @Valid private final Registry registry = new Registry();
    @Valid private final Shards shards = new Shards();
    @Valid private final Topology topology = new Topology();
    @Valid private final Retry retry = new Retry();
    @Valid private final KillAfter killAfter = new KillAfter();
    @Valid private final Cis cis = new Cis();
    @Valid private final Sweeper sweeper = new Sweeper();
    @Valid private final Heartbeat heartbeat = new Heartbeat();
    @Valid private final Replay replay = new Replay();
    @Valid private final Archive archive = new Archive();
    @Valid private final Runs runs = new Runs();
    @Valid private final Metrics metrics = new Metrics();
    @Valid private final Tracing tracing = new Tracing();

    /**
     * This process's id in control records, attempts and heartbeats: the configured processor id (or
     * {@code <hostname>-<pid>} when blank) plus a suffix drawn once per start, so a restarted process (in a pod the pid
     * is 1 every time) never inherits what its predecessor held and the sweeper can release that at once.
     */
    public synchronized String resolvedProcessorId() {
        String id = resolvedProcessorId;
        if (id == null) {
            String name = processorId != null && !processorId.isBlank() ? processorId.strip()
                    : hostName() + "-" + ManagementFactory.getRuntimeMXBean().getPid();
            String suffix = Long.toString(36L * 36 * 36 * 36 + new java.security.SecureRandom().nextInt(
                    36 * 36 * 36 * 36 * 35), 36);
            id = name.substring(0, Math.min(name.length(), 100)) + "-" + suffix;
            resolvedProcessorId = id;
        }
        return id;
    }

    private volatile String resolvedProcessorId;

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    public int getMaxMessageBytes() { return maxMessageBytes; }
    public void setMaxMessageBytes(int maxMessageBytes) { this.maxMessageBytes = maxMessageBytes; }
    public String getProcessorId() { return processorId; }
    public void setProcessorId(String processorId) { this.processorId = processorId; }
    public Publisher getPublisher() { return publisher; }
    public BillerConsumer getBillerConsumer() { return billerConsumer; }
    public Registry getRegistry() { return registry; }
    public Shards getShards() { return shards; }
    public Topology getTopology() { return topology; }
    public Retry getRetry() { return retry; }
    public KillAfter getKillAfter() { return killAfter; }
    public Cis getCis() { return cis; }
    public Sweeper getSweeper() { return sweeper; }
    public Heartbeat getHeartbeat() { return heartbeat; }
    public Replay getReplay() { return replay; }
    public Archive getArchive() { return archive; }
    public Runs getRuns() { return runs; }
    public Metrics getMetrics() { return metrics; }
    public Tracing getTracing() { return tracing; }

    /** Run reports and the audit trail: how long they are kept. */
    public static class Runs {
        @NotNull private Duration retention = Duration.ofDays(14);
        @NotNull private Duration auditRetention = Duration.ofDays(365);

        public Duration getRetention() { return retention; }
        public void setRetention(Duration retention) { this.retention = retention; }
        public Duration getAuditRetention() { return auditRetention; }
        public void setAuditRetention(Duration auditRetention) { this.auditRetention = auditRetention; }
    }

    /**
     * W3C trace context (io.datapump.tracing): unless switched off, spans are made and their context propagated;
     * they are exported over OTLP only when an endpoint is set.
     */
    public static class Tracing {
        /** false: no spans and no trace context at all (camel.opentelemetry2.enabled follows it). */
        private boolean enabled = true;
        /** OTLP/HTTP base URL of a collector, e.g. http://otel-collector:4318 (traces go to /v1/traces); blank: none. */
        private String otlpEndpoint = "";

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getOtlpEndpoint() { return otlpEndpoint; }
        public void setOtlpEndpoint(String otlpEndpoint) { this.otlpEndpoint = otlpEndpoint; }
    }

    /** The gauges read from the shards and the broker (backlog, oldest pending, shard up, dead-letter depth). */
    public static class Metrics {
        @NotNull private Duration interval = Duration.ofSeconds(30);

        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
    }

    /** Archival of old Processed and Failed control records and their attempts. */
    public static class Archive {
        @NotNull private Duration interval = Duration.ofHours(1);
        @NotNull private Duration processedRetention = Duration.ofDays(30);
        @NotNull private Duration failedRetention = Duration.ofDays(180);
        @Min(1) @Max(10_000) private int batchSize = 1000;
        @Min(1) private int maxBatches = 50;

        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
        public Duration getProcessedRetention() { return processedRetention; }
        public void setProcessedRetention(Duration d) { this.processedRetention = d; }
        public Duration getFailedRetention() { return failedRetention; }
        public void setFailedRetention(Duration d) { this.failedRetention = d; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public int getMaxBatches() { return maxBatches; }
        public void setMaxBatches(int maxBatches) { this.maxBatches = maxBatches; }
    }

    /** Replay jobs of the admin API. */
    public static class Replay {
        @Min(1) private int defaultRate = 50;
        @Min(1) private int maxRate = 1000;
        @Min(1) @Max(10_000) private int pageSize = 500;
        @NotNull private Duration canaryTimeout = Duration.ofMinutes(5);
        @NotNull private Duration resumeCheck = Duration.ofSeconds(15);

        /** How long a replay waits for its canary items to be Processed before it gives up (CanaryFailed). */
        public Duration getCanaryTimeout() { return canaryTimeout; }
        public void setCanaryTimeout(Duration canaryTimeout) { this.canaryTimeout = canaryTimeout; }
        /** How often a process looks for replay jobs whose process is gone, to resume them. */
        public Duration getResumeCheck() { return resumeCheck; }
        public void setResumeCheck(Duration resumeCheck) { this.resumeCheck = resumeCheck; }
        public int getDefaultRate() { return defaultRate; }
        public void setDefaultRate(int defaultRate) { this.defaultRate = defaultRate; }
        public int getMaxRate() { return maxRate; }
        public void setMaxRate(int maxRate) { this.maxRate = maxRate; }
        public int getPageSize() { return pageSize; }
        public void setPageSize(int pageSize) { this.pageSize = pageSize; }
    }

    /** Stale-claim recovery. */
    public static class Sweeper {
        @NotNull private Duration interval = Duration.ofSeconds(60);
        @Min(1) private int batchSize = 500;
        @NotNull private Duration fetchedLease = Duration.ofMinutes(5);
        @NotNull private Duration processingLease = Duration.ofMinutes(5);
        @NotNull private Duration queuedLease = Duration.ofHours(73);

        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public Duration getFetchedLease() { return fetchedLease; }
        public void setFetchedLease(Duration fetchedLease) { this.fetchedLease = fetchedLease; }
        public Duration getProcessingLease() { return processingLease; }
        public void setProcessingLease(Duration processingLease) { this.processingLease = processingLease; }
        public Duration getQueuedLease() { return queuedLease; }
        public void setQueuedLease(Duration queuedLease) { this.queuedLease = queuedLease; }
    }

    /**
     * Liveness of pump processes: each beats in the registry every interval; one whose beat is older than timeout
     * (or that stopped) is dead, and the sweeper releases what it held at once instead of waiting for the leases.
     */
    public static class Heartbeat {
        @NotNull private Duration interval = Duration.ofSeconds(3);
        @NotNull private Duration timeout = Duration.ofSeconds(15);

        public Duration getInterval() { return interval; }
        public void setInterval(Duration interval) { this.interval = interval; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
    }

    /** The CIS call: timeouts are read by the route; the per-biller protection by CisGuard. */
    public static class Cis {
        @Min(1) private int connectTimeout = 2000;
        @Min(1) private int responseTimeout = 10000;
        @Min(1) @Max(1000) private int maxConcurrentPerBiller = 8;
        @NotNull private Duration busyRetryDelay = Duration.ofSeconds(1);
        @NotNull private Duration slotLease = Duration.ofSeconds(30);
        @NotNull private String confirmationField = "confirmationId";
        private boolean requireHttps;
        @Valid private final CircuitBreaker circuitBreaker = new CircuitBreaker();
        @Valid private final Auth auth = new Auth();

        public int getConnectTimeout() { return connectTimeout; }
        public void setConnectTimeout(int connectTimeout) { this.connectTimeout = connectTimeout; }
        public int getResponseTimeout() { return responseTimeout; }
        public void setResponseTimeout(int responseTimeout) { this.responseTimeout = responseTimeout; }
        public int getMaxConcurrentPerBiller() { return maxConcurrentPerBiller; }
        public void setMaxConcurrentPerBiller(int n) { this.maxConcurrentPerBiller = n; }
        public Duration getBusyRetryDelay() { return busyRetryDelay; }
        public void setBusyRetryDelay(Duration busyRetryDelay) { this.busyRetryDelay = busyRetryDelay; }
        public Duration getSlotLease() { return slotLease; }
        public void setSlotLease(Duration slotLease) { this.slotLease = slotLease; }
        public boolean isRequireHttps() { return requireHttps; }
        public void setRequireHttps(boolean requireHttps) { this.requireHttps = requireHttps; }
        public String getConfirmationField() { return confirmationField; }
        public void setConfirmationField(String confirmationField) { this.confirmationField = confirmationField; }
        public CircuitBreaker getCircuitBreaker() { return circuitBreaker; }
        public Auth getAuth() { return auth; }
    }

    /** How the pump authenticates to the CIS APIs; each biller's kind and secret name are in the registry. */
    public static class Auth {
        @NotNull private String secretsDir = "/mnt/secrets-store";
        private boolean required;
        @NotNull private Duration tokenRefreshBefore = Duration.ofSeconds(60);
        @NotNull private String trustCertificates = "";

        /** The folder the pod mounts the CIS secrets in, one file per secret name (Key Vault through the CSI driver). */
        public String getSecretsDir() { return secretsDir; }
        public void setSecretsDir(String secretsDir) { this.secretsDir = secretsDir; }
        /** Refuse billers whose CIS authentication is none (the azure profile). */
        public boolean isRequired() { return required; }
        public void setRequired(boolean required) { this.required = required; }
        /** An OAuth2 token is replaced this long before it expires. */
        public Duration getTokenRefreshBefore() { return tokenRefreshBefore; }
        public void setTokenRefreshBefore(Duration d) { this.tokenRefreshBefore = d; }
        /** A PEM file of the CA certificates CIS servers' certificates chain to; blank: the JVM's trusted CAs. */
        public String getTrustCertificates() { return trustCertificates; }
        public void setTrustCertificates(String trustCertificates) {
            this.trustCertificates = trustCertificates == null ? "" : trustCertificates;
        }
    }

    /** Per-biller CIS circuit breaker (count-based sliding window). */
    public static class CircuitBreaker {
        @jakarta.validation.constraints.DecimalMin("1") @jakarta.validation.constraints.DecimalMax("100")
        private float failureRateThreshold = 50;
        @Min(1) private int minimumCalls = 10;
        @Min(1) private int slidingWindow = 20;
        @NotNull private Duration waitInOpen = Duration.ofSeconds(30);
        @Min(1) private int halfOpenCalls = 3;

        public float getFailureRateThreshold() { return failureRateThreshold; }
        public void setFailureRateThreshold(float t) { this.failureRateThreshold = t; }
        public int getMinimumCalls() { return minimumCalls; }
        public void setMinimumCalls(int minimumCalls) { this.minimumCalls = minimumCalls; }
        public int getSlidingWindow() { return slidingWindow; }
        public void setSlidingWindow(int slidingWindow) { this.slidingWindow = slidingWindow; }
        public Duration getWaitInOpen() { return waitInOpen; }
        public void setWaitInOpen(Duration waitInOpen) { this.waitInOpen = waitInOpen; }
        public int getHalfOpenCalls() { return halfOpenCalls; }
        public void setHalfOpenCalls(int halfOpenCalls) { this.halfOpenCalls = halfOpenCalls; }
    }

    /** Retry limits: quick in-process redeliveries, then durable delayed retries through the broker. */
    public static class Retry {
        @Valid private final Backoff immediate = new Backoff(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(2));
        @Valid private final Backoff delayed = new Backoff(5, Duration.ofSeconds(30), 4.0, Duration.ofMinutes(30));
        private boolean immediateAsync = true;

        public Backoff getImmediate() { return immediate; }
        public Backoff getDelayed() { return delayed; }
        public boolean isImmediateAsync() { return immediateAsync; }
        public void setImmediateAsync(boolean immediateAsync) { this.immediateAsync = immediateAsync; }
    }

    /** attempts retries, the first after initial-delay, each next one multiplier times later, at most max-delay. */
    public static class Backoff {
        @Min(0) @Max(100) private int attempts;
        @NotNull private Duration initialDelay;
        @jakarta.validation.constraints.DecimalMin("1.0") private double multiplier;
        @NotNull private Duration maxDelay;

        public Backoff(int attempts, Duration initialDelay, double multiplier, Duration maxDelay) {
            this.attempts = attempts;
            this.initialDelay = initialDelay;
            this.multiplier = multiplier;
            this.maxDelay = maxDelay;
        }

        /** The delay before retry number {@code retry} (1-based). */
        public Duration delayBefore(int retry) {
            double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, retry - 1));
            return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
        }

        public int getAttempts() { return attempts; }
        public void setAttempts(int attempts) { this.attempts = attempts; }
        public Duration getInitialDelay() { return initialDelay; }
        public void setInitialDelay(Duration initialDelay) { this.initialDelay = initialDelay; }
        public double getMultiplier() { return multiplier; }
        public void setMultiplier(double multiplier) { this.multiplier = multiplier; }
        public Duration getMaxDelay() { return maxDelay; }
        public void setMaxDelay(Duration maxDelay) { this.maxDelay = maxDelay; }
    }

    /** Kill dates per lane: how long after first publication a message may still be started. */
    public static class KillAfter {
        @NotNull private Duration production = Duration.ofHours(24);
        @NotNull private Duration demo = Duration.ofHours(72);

        public Duration getProduction() { return production; }
        public void setProduction(Duration production) { this.production = production; }
        public Duration getDemo() { return demo; }
        public void setDemo(Duration demo) { this.demo = demo; }
    }

    public static class Publisher {
        @Min(1) @Max(256) private int scanThreads = 8;
        @NotNull private Duration outstandingLease = Duration.ofSeconds(60);

        public Duration getOutstandingLease() { return outstandingLease; }
        public void setOutstandingLease(Duration outstandingLease) { this.outstandingLease = outstandingLease; }

        public int getScanThreads() { return scanThreads; }
        public void setScanThreads(int scanThreads) { this.scanThreads = scanThreads; }
    }

    public static class BillerConsumer {
        @Min(1) @Max(10_000) private int claimBatchSize = 100;
        @Min(1) private int maxInFlightPerBiller = 400;
        @Min(1) private int minClaim = 50;
        @Min(0) private long lateRowLookback = 1000;
        @NotNull private Duration throttleDelay = Duration.ofSeconds(1);

        public int getClaimBatchSize() { return claimBatchSize; }
        public void setClaimBatchSize(int claimBatchSize) { this.claimBatchSize = claimBatchSize; }
        public int getMaxInFlightPerBiller() { return maxInFlightPerBiller; }
        public void setMaxInFlightPerBiller(int maxInFlightPerBiller) { this.maxInFlightPerBiller = maxInFlightPerBiller; }
        public long getLateRowLookback() { return lateRowLookback; }
        public void setLateRowLookback(long lateRowLookback) { this.lateRowLookback = lateRowLookback; }
        public int getMinClaim() { return minClaim; }
        public void setMinClaim(int minClaim) { this.minClaim = minClaim; }
        public Duration getThrottleDelay() { return throttleDelay; }
        public void setThrottleDelay(Duration throttleDelay) { this.throttleDelay = throttleDelay; }
    }

    public static class Registry {
        @NotNull private Duration cacheTtl = Duration.ofSeconds(10);

        public Duration getCacheTtl() { return cacheTtl; }
        public void setCacheTtl(Duration cacheTtl) { this.cacheTtl = cacheTtl; }
    }

    public static class Shards {
        @Min(1) @Max(100) private int maxPoolSize = 4;
        @Min(1) private int connectionBudget = 48;
        @NotNull private Duration idleTimeout = Duration.ofSeconds(60);
        @NotNull private Duration idlePoolTimeout = Duration.ofMinutes(10);
        @NotNull private Duration connectionTimeout = Duration.ofSeconds(5);
        @NotNull private Duration queryTimeout = Duration.ofSeconds(30);
        @NotNull private Duration unavailableBackoff = Duration.ofSeconds(10);
        private String username = "";
        private String password = "";

        public int getMaxPoolSize() { return maxPoolSize; }
        public int getConnectionBudget() { return connectionBudget; }
        public void setConnectionBudget(int connectionBudget) { this.connectionBudget = connectionBudget; }
        public void setMaxPoolSize(int maxPoolSize) { this.maxPoolSize = maxPoolSize; }
        public Duration getIdleTimeout() { return idleTimeout; }
        public void setIdleTimeout(Duration idleTimeout) { this.idleTimeout = idleTimeout; }
        public Duration getIdlePoolTimeout() { return idlePoolTimeout; }
        public void setIdlePoolTimeout(Duration idlePoolTimeout) { this.idlePoolTimeout = idlePoolTimeout; }
        public Duration getConnectionTimeout() { return connectionTimeout; }
        public void setConnectionTimeout(Duration connectionTimeout) { this.connectionTimeout = connectionTimeout; }
        public Duration getUnavailableBackoff() { return unavailableBackoff; }
        public void setUnavailableBackoff(Duration d) { this.unavailableBackoff = d; }
        public Duration getQueryTimeout() { return queryTimeout; }
        public void setQueryTimeout(Duration queryTimeout) { this.queryTimeout = queryTimeout; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
    }

    /** Topic and subscription names, shared by every transport. */
    public static class Topology {
        @NotBlank private String billerSubscription = "biller-consumer";
        @NotBlank private String itemSubscription = "item-consumer";
        private Map<String, LaneTopics> lanes = new LinkedHashMap<>();

        public String getBillerSubscription() { return billerSubscription; }
        public void setBillerSubscription(String billerSubscription) { this.billerSubscription = billerSubscription; }
        public String getItemSubscription() { return itemSubscription; }
        public void setItemSubscription(String itemSubscription) { this.itemSubscription = itemSubscription; }
        public LaneTopics getProduction() { return lanes.computeIfAbsent("production", k -> new LaneTopics()); }
        public LaneTopics getDemo() { return lanes.computeIfAbsent("demo", k -> new LaneTopics()); }

        /** Lane name (production, demo) to its topics. */
        public Map<String, LaneTopics> lanes() {
            getProduction();
            getDemo();
            return lanes;
        }
    }

    public static class LaneTopics {
        @NotBlank private String billerTopic;
        @NotBlank private String paymentTopic;
        @NotBlank private String paperlessRegistrationTopic;
        @NotBlank private String deadLetterQueue;
        @NotBlank private String parkedQueue;

        public String getBillerTopic() { return billerTopic; }
        public void setBillerTopic(String billerTopic) { this.billerTopic = billerTopic; }
        public String getPaymentTopic() { return paymentTopic; }
        public void setPaymentTopic(String paymentTopic) { this.paymentTopic = paymentTopic; }
        public String getPaperlessRegistrationTopic() { return paperlessRegistrationTopic; }
        public void setPaperlessRegistrationTopic(String t) { this.paperlessRegistrationTopic = t; }
        public String getDeadLetterQueue() { return deadLetterQueue; }
        public void setDeadLetterQueue(String deadLetterQueue) { this.deadLetterQueue = deadLetterQueue; }
        public String getParkedQueue() { return parkedQueue; }
        public void setParkedQueue(String parkedQueue) { this.parkedQueue = parkedQueue; }
    }
}
