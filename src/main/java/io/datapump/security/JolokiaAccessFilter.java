package io.datapump.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Jolokia requests by role (Hawtio talks to the JVM only through Jolokia, mostly as POSTed JSON): a viewer may
 * {@code read}, {@code list}, {@code search} and ask the {@code version}, and call the side-effect-free Camel and
 * Hawtio operations the console needs to draw route diagrams and statistics ({@code dump*}, {@code get*},
 * {@code is*}, {@code list*}, {@code count*}, {@code explain*} on {@code org.apache.camel} and {@code hawtio}
 * MBeans); everything else ({@code exec} of other operations, such as switching the tracer on or stopping a route,
 * {@code write}, notifications) needs the operator role. A request that cannot be read is treated as an operator
 * request.
 */
public class JolokiaAccessFilter extends OncePerRequestFilter {

    private static final Set<String> READ_TYPES = Set.of("read", "list", "search", "version");
    private static final Pattern READ_ONLY_OPERATION =
            Pattern.compile("(dump|get|is|list|count|explain|canInvoke)[A-Za-z0-9]*(\\(.*\\))?");
    private static final Set<String> READ_ONLY_DOMAINS = Set.of("org.apache.camel", "hawtio");
    private static final int MAX_BODY = 1 << 20;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JolokiaAccessFilter.class);

    private final ObjectMapper json = new ObjectMapper();

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return jolokiaPath(path) == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (hasRole(auth, Roles.OPERATOR)) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletRequest checked = request;
        boolean allowed;
        if ("POST".equalsIgnoreCase(request.getMethod())) {
            byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
            checked = new CachedBodyRequest(request, body);
            allowed = body.length <= MAX_BODY && postAllowed(body);
        } else {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            String p = request.getParameter("p");
            allowed = getAllowed(p != null ? p : jolokiaPath(path));
        }
        if (!allowed) {
            LOG.debug("Jolokia request of {} refused: {} {}", auth == null ? "anonymous" : auth.getName(),
                    request.getMethod(), checked instanceof CachedBodyRequest c ? new String(c.body,
                            java.nio.charset.StandardCharsets.UTF_8) : request.getRequestURI());
            response.sendError(HttpServletResponse.SC_FORBIDDEN,
                    "this Jolokia request needs the operator role (viewers may read, list, search)");
            return;
        }
        chain.doFilter(checked, response);
    }

    /** The part after .../jolokia, or null when the path is not a Jolokia path. */
    static String jolokiaPath(String path) {
        for (String prefix : List.of("/actuator/jolokia", "/actuator/hawtio/jolokia")) {
            if (path.equals(prefix)) {
                return "";
            }
            if (path.startsWith(prefix + "/")) {
                return path.substring(prefix.length() + 1);
            }
        }
        return null;
    }

    static boolean getAllowed(String jolokiaPath) {
        String path = jolokiaPath.startsWith("/") ? jolokiaPath.substring(1) : jolokiaPath;
        if (path.isEmpty()) {
            return true; // the agent's version
        }
        List<String> parts = splitPath(path);
        String type = parts.get(0).toLowerCase();
        if (READ_TYPES.contains(type)) {
            return true;
        }
        return "exec".equals(type) && parts.size() >= 3 && readOnlyOperation(parts.get(1), parts.get(2));
    }

    private boolean postAllowed(byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException e) {
            return false;
        }
        if (root == null) {
            return false;
        }
        List<JsonNode> requests = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(requests::add);
        } else {
            requests.add(root);
        }
        for (JsonNode r : requests) {
            String type = r.path("type").asText("").toLowerCase();
            boolean ok = READ_TYPES.contains(type)
                    || ("exec".equals(type) && readOnlyOperation(r.path("mbean").asText(""),
                            r.path("operation").asText("")));
            if (!ok) {
                return false;
            }
        }
        return !requests.isEmpty();
    }

    static boolean readOnlyOperation(String mbean, String operation) {
        int colon = mbean.indexOf(':');
        return colon > 0 && READ_ONLY_DOMAINS.contains(mbean.substring(0, colon))
                && READ_ONLY_OPERATION.matcher(operation).matches();
    }

    /** Jolokia's GET path: segments separated by '/', where "!/" is an escaped '/' and "!!" an escaped '!'. */
    private static List<String> splitPath(String path) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '!' && i + 1 < path.length()) {
                current.append(path.charAt(++i));
            } else if (c == '/') {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    static boolean hasRole(Authentication auth, String role) {
        return auth != null && auth.isAuthenticated() && auth.getAuthorities().stream()
                .anyMatch(a -> ("ROLE_" + role).equals(a.getAuthority()));
    }

    /** The request with its already-read body available again for Jolokia. */
    private static final class CachedBodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        CachedBodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override public boolean isFinished() { return in.available() == 0; }
                @Override public boolean isReady() { return true; }
                @Override public void setReadListener(ReadListener listener) { throw new UnsupportedOperationException(); }
                @Override public int read() { return in.read(); }
                @Override public int read(byte[] b, int off, int len) { return in.read(b, off, len); }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
