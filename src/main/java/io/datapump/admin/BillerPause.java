package io.datapump.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.sql.SqlFiles;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Pauses and resumes a biller in the registry. A paused biller is skipped by the publisher and gets empty claims from
 * the biller consumer; items already Queued or Processing finish normally. Resuming lets the next publisher cycle
 * pick the biller up again.
 */
@Service
public class BillerPause {

    private final NamedParameterJdbcTemplate registry;
    private final BillerRegistry billers;

    public BillerPause(NamedParameterJdbcTemplate registry, BillerRegistry billers) {
        this.registry = registry;
        this.billers = billers;
    }

    /** Sets the biller's paused flag; returns what it was and what it is now. */
    public Map<String, Object> setPaused(String billerId, boolean paused) {
        boolean before = billers.reload().stream().filter(b -> b.id().equals(billerId)).findFirst()
                .map(Biller::paused)
                .orElseThrow(() -> ApiException.notFound("unknown biller '" + billerId + "'"));
        registry.update(SqlFiles.get("registry/biller-set-paused"), Map.of("billerId", billerId, "paused", paused));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("billerId", billerId);
        result.put("paused", paused);
        result.put("changed", before != paused);
        return result;
    }
}
