package io.datapump.admin;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.message.PersonalDataMasker;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Jolokia operations that change something — {@code exec} (stopping a route, switching the tracer on, sending a
 * message) and {@code write} — are audited like admin API calls: who, the MBean, the operation or attribute with its
 * arguments (masked), and the outcome Jolokia reported. Reads (what the console polls all the time) are not. Only
 * requests the security filters let through reach this filter (viewers may not exec or write).
 */
@Component
public class JolokiaAuditFilter extends OncePerRequestFilter {

    private static final int MAX_BODY = 1 << 20;

    private final AdminAudit audit;
    private final ObjectMapper json = new ObjectMapper();

    /** One Jolokia request that changes something. */
    record Change(String type, String mbean, String what, String arguments) {
    }

    public JolokiaAuditFilter(AdminAudit audit) {
        this.audit = audit;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !path.startsWith("/actuator/jolokia");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ContentCachingRequestWrapper cachedRequest = new ContentCachingRequestWrapper(request, MAX_BODY);
        ContentCachingResponseWrapper cachedResponse = new ContentCachingResponseWrapper(response);
        try {
            chain.doFilter(cachedRequest, cachedResponse);
        } finally {
            List<Change> changes = "POST".equalsIgnoreCase(request.getMethod())
                    ? fromBody(cachedRequest.getContentAsByteArray())
                    : fromPath(request.getRequestURI().substring(request.getContextPath().length()));
            List<String> outcomes = outcomes(cachedResponse.getContentAsByteArray(), cachedResponse.getStatus());
            for (int i = 0; i < changes.size(); i++) {
                Change c = changes.get(i);
                String details = c.what() + (c.arguments() == null ? ""
                        : " " + PersonalDataMasker.current().mask(c.arguments()));
                audit.record(AdminAudit.actor(request), "jolokia-" + c.type(), c.mbean(), details,
                        outcomes.get(Math.min(i, outcomes.size() - 1)));
            }
            cachedResponse.copyBodyToResponse();
        }
    }

    /** The exec and write requests of a POSTed body (one request, or a bulk array of them). */
    List<Change> fromBody(byte[] body) {
        List<Change> changes = new ArrayList<>();
        try {
            JsonNode root = json.readTree(body);
            for (JsonNode r : root.isArray() ? root : List.of(root)) {
                String type = r.path("type").asText("").toLowerCase(java.util.Locale.ROOT);
                if (type.equals("exec")) {
                    changes.add(new Change(type, r.path("mbean").asText(), r.path("operation").asText(),
                            r.has("arguments") ? r.get("arguments").toString() : null));
                } else if (type.equals("write")) {
                    changes.add(new Change(type, r.path("mbean").asText(), r.path("attribute").asText(),
                            r.has("value") ? r.get("value").toString() : null));
                }
            }
        } catch (IOException unreadable) {
            if (body.length > 0) {
                changes.add(new Change("unreadable", null, "a POST Jolokia could not be read as JSON", null));
            }
        }
        return changes;
    }

    /** GET /actuator/jolokia/exec/&lt;mbean&gt;/&lt;operation&gt;/&lt;args…&gt; or /write/&lt;mbean&gt;/&lt;attribute&gt;/&lt;value&gt;. */
    static List<Change> fromPath(String path) {
        String rest = path.replaceFirst("^/actuator/jolokia/?", "");
        String[] parts = rest.split("/");
        if (parts.length < 3 || !(parts[0].equals("exec") || parts[0].equals("write"))) {
            return List.of();
        }
        List<String> args = new ArrayList<>();
        for (int i = 3; i < parts.length; i++) {
            args.add(URLDecoder.decode(parts[i], StandardCharsets.UTF_8));
        }
        return List.of(new Change(parts[0], URLDecoder.decode(parts[1], StandardCharsets.UTF_8),
                URLDecoder.decode(parts[2], StandardCharsets.UTF_8), args.isEmpty() ? null : args.toString()));
    }

    /** Jolokia answers HTTP 200 with a status per request: those, or the HTTP status when there is no JSON. */
    private List<String> outcomes(byte[] body, int httpStatus) {
        List<String> outcomes = new ArrayList<>();
        try {
            JsonNode root = json.readTree(body);
            for (JsonNode r : root.isArray() ? root : List.of(root)) {
                int status = r.path("status").asInt(httpStatus);
                outcomes.add("status " + status + (r.has("error") ? ": " + r.get("error").asText() : ""));
            }
        } catch (IOException | RuntimeException notJson) {
            // below
        }
        if (outcomes.isEmpty()) {
            outcomes.add("HTTP " + httpStatus);
        }
        return outcomes;
    }
}
