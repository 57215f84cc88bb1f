package io.datapump.admin;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every admin API call is audited. Actions (replay, rerun, pause…) write their own, detailed entry; every other call
 * — reads, and requests refused before they reached an action (bad input, unknown path) — gets one here: who, the
 * method and path, the query, and the HTTP status.
 */
@Component
public class ApiAuditFilter extends OncePerRequestFilter {

    private final AdminAudit audit;

    public ApiAuditFilter(AdminAudit audit) {
        this.audit = audit;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !path.startsWith("/api/") && !path.equals("/api");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.getAttribute(AdminAudit.AUDITED) == null) {
                String path = request.getRequestURI().substring(request.getContextPath().length());
                audit.record(AdminAudit.actor(request), request.getMethod() + " " + path, null,
                        request.getQueryString(), "HTTP " + response.getStatus());
            }
        }
    }
}
