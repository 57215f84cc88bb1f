package io.datapump.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.datapump.message.ItemType;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerMode;
import io.datapump.registry.CisAuth;
import io.datapump.DataPumpProperties;
import io.datapump.registry.Lane;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.ShardMigrations;
import io.datapump.sql.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Profile;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Prepares the embedded default before any route starts: writes datapump.local.billers into the H2 registry,
 * creates one H2 shard per biller, migrates it (source tables and the Data Pump's tables) and, for a new shard,
 * inserts the configured number of work items per type.
 */
@Component
@Profile("local")
@DependsOn("flywayInitializer")
public class LocalSetup implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSetup.class);

    /**
     * H2 settings for every local shard: SQL Server dialect and identifier rules, external access (AUTO_SERVER), and
     * every commit written at once (WRITE_DELAY=0), so a killed pump loses no committed state, as with SQL Server;
     * 32 parsed statements kept per session; no compaction when the database closes (MAX_COMPACT_TIME=0): H2
     * 2.3.232's compaction on close failed an internal assertion when shard pools were closed and reopened often,
     * and a shard closed that way came back without its last schema change.
     */
    public static final String H2_OPTIONS =
            ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;WRITE_DELAY=0;AUTO_SERVER=TRUE;QUERY_CACHE_SIZE=32;MAX_COMPACT_TIME=0";

    private final LocalProperties local;
    private final NamedParameterJdbcTemplate registry;
    private final ShardDataSources shards;
    private final CisSimulatorServer cisSimulator;
    private final Path secretsDir;

    public LocalSetup(LocalProperties local, NamedParameterJdbcTemplate registry, ShardDataSources shards,
                      CisSimulatorServer cisSimulator, DataPumpProperties properties) {
        this.local = local;
        this.secretsDir = Path.of(properties.getCis().getAuth().getSecretsDir());
        this.registry = registry;
        this.shards = shards;
        this.cisSimulator = cisSimulator;
    }

    @Override
    public void afterPropertiesSet() throws Exception {
        Path shardDir = local.getDataDir().toAbsolutePath().normalize().resolve("shards");
        Files.createDirectories(shardDir);
        List<LocalProperties.LocalBiller> billers = local.getBillers();
        for (LocalProperties.LocalBiller b : billers) {
            try {
                provision(b);
            } catch (ShardPreparationException e) {
                // one unreachable shard must not keep the pump from starting: that biller waits, the others run
                LOG.warn("Biller {}: its shard could not be prepared now ({}); it is retried at the next start",
                        b.getId(), e.getCause().toString());
            }
        }
        if (!billers.isEmpty()) {
            registry.update(SqlFiles.get("local/delete-other-billers"),
                    Map.of("ids", billers.stream().map(LocalProperties.LocalBiller::getId).toList()));
        }
        LOG.info("Local registry holds {} biller(s); shards under {}", billers.size(), shardDir);
    }

    /**
     * Registers one local biller in the registry and prepares its shard (migrations, and its initial items when the
     * shard is new): what each configured biller gets at start, and what a test adds at run time.
     */
    public Biller provision(LocalProperties.LocalBiller b) {
        validateItems(b);
        Biller biller = new Biller(b.getId(), b.getName() == null ? b.getId() : b.getName(),
                b.isDemo() ? Lane.DEMO : Lane.PRODUCTION, b.isEnabled(), b.isPaused(),
                b.getShardUrl() == null || b.getShardUrl().isBlank() ? local.shardUrlFor(b.getId()) : b.getShardUrl(),
                b.getCisBaseUrl() == null || b.getCisBaseUrl().isBlank()
                        ? cisSimulator.baseUrl() + "/" + b.getId() : b.getCisBaseUrl(),
                BillerMode.of(b.getMode()), cisAuth(b));
        // the shard first: a biller the running pump already knows has migrated tables to scan
        try {
            provisionShard(biller, b.getItems());
        } catch (RuntimeException e) {
            upsert(biller); // registered all the same: it waits for its shard, visibly
            throw new ShardPreparationException(e);
        }
        upsert(biller);
        return biller;
    }

    /**
     * The local biller's CIS authentication: a blank token URL is the simulator's token endpoint, and a secret not yet
     * in the secrets folder is generated there (never in the repository), where the simulator reads it too.
     */
    private CisAuth cisAuth(LocalProperties.LocalBiller b) {
        LocalProperties.CisAuthSettings a = b.getCisAuth();
        CisAuth.Kind kind = CisAuth.Kind.of(a.getKind());
        String tokenUrl = kind == CisAuth.Kind.OAUTH2_CLIENT_CREDENTIALS
                && (a.getTokenUrl() == null || a.getTokenUrl().isBlank()) ? cisSimulator.tokenUrl() : a.getTokenUrl();
        if ((kind == CisAuth.Kind.API_KEY || kind == CisAuth.Kind.OAUTH2_CLIENT_CREDENTIALS)
                && a.getSecretRef() != null && !a.getSecretRef().isBlank()) {
            generateSecretIfAbsent(a.getSecretRef());
        }
        return new CisAuth(kind, a.getSecretRef(), a.getHeader(), tokenUrl, a.getClientId(), a.getScope());
    }

    private void generateSecretIfAbsent(String name) {
        Path file = secretsDir.resolve(name);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(secretsDir);
                byte[] random = new byte[24];
                new java.security.SecureRandom().nextBytes(random);
                Files.writeString(file, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random));
                LOG.info("Generated the local CIS secret {} in {}", name, secretsDir);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write the local CIS secret " + file + ": " + e.getMessage(), e);
        }
    }

    /** The biller is registered, but its shard could not be prepared (e.g. its database is down). */
    public static final class ShardPreparationException extends RuntimeException {
        ShardPreparationException(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static void validateItems(LocalProperties.LocalBiller b) {
        for (String key : b.getItems().keySet()) {
            if (java.util.Arrays.stream(ItemType.values()).noneMatch(t -> t.key().equals(key))) {
                throw new IllegalArgumentException("datapump.local.billers[" + b.getId() + "].items has unknown item type '"
                        + key + "'; known: payment, paperless-registration");
            }
        }
    }

    private void upsert(Biller biller) {
        Map<String, Object> params = registryRow(biller);
        if (registry.update(SqlFiles.get("local/upsert-biller-update"), params) == 0) {
            try {
                registry.update(SqlFiles.get("local/upsert-biller-insert"), params);
            } catch (DuplicateKeyException raced) {
                // another local process on the same registry inserted it between the two statements (several pumps
                // starting together, as the fault suite's do): the row is there now, so this one updates it
                registry.update(SqlFiles.get("local/upsert-biller-update"), params);
            }
        }
    }

    /** The parameters of local/upsert-biller-insert.sql and -update.sql for a biller. */
    public static Map<String, Object> registryRow(Biller biller) {
        Map<String, Object> params = new HashMap<>();
        params.put("id", biller.id());
        params.put("name", biller.name());
        params.put("lane", biller.lane().id());
        params.put("enabled", biller.enabled());
        params.put("paused", biller.paused());
        params.put("shardJdbcUrl", biller.shardJdbcUrl());
        params.put("cisBaseUrl", biller.cisBaseUrl());
        params.put("mode", biller.mode().id());
        CisAuth auth = biller.cisAuth();
        params.put("cisAuth", auth.kind().id());
        params.put("cisSecretRef", auth.secretRef());
        params.put("cisAuthHeader", auth.header());
        params.put("cisTokenUrl", auth.tokenUrl());
        params.put("cisClientId", auth.clientId());
        params.put("cisScope", auth.scope());
        return params;
    }

    private void provisionShard(Biller biller, Map<String, Integer> items) {
        ShardMigrations.migrateSourceTables(shards.dataSource(biller));
        ShardMigrations.migratePumpTables(shards.dataSource(biller));
        Shard shard = shards.forBiller(biller);
        if (biller.direct() && items.values().stream().anyMatch(n -> n != null && n > 0)) {
            // nothing would poll them: a direct biller's sources publish (the source simulator does, for local billers)
            LOG.info("Biller {} is in direct mode: its initial items are not written as DataPumpRecord rows", biller.id());
            return;
        }
        Long existing = shard.jdbc().queryForObject(SqlFiles.get("local/count-work-items"), Map.of(), Long.class);
        if (existing != null && existing > 0) {
            return;
        }
        int created = 0;
        for (ItemType type : ItemType.values()) {
            int count = items.getOrDefault(type.key(), 0);
            for (int i = 0; i < count; i++) {
                SourceRows.insert(shard, type);
            }
            created += count;
        }
        if (created > 0) {
            LOG.info("Biller {}: created {} work item(s) in its new shard", biller.id(), created);
        }
    }
}
