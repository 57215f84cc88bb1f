package io.datapump.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * azure profile: an OAuth2 resource server. Every call carries an Entra ID access token for the pump's app
 * registration (issuer and audience in {@code spring.security.oauth2.resourceserver.jwt.*}); the app roles in its
 * role claim ({@code datapump.security.entra.*}, by default {@code DataPump.Viewer} and {@code DataPump.Operator})
 * make the caller a viewer or an operator. No local users, no sessions.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Profile("azure")
public class AzureSecurity {

    @Bean
    SecurityFilterChain azureFilterChain(HttpSecurity http, SecurityProperties properties) throws Exception {
        SecurityConfiguration.authorize(http);
        http.oauth2ResourceServer(o -> o.jwt(jwt -> jwt.jwtAuthenticationConverter(roles(properties.getEntra()))))
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable()); // bearer tokens only: nothing a browser sends on its own
        return http.build();
    }

    static JwtAuthenticationConverter roles(SecurityProperties.Entra entra) {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new AppRoles(entra));
        return converter;
    }

    /** Maps the token's app roles to ROLE_VIEWER / ROLE_OPERATOR; other roles give nothing. */
    record AppRoles(SecurityProperties.Entra entra) implements Converter<Jwt, Collection<GrantedAuthority>> {
        @Override
        public Collection<GrantedAuthority> convert(Jwt jwt) {
            List<GrantedAuthority> authorities = new ArrayList<>();
            List<String> roles = jwt.getClaimAsStringList(entra.getRolesClaim());
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
