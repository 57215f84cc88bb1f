package io.datapump.admin;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.datapump.registry.Biller;
import io.datapump.registry.BillerMode;
import io.datapump.registry.BillerRegistry;
import io.datapump.registry.CisAuth;
import io.datapump.registry.CisRules;
import io.datapump.registry.Lane;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.ShardMigrations;
import io.datapump.sql.SqlFiles;

import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The operator's changes to the biller registry (the only writer of the Biller table outside the local harness):
 * onboarding a biller (its shard's pump tables migrated first, then its row); pause and resume; its name, CIS URL,
 * CIS credentials reference, CIS concurrency limit, data-pump toggle and mode. A paused biller is skipped by the
 * publisher and gets empty claims from the biller consumer; items already Queued or Processing finish. Item consumers
 * see a change when their registry snapshot refreshes (datapump.registry.cache-ttl; this process at once).
 */
@Service
public class BillerSettings {

    private static final Logger LOG = LoggerFactory.getLogger(BillerSettings.class);

    private final NamedParameterJdbcTemplate registry;
    private final BillerRegistry billers;
    private final ShardDataSources shards;
    private final CisRules cisRules;

    /**
     * What an operator may change; every field optional (null: unchanged). {@code cisAuth} replaces the whole
     * authentication setting: kind, secret name, header, token URL, client id, scope. {@code cisMaxConcurrent}: 1 to
     * 1000, or 0 for the global datapump.cis.max-concurrent-per-biller.
     */
    public record Change(String name, String cisBaseUrl, Boolean enabled, String mode, CisAuthChange cisAuth,
                         Integer cisMaxConcurrent) {
    }

    /** The CIS authentication as the API takes it: a kind and a secret's name, never a secret. */
    public record CisAuthChange(String kind, String secretRef, String header, String tokenUrl, String clientId,
                                String scope) {
    }

    /**
     * A biller to onboard. Required: id, name, lane, shardJdbcUrl, cisBaseUrl. Optional: cisAuth (none), enabled
     * (false), mode (adapter), cisMaxConcurrent (null: the global limit).
     */
    public record NewBiller(String id, String name, String lane, String shardJdbcUrl, String cisBaseUrl,
                            CisAuthChange cisAuth, Boolean enabled, String mode, Integer cisMaxConcurrent) {
    }

    public BillerSettings(NamedParameterJdbcTemplate registry, BillerRegistry billers, ShardDataSources shards,
                          CisRules cisRules) {
        this.registry = registry;
        this.billers = billers;
        this.shards = shards;
        this.cisRules = cisRules;
    }

    /** Sets the biller's paused flag; returns what it was and what it is now. */
    public Map<String, Object> setPaused(String billerId, boolean paused) {
        boolean before = current(billerId).paused();
        registry.update(SqlFiles.get("registry/biller-set-paused"), Map.of("billerId", billerId, "paused", paused));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("billerId", billerId);
        result.put("paused", paused);
        result.put("changed", before != paused);
        return result;
    }

    /** What a change would make of a biller's row, before and after, without writing it (400/404 as the change). */
    public Map<String, Object> preview(String billerId, Change change) {
        Biller before = current(billerId);
        return beforeAfter(before, validated(merge(before, change)));
    }

    /** Applies a change to a biller's row; returns the row before and after (secret names, never secrets). */
    public Map<String, Object> change(String billerId, Change change) {
        Biller before = current(billerId);
        Biller after = validated(merge(before, change));
        Map<String, Object> params = row(after);
        registry.update(SqlFiles.get("registry/biller-update"), params);
        billers.reload();
        return beforeAfter(before, after);
    }

    /**
     * The biller an onboarding would register, checked without touching its shard or the registry: 400 for what the
     * pump could not use, 409 for an id the registry has.
     */
    public Biller checkOnboarding(NewBiller n) {
        if (n == null) {
            throw ApiException.badRequest("a biller to onboard: id, name, lane, shardJdbcUrl, cisBaseUrl");
        }
        String id = blankToNull(n.id());
        if (!Biller.isId(id)) {
            throw ApiException.badRequest("id must be 1 to 63 lower-case letters, digits and dashes, starting with a "
                    + "letter or digit (was '" + (n.id() == null ? "" : n.id()) + "')");
        }
        if (billers.reload().stream().anyMatch(b -> b.id().equals(id))) {
            throw ApiException.conflict("biller '" + id + "' is in the registry already; change it with "
                    + "PATCH /api/billers/" + id);
        }
        Lane lane;
        try {
            lane = Lane.of(n.lane() == null ? "" : n.lane().strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        String shardJdbcUrl = blankToNull(n.shardJdbcUrl());
        String shardProblem = shardUrlProblem(shardJdbcUrl);
        if (shardProblem != null) {
            throw ApiException.badRequest(shardProblem);
        }
        Biller candidate = new Biller(id, n.name() == null ? "" : n.name(), lane,
                Boolean.TRUE.equals(n.enabled()), false, shardJdbcUrl,
                n.cisBaseUrl() == null ? "" : n.cisBaseUrl(), BillerMode.ADAPTER, CisAuth.NONE, null);
        Biller biller = validated(merge(candidate, new Change(n.name(), n.cisBaseUrl(), null, n.mode(),
                n.cisAuth() == null ? new CisAuthChange(null, null, null, null, null, null) : n.cisAuth(),
                n.cisMaxConcurrent())));
        return biller;
    }

    /**
     * Onboards a biller: checks it ({@link #checkOnboarding}), migrates its shard's pump tables, and only then
     * inserts its row, so the running pump never scans a half-made shard. A shard that cannot be reached is 502, one
     * that cannot be migrated 422, each with the reason; no row is written then.
     */
    public Map<String, Object> onboard(NewBiller n) {
        Biller biller = checkOnboarding(n);
        MigrateResult migrated;
        javax.sql.DataSource database;
        try {
            database = shards.dataSource(biller);
            try (java.sql.Connection reached = database.getConnection()) {
                reached.isValid(1);
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            shards.forget(biller.id());
            LOG.warn("Onboarding biller {}: its shard cannot be reached: {}", biller.id(), e.toString());
            throw new ApiException(HttpStatus.BAD_GATEWAY, "the shard of biller '" + biller.id() + "' cannot be "
                    + "reached, so nothing was registered: " + cause(e));
        }
        try {
            migrated = ShardMigrations.migratePumpTables(database);
        } catch (RuntimeException e) {
            shards.forget(biller.id());
            LOG.warn("Onboarding biller {}: its shard could not be migrated: {}", biller.id(), e.toString());
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "the shard of biller '" + biller.id() + "' was "
                    + "reached but its pump tables could not be migrated, so nothing was registered (the pump's tables "
                    + "need the source applications' DataPumpRecord table in it first): " + cause(e));
        }
        Map<String, Object> params = row(biller);
        params.put("lane", biller.lane().id());
        params.put("shardJdbcUrl", biller.shardJdbcUrl());
        params.put("paused", false);
        try {
            registry.update(SqlFiles.get("registry/biller-insert"), params);
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("biller '" + biller.id() + "' was registered by someone else meanwhile");
        }
        billers.reload();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("billerId", biller.id());
        result.put("biller", view(biller));
        Map<String, Object> shard = new LinkedHashMap<>();
        shard.put("migrationsApplied", migrated.migrationsExecuted);
        shard.put("schemaVersion", migrated.targetSchemaVersion != null ? migrated.targetSchemaVersion
                : migrated.initialSchemaVersion);
        result.put("shard", shard);
        return result;
    }

    /** Why a shard JDBC URL cannot be onboarded, or null. */
    static String shardUrlProblem(String url) {
        if (url == null || url.length() > 1000) {
            return "shardJdbcUrl must be a JDBC URL of at most 1000 characters";
        }
        if (!url.startsWith("jdbc:sqlserver:") && !url.startsWith("jdbc:h2:")) {
            return "shardJdbcUrl must be a jdbc:sqlserver: (or, for local and test shards, jdbc:h2:) URL";
        }
        if (url.toLowerCase(Locale.ROOT).contains("password=")) {
            return "shardJdbcUrl must not carry a password: shard credentials are datapump.shards.username/password "
                    + "or the pod's managed identity";
        }
        return null;
    }

    private Biller current(String billerId) {
        return billers.reload().stream().filter(b -> b.id().equals(billerId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("unknown biller '" + billerId + "'"));
    }

    private static Biller merge(Biller b, Change c) {
        CisAuth auth = b.cisAuth();
        if (c.cisAuth() != null) {
            CisAuthChange a = c.cisAuth();
            CisAuth.Kind kind;
            try {
                kind = CisAuth.Kind.of(a.kind());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            auth = new CisAuth(kind, blankToNull(a.secretRef()), blankToNull(a.header()), blankToNull(a.tokenUrl()),
                    blankToNull(a.clientId()), blankToNull(a.scope()));
        }
        BillerMode mode = b.mode();
        if (c.mode() != null) {
            try {
                mode = BillerMode.of(c.mode());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
        Integer limit = b.cisMaxConcurrent();
        if (c.cisMaxConcurrent() != null) {
            int l = c.cisMaxConcurrent();
            if (l != 0 && (l < Biller.MIN_CIS_LIMIT || l > Biller.MAX_CIS_LIMIT)) {
                throw ApiException.badRequest("cisMaxConcurrent must be " + Biller.MIN_CIS_LIMIT + " to "
                        + Biller.MAX_CIS_LIMIT + ", or 0 for the global datapump.cis.max-concurrent-per-biller");
            }
            limit = l == 0 ? null : l;
        }
        return new Biller(b.id(), c.name() == null ? b.name() : c.name().strip(), b.lane(),
                c.enabled() == null ? b.enabled() : c.enabled(), b.paused(), b.shardJdbcUrl(),
                c.cisBaseUrl() == null ? b.cisBaseUrl() : c.cisBaseUrl().strip(), mode, auth, limit);
    }

    /** Refuses (400, with the reason) what the pump could not work with. */
    private Biller validated(Biller b) {
        if (b.name().isBlank() || b.name().length() > 200) {
            throw ApiException.badRequest("name must be 1 to 200 characters");
        }
        String url = b.cisBaseUrl().toLowerCase(Locale.ROOT);
        if (!(url.startsWith("https://") || url.startsWith("http://")) || url.length() > 1000) {
            throw ApiException.badRequest("cisBaseUrl must be an http(s):// URL of at most 1000 characters");
        }
        CisAuth auth = b.cisAuth();
        if (auth.secretRef() != null && !CisAuth.isSecretName(auth.secretRef())) {
            throw ApiException.badRequest("cisAuth.secretRef must be a secret's name (letters, digits, . _ -), "
                    + "never the secret itself");
        }
        if (auth.tokenUrl() != null && !auth.tokenUrl().toLowerCase(Locale.ROOT).startsWith("http")) {
            throw ApiException.badRequest("cisAuth.tokenUrl must be an http(s):// URL");
        }
        String incomplete = auth.incompleteness();
        if (incomplete != null) {
            throw ApiException.badRequest("cisAuth " + auth.kind().id() + " is incomplete: " + incomplete);
        }
        String refusal = cisRules.refusal(b);
        if (refusal != null) {
            throw ApiException.badRequest("the pump would not call this CIS: " + refusal);
        }
        return b;
    }

    /** The columns every write of a biller's row sets from it. */
    private static Map<String, Object> row(Biller b) {
        Map<String, Object> params = new HashMap<>();
        params.put("billerId", b.id());
        params.put("name", b.name());
        params.put("cisBaseUrl", b.cisBaseUrl());
        params.put("enabled", b.enabled());
        params.put("mode", b.mode().id());
        params.put("cisAuth", b.cisAuth().kind().id());
        params.put("cisSecretRef", b.cisAuth().secretRef());
        params.put("cisAuthHeader", b.cisAuth().header());
        params.put("cisTokenUrl", b.cisAuth().tokenUrl());
        params.put("cisClientId", b.cisAuth().clientId());
        params.put("cisScope", b.cisAuth().scope());
        params.put("cisMaxConcurrent", b.cisMaxConcurrent());
        return params;
    }

    private static Map<String, Object> beforeAfter(Biller before, Biller after) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("billerId", before.id());
        result.put("before", view(before));
        result.put("after", view(after));
        return result;
    }

    /** A biller's row as the API shows it: secret names, never secrets. */
    public static Map<String, Object> view(Biller b) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", b.name());
        v.put("lane", b.lane().id());
        v.put("shardJdbcUrl", b.shardJdbcUrl());
        v.put("cisBaseUrl", b.cisBaseUrl());
        v.put("enabled", b.enabled());
        v.put("mode", b.mode().id());
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("kind", b.cisAuth().kind().id());
        auth.put("secretRef", b.cisAuth().secretRef());
        auth.put("header", b.cisAuth().header());
        auth.put("tokenUrl", b.cisAuth().tokenUrl());
        auth.put("clientId", b.cisAuth().clientId());
        auth.put("scope", b.cisAuth().scope());
        v.put("cisAuth", auth);
        v.put("cisMaxConcurrent", b.cisMaxConcurrent());
        return v;
    }

    /** The innermost cause's message, short enough for an answer and the audit. */
    private static String cause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        message = message.replaceAll("\\s+", " ").strip();
        return message.length() <= 400 ? message : message.substring(0, 400) + "…";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
