package io.datapump.security;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;

/**
 * Every profile but azure: two users from configuration ({@code datapump.security.operator/viewer}), whose passwords
 * come from the environment ({@code DATAPUMP_OPERATOR_PASSWORD}, {@code DATAPUMP_VIEWER_PASSWORD}) or are generated
 * at start and printed once. Browsers log in on the form at {@code /login} (a session; Hawtio's calls carry the
 * CSRF token), scripts use HTTP Basic.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Profile("!azure")
public class LocalSecurity {

    private static final Logger LOG = LoggerFactory.getLogger(LocalSecurity.class);

    @Bean
    SecurityFilterChain localFilterChain(HttpSecurity http) throws Exception {
        // what the local CIS simulator has received (harness; the simulator itself has a server of its own)
        SecurityConfiguration.authorize(http, "/cis-sim/received");
        http.formLogin(form -> form.defaultSuccessUrl("/actuator/hawtio/", false).permitAll())
                .logout(logout -> logout.logoutSuccessUrl("/login?logout").permitAll())
                .httpBasic(Customizer.withDefaults())
                // (entry points as defaults, not as THE entry point: that would switch off the generated login page)
                .exceptionHandling(e -> e
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
                                LocalSecurity::wantsPage)
                        .defaultAuthenticationEntryPointFor(LocalSecurity::unauthorized, AnyRequestMatcher.INSTANCE)
                        .accessDeniedHandler(LocalSecurity::denied))
                .csrf(csrf -> csrf
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new SecurityConfiguration.SpaCsrfTokenRequestHandler())
                        // HTTP Basic and bearer callers send no cookies, so cannot be forged by another site
                        .ignoringRequestMatchers(request -> request.getHeader("Authorization") != null))
                .addFilterAfter(new SecurityConfiguration.CsrfCookieFilter(), BasicAuthenticationFilter.class);
        return http.build();
    }

    /** A browser asking for a page is sent to the login form; anything else gets 401 with a Basic challenge. */
    private static boolean wantsPage(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("text/html");
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response,
                                     AuthenticationException e) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"data-pump\"");
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
    }

    /**
     * 403, except for a caller who is not logged in at all and whose request failed only the CSRF check (a POST
     * without credentials): that is 401, like every other unauthenticated call.
     */
    private static void denied(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        boolean anonymous = auth == null || auth instanceof AnonymousAuthenticationToken || !auth.isAuthenticated();
        if (e instanceof CsrfException && anonymous) {
            unauthorized(request, response, null);
        } else {
            response.sendError(HttpServletResponse.SC_FORBIDDEN);
        }
    }

    @Bean
    UserDetailsService localUsers(SecurityProperties properties) {
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new InMemoryUserDetailsManager(
                user(properties.getOperator(), Roles.OPERATOR, "DATAPUMP_OPERATOR_PASSWORD", encoder),
                user(properties.getViewer(), Roles.VIEWER, "DATAPUMP_VIEWER_PASSWORD", encoder));
    }

    private static org.springframework.security.core.userdetails.UserDetails user(
            SecurityProperties.LocalUser user, String role, String variable, PasswordEncoder encoder) {
        String password = user.getPassword();
        if (password == null || password.isBlank()) {
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            LOG.warn("Local user '{}' ({}): generated password {} - set {} to choose one", user.getUsername(),
                    role.toLowerCase(), password, variable);
        }
        return User.withUsername(user.getUsername()).password(encoder.encode(password)).roles(role).build();
    }
}
