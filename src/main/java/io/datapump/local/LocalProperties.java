package io.datapump.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** datapump.local.*: the embedded default's billers, data folder, broker and simulators. */
@Validated
@ConfigurationProperties(prefix = "datapump.local")
public class LocalProperties {

    @NotNull private Path dataDir = Path.of("./data");
    /** JDBC URL of a local biller's shard; {dataDir} and {biller} are filled in. */
    @NotBlank private String shardUrl = "jdbc:h2:retry:{dataDir}/shards/{biller}" + LocalSetup.H2_OPTIONS;
    @Valid private final Broker broker = new Broker();
    @Valid private final CisSimulator cisSimulator = new CisSimulator();
    @Valid private final SourceSimulator sourceSimulator = new SourceSimulator();
    @Valid private List<LocalBiller> billers = new ArrayList<>();

    public Path getDataDir() { return dataDir; }
    public void setDataDir(Path dataDir) { this.dataDir = dataDir; }
    public String getShardUrl() { return shardUrl; }
    public void setShardUrl(String shardUrl) { this.shardUrl = shardUrl; }

    /** The shard URL of one local biller. */
    public String shardUrlFor(String billerId) {
        return shardUrl.replace("{dataDir}", dataDir.toAbsolutePath().normalize().toString()).replace("{biller}", billerId);
    }

    public Broker getBroker() { return broker; }
    public CisSimulator getCisSimulator() { return cisSimulator; }
    public SourceSimulator getSourceSimulator() { return sourceSimulator; }
    public List<LocalBiller> getBillers() { return billers; }
    public void setBillers(List<LocalBiller> billers) { this.billers = billers; }

    public static class LocalBiller {
        @NotBlank
        @Pattern(regexp = io.datapump.registry.Biller.ID_PATTERN, message = "biller ids are lower-case letters, digits and dashes")
        private String id;
        @NotBlank private String name;
        private boolean demo;
        private boolean enabled = true;
        private boolean paused;
        @Pattern(regexp = "adapter|direct", message = "mode is adapter or direct")
        private String mode = "adapter";
        private String cisBaseUrl;
        @jakarta.validation.Valid private CisAuthSettings cisAuth = new CisAuthSettings();
        private String shardUrl;
        private Map<String, @Min(0) Integer> items = new LinkedHashMap<>();

        public String getId() { return id; }
        public void setId(String id) { this.id = id; }
        public String getName() { return name; }
        public void setName(String name) { this.name = name; }
        public boolean isDemo() { return demo; }
        public void setDemo(boolean demo) { this.demo = demo; }
        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public boolean isPaused() { return paused; }
        public void setPaused(boolean paused) { this.paused = paused; }
        /** adapter (the source simulator writes DataPumpRecord rows) or direct (it publishes item messages). */
        public String getMode() { return mode; }
        public void setMode(String mode) { this.mode = mode; }
        public String getCisBaseUrl() { return cisBaseUrl; }
        public void setCisBaseUrl(String cisBaseUrl) { this.cisBaseUrl = cisBaseUrl; }
        /** How the pump authenticates to its CIS (the simulator demands the same); none unless given. */
        public CisAuthSettings getCisAuth() { return cisAuth; }
        public void setCisAuth(CisAuthSettings cisAuth) { this.cisAuth = cisAuth; }
        /** Optional: this biller's shard JDBC URL instead of datapump.local.shard-url's. */
        public String getShardUrl() { return shardUrl; }
        public void setShardUrl(String shardUrl) { this.shardUrl = shardUrl; }
        public Map<String, Integer> getItems() { return items; }
        public void setItems(Map<String, Integer> items) { this.items = items; }
    }

    /**
     * A local biller's CIS authentication, as its registry row gets it. The secret is generated into
     * datapump.cis.auth.secrets-dir at the first start; a blank token-url is the CIS simulator's token endpoint.
     */
    public static class CisAuthSettings {
        @Pattern(regexp = "none|api-key|oauth2-client-credentials|mtls",
                message = "cis-auth.kind is none, api-key, oauth2-client-credentials or mtls")
        private String kind = "none";
        private String secretRef;
        private String header;
        private String tokenUrl;
        private String clientId;
        private String scope;

        public String getKind() { return kind; }
        public void setKind(String kind) { this.kind = kind; }
        public String getSecretRef() { return secretRef; }
        public void setSecretRef(String secretRef) { this.secretRef = secretRef; }
        public String getHeader() { return header; }
        public void setHeader(String header) { this.header = header; }
        public String getTokenUrl() { return tokenUrl; }
        public void setTokenUrl(String tokenUrl) { this.tokenUrl = tokenUrl; }
        public String getClientId() { return clientId; }
        public void setClientId(String clientId) { this.clientId = clientId; }
        public String getScope() { return scope; }
        public void setScope(String scope) { this.scope = scope; }
    }

    public static class Broker {
        @Min(0) private long redeliveryDelay = 1000;
        @DecimalMin("1.0") private double redeliveryMultiplier = 2.0;
        @Min(0) private long maxRedeliveryDelay = 300_000;
        @Min(-1) private int maxDeliveryAttempts = -1;
        @NotBlank private String deadLetterAddress = "data-pump-broker-dlq";

        public long getRedeliveryDelay() { return redeliveryDelay; }
        public void setRedeliveryDelay(long redeliveryDelay) { this.redeliveryDelay = redeliveryDelay; }
        public double getRedeliveryMultiplier() { return redeliveryMultiplier; }
        public void setRedeliveryMultiplier(double m) { this.redeliveryMultiplier = m; }
        public long getMaxRedeliveryDelay() { return maxRedeliveryDelay; }
        public void setMaxRedeliveryDelay(long maxRedeliveryDelay) { this.maxRedeliveryDelay = maxRedeliveryDelay; }
        public int getMaxDeliveryAttempts() { return maxDeliveryAttempts; }
        public void setMaxDeliveryAttempts(int maxDeliveryAttempts) { this.maxDeliveryAttempts = maxDeliveryAttempts; }
        public String getDeadLetterAddress() { return deadLetterAddress; }
        public void setDeadLetterAddress(String deadLetterAddress) { this.deadLetterAddress = deadLetterAddress; }
    }

    public static class CisSimulator {
        private String baseUrl = "";
        @Min(0) @jakarta.validation.constraints.Max(65535) private int port;
        @Min(1) private int threads = 32;
        @Min(0) private long latency;
        @DecimalMin("0.0") @DecimalMax("1.0") private double failureRate;
        @jakarta.validation.constraints.NotNull private java.time.Duration tokenLifetime = java.time.Duration.ofMinutes(5);

        public String getBaseUrl() { return baseUrl; }
        public void setBaseUrl(String baseUrl) { this.baseUrl = baseUrl == null ? "" : baseUrl; }
        public int getPort() { return port; }
        public void setPort(int port) { this.port = port; }
        public int getThreads() { return threads; }
        public void setThreads(int threads) { this.threads = threads; }
        public long getLatency() { return latency; }
        public void setLatency(long latency) { this.latency = latency; }
        public double getFailureRate() { return failureRate; }
        public void setFailureRate(double failureRate) { this.failureRate = failureRate; }
        /** How long an access token from the simulator's token endpoint is valid (its expires_in). */
        public java.time.Duration getTokenLifetime() { return tokenLifetime; }
        public void setTokenLifetime(java.time.Duration tokenLifetime) { this.tokenLifetime = tokenLifetime; }
    }

    public static class SourceSimulator {
        @Min(0) private int rate = 1;

        public int getRate() { return rate; }
        public void setRate(int rate) { this.rate = rate; }
    }
}
