package io.datapump.admin;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.datapump.registry.Biller;
import io.datapump.registry.BillerMode;
import io.datapump.registry.BillerRegistry;
import io.datapump.registry.CisAuth;
import io.datapump.sql.SqlFiles;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The operator's changes to a biller's registry row (the only writer of the Biller table outside the local harness):
 * pause and resume; its name, CIS URL, CIS credentials reference, data-pump toggle and mode. A paused biller is skipped
 * by the publisher and gets empty claims from the biller consumer; items already Queued or Processing finish. Item
 * consumers see a change when their registry snapshot refreshes (datapump.registry.cache-ttl; this process at once).
 */
@Service
public class BillerSettings {

    private final NamedParameterJdbcTemplate registry;
    private final BillerRegistry billers;

    /**
     * What an operator may change; every field optional (null: unchanged). {@code cisAuth} replaces the whole
     * authentication setting: kind, secret name, header, token URL, client id, scope.
     */
    public record Change(String name, String cisBaseUrl, Boolean enabled, String mode, CisAuthChange cisAuth) {
    }

    /** The CIS authentication as the API takes it: a kind and a secret's name, never a secret. */
    public record CisAuthChange(String kind, String secretRef, String header, String tokenUrl, String clientId,
                                String scope) {
    }

    public BillerSettings(NamedParameterJdbcTemplate registry, BillerRegistry billers) {
        this.registry = registry;
        this.billers = billers;
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

    /** Applies a change to a biller's row; returns the row before and after (secret names, never secrets). */
    public Map<String, Object> change(String billerId, Change change) {
        Biller before = current(billerId);
        Biller after = validated(merge(before, change));
        Map<String, Object> params = new java.util.HashMap<>();
        params.put("billerId", billerId);
        params.put("name", after.name());
        params.put("cisBaseUrl", after.cisBaseUrl());
        params.put("enabled", after.enabled());
        params.put("mode", after.mode().id());
        params.put("cisAuth", after.cisAuth().kind().id());
        params.put("cisSecretRef", after.cisAuth().secretRef());
        params.put("cisAuthHeader", after.cisAuth().header());
        params.put("cisTokenUrl", after.cisAuth().tokenUrl());
        params.put("cisClientId", after.cisAuth().clientId());
        params.put("cisScope", after.cisAuth().scope());
        registry.update(SqlFiles.get("registry/biller-update"), params);
        billers.reload();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("billerId", billerId);
        result.put("before", view(before));
        result.put("after", view(after));
        return result;
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
        return new Biller(b.id(), c.name() == null ? b.name() : c.name().strip(), b.lane(),
                c.enabled() == null ? b.enabled() : c.enabled(), b.paused(), b.shardJdbcUrl(),
                c.cisBaseUrl() == null ? b.cisBaseUrl() : c.cisBaseUrl().strip(), mode, auth);
    }

    /** Refuses (400, with the reason) what the pump could not work with. */
    private static Biller validated(Biller b) {
        if (b.name().isBlank() || b.name().length() > 200) {
            throw ApiException.badRequest("name must be 1 to 200 characters");
        }
        String url = b.cisBaseUrl().toLowerCase(Locale.ROOT);
        if (!(url.startsWith("https://") || url.startsWith("http://")) || url.length() > 1000) {
            throw ApiException.badRequest("cisBaseUrl must be an http(s):// URL of at most 1000 characters");
        }
        CisAuth auth = b.cisAuth();
        String incomplete = auth.incompleteness();
        if (incomplete != null) {
            throw ApiException.badRequest("cisAuth " + auth.kind().id() + " is incomplete: " + incomplete);
        }
        if (auth.secretRef() != null && !CisAuth.isSecretName(auth.secretRef())) {
            throw ApiException.badRequest("cisAuth.secretRef must be a secret's name (letters, digits, . _ -), "
                    + "never the secret itself");
        }
        if (auth.tokenUrl() != null && !auth.tokenUrl().toLowerCase(Locale.ROOT).startsWith("http")) {
            throw ApiException.badRequest("cisAuth.tokenUrl must be an http(s):// URL");
        }
        return b;
    }

    private static Map<String, Object> view(Biller b) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", b.name());
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
        return v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
