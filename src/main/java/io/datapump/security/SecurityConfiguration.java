package io.datapump.security;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

import static io.datapump.security.Roles.OPERATOR;
import static io.datapump.security.Roles.VIEWER;

/**
 * Who may call what, in every profile. Open: the k8s probes ({@code /actuator/health/liveness},
 * {@code /actuator/health/readiness}). Viewer: every GET of the admin API ({@code /api/**}), the OpenAPI document,
 * every actuator read (health details, metrics, prometheus), the Hawtio console and Jolokia reads
 * ({@link JolokiaAccessFilter}). Operator: all of that, plus every other {@code /api/**} call (replay, pause,
 * resume, rerun) and Jolokia exec/write (switching the tracer on). How a caller authenticates is per profile:
 * {@link LocalSecurity} (configured users, form login and HTTP Basic) or {@link AzureSecurity} (Entra ID tokens).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableWebSecurity
@EnableConfigurationProperties(SecurityProperties.class)
public class SecurityConfiguration {

    static final String[] PROBES = {"/actuator/health/liveness", "/actuator/health/readiness"};

    /** The rules shared by both profiles; {@code open} are further paths that need no authentication. */
    static void authorize(HttpSecurity http, String... open) throws Exception {
        http.authorizeHttpRequests(a -> {
            a.requestMatchers(PROBES).permitAll();
            a.requestMatchers("/error").permitAll();
            if (open.length > 0) {
                a.requestMatchers(open).permitAll();
            }
            // the operations pages: viewers read them, operators act on them
            a.requestMatchers(HttpMethod.GET, "/ops", "/ops/**", "/webjars/**").hasAnyRole(VIEWER, OPERATOR);
            a.requestMatchers("/ops", "/ops/**").hasRole(OPERATOR);
            a.requestMatchers(HttpMethod.GET, "/api/**").hasAnyRole(VIEWER, OPERATOR);
            a.requestMatchers(HttpMethod.HEAD, "/api/**").hasAnyRole(VIEWER, OPERATOR);
            a.requestMatchers("/api/**").hasRole(OPERATOR);
            a.requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html")
                    .hasAnyRole(VIEWER, OPERATOR);
            // the console and Jolokia: which Jolokia operations a viewer may use is decided by JolokiaAccessFilter
            a.requestMatchers("/actuator/hawtio", "/actuator/hawtio/**", "/actuator/jolokia", "/actuator/jolokia/**")
                    .hasAnyRole(VIEWER, OPERATOR);
            a.requestMatchers(HttpMethod.GET, "/actuator", "/actuator/**").hasAnyRole(VIEWER, OPERATOR);
            a.requestMatchers("/actuator", "/actuator/**").hasRole(OPERATOR);
            a.anyRequest().authenticated();
        });
        http.addFilterAfter(new JolokiaAccessFilter(), AuthorizationFilter.class);
    }

    /**
     * CSRF for browser sessions the way single-page apps like Hawtio expect it: the token in the XSRF-TOKEN cookie,
     * sent back in the X-XSRF-TOKEN header.
     */
    static final class SpaCsrfTokenRequestHandler extends CsrfTokenRequestAttributeHandler {
        private final CsrfTokenRequestHandler xor = new XorCsrfTokenRequestAttributeHandler();

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
            xor.handle(request, response, token);
        }

        @Override
        public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
            return StringUtils.hasText(request.getHeader(token.getHeaderName()))
                    ? super.resolveCsrfTokenValue(request, token)
                    : xor.resolveCsrfTokenValue(request, token);
        }
    }

    /** Makes the deferred CSRF token be written to its cookie on every response, so the console always has it. */
    static final class CsrfCookieFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
