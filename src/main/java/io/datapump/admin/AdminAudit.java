package io.datapump.admin;

import java.security.Principal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import io.datapump.sql.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** The audit trail of admin calls (registry table AdminAudit): who, when, what, on what, and how it ended. */
@Service
public class AdminAudit {

    private static final Logger LOG = LoggerFactory.getLogger("io.datapump.audit");

    /** Request attribute set once a call has its audit entry, so {@link ApiAuditFilter} does not add another. */
    public static final String AUDITED = "io.datapump.audited";

    private final NamedParameterJdbcTemplate registry;

    public AdminAudit(NamedParameterJdbcTemplate registry) {
        this.registry = registry;
    }

    /** The authenticated caller, or "anonymous" where the API is not secured. */
    public static String actor(HttpServletRequest request) {
        Principal principal = request == null ? null : request.getUserPrincipal();
        return principal == null ? "anonymous" : principal.getName();
    }

    public void record(String actor, String action, String target, String details, String outcome) {
        Map<String, Object> p = new HashMap<>();
        p.put("actor", actor);
        p.put("action", action.length() <= 64 ? action : action.substring(0, 64));
        p.put("target", target);
        p.put("details", details == null || details.length() <= 4000 ? details : details.substring(0, 4000));
        p.put("outcome", outcome == null || outcome.length() <= 1000 ? outcome : outcome.substring(0, 1000));
        registry.update(SqlFiles.get("registry/audit-insert"), p);
        if (RequestContextHolder.getRequestAttributes() != null) {
            RequestContextHolder.getRequestAttributes().setAttribute(AUDITED, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
        }
        LOG.info("{} {} {} -> {} {}", actor, action, target == null ? "" : target, outcome,
                details == null ? "" : details);
    }

    public List<Map<String, Object>> recent(int limit) {
        return registry.queryForList(SqlFiles.get("registry/audit-recent"), Map.of("limit", limit));
    }
}
