package io.datapump.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.authority.mapping.GrantedAuthoritiesMapper;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

/**
 * azure profile, two ways in, both with Entra ID and the same roles:
 * <ul>
 *   <li>Scripts and services: an OAuth2 resource server. Every call carries an Entra ID access token for the pump's
 *   app registration (issuer and audience in {@code spring.security.oauth2.resourceserver.jwt.*}).</li>
 *   <li>Browsers (the console, the operations pages): single sign-on with OpenID Connect ({@code oauth2Login}), when
 *   {@code datapump.security.entra.sign-in.client-id} is set; a session, CSRF tokens as the console expects them.</li>
 * </ul>
 * The app roles in the token's role claim ({@code datapump.security.entra.*}, by default {@code DataPump.Viewer} and
 * {@code DataPump.Operator}) make the caller a viewer or an operator; a token or sign-in without either gets 403.
 * The identity provider is not asked anything at start: its endpoints are configured, not discovered.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Profile("azure")
public class AzureSecurity {

    /** The registration id of the sign-in: /oauth2/authorization/entra starts it. */
    static final String REGISTRATION = "entra";

    @Bean
    SecurityFilterChain azureFilterChain(HttpSecurity http, SecurityProperties properties) throws Exception {
        SecurityConfiguration.authorize(http);
        SecurityProperties.Entra entra = properties.getEntra();
        http.oauth2ResourceServer(o -> o.jwt(jwt -> jwt.jwtAuthenticationConverter(roles(entra))));
        if (!entra.getSignIn().isEnabled()) {
            http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .csrf(csrf -> csrf.disable()); // bearer tokens only: nothing a browser sends on its own
            return http.build();
        }
        http.oauth2Login(login -> login
                        .clientRegistrationRepository(new InMemoryClientRegistrationRepository(registration(entra)))
                        .defaultSuccessUrl("/actuator/hawtio/", false)
                        .userInfoEndpoint(user -> user.userAuthoritiesMapper(new IdTokenRoles(entra))))
                // (entry points as defaults: a browser asking for a page signs in, anything else gets 401)
                .exceptionHandling(e -> e
                        .defaultAuthenticationEntryPointFor(
                                new LoginUrlAuthenticationEntryPoint("/oauth2/authorization/" + REGISTRATION),
                                AzureSecurity::wantsPage)
                        .defaultAuthenticationEntryPointFor(new BearerTokenAuthenticationEntryPoint(),
                                AnyRequestMatcher.INSTANCE))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.IF_REQUIRED))
                .csrf(csrf -> csrf
                        .csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                        .csrfTokenRequestHandler(new SecurityConfiguration.SpaCsrfTokenRequestHandler())
                        // bearer callers send no cookies, so cannot be forged by another site
                        .ignoringRequestMatchers(request -> request.getHeader("Authorization") != null))
                .addFilterAfter(new SecurityConfiguration.CsrfCookieFilter(), BasicAuthenticationFilter.class);
        return http.build();
    }

    private static boolean wantsPage(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("text/html");
    }

    /** The pump's app registration as an OpenID Connect client, with the provider's endpoints as configured. */
    static ClientRegistration registration(SecurityProperties.Entra entra) {
        SecurityProperties.SignIn signIn = entra.getSignIn();
        return ClientRegistration.withRegistrationId(REGISTRATION)
                .clientName("Entra ID")
                .clientId(signIn.getClientId())
                .clientSecret(signIn.getClientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope("openid", "profile")
                .issuerUri(signIn.getIssuerUri())
                .authorizationUri(signIn.authorizationUri())
                .tokenUri(signIn.tokenUri())
                .jwkSetUri(signIn.jwkSetUri())
                .userNameAttributeName(signIn.getUserNameClaim())
                .build();
    }

    static JwtAuthenticationConverter roles(SecurityProperties.Entra entra) {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> new AppRoles(entra).of(jwt.getClaimAsStringList(
                entra.getRolesClaim())));
        return converter;
    }

    /** A signed-in browser's roles: the app roles in its ID token. */
    record IdTokenRoles(SecurityProperties.Entra entra) implements GrantedAuthoritiesMapper {
        @Override
        public Collection<? extends GrantedAuthority> mapAuthorities(Collection<? extends GrantedAuthority> given) {
            List<GrantedAuthority> authorities = new ArrayList<>();
            for (GrantedAuthority authority : given) {
                if (authority instanceof OidcUserAuthority oidc) {
                    Map<String, Object> claims = oidc.getIdToken().getClaims();
                    Object roles = claims.get(entra.getRolesClaim());
                    authorities.addAll(new AppRoles(entra).of(roles instanceof Collection<?> c
                            ? c.stream().map(String::valueOf).toList() : null));
                }
            }
            return authorities;
        }
    }

    /** Maps app roles to ROLE_VIEWER / ROLE_OPERATOR; other roles give nothing. */
    record AppRoles(SecurityProperties.Entra entra) {
        List<GrantedAuthority> of(List<String> roles) {
            List<GrantedAuthority> authorities = new ArrayList<>();
            if (roles == null) {
                return authorities;
            }
            if (roles.contains(entra.getViewerRole())) {
                authorities.add(new SimpleGrantedAuthority("ROLE_" + Roles.VIEWER));
            }
            if (roles.contains(entra.getOperatorRole())) {
                authorities.add(new SimpleGrantedAuthority("ROLE_" + Roles.OPERATOR));
            }
            return authorities;
        }
    }
}
