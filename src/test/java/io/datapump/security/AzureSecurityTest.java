package io.datapump.security;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The azure profile's security with locally signed tokens: the real filter chain (AzureSecurity) with a JWT decoder
 * that trusts a test key, the issuer and audience the profile expects. App roles in the token's {@code roles} claim
 * make a viewer or an operator; anything else is refused.
 */
@SpringBootTest(classes = AzureSecurityTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.MOCK,
        properties = {
            "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI=https://login.microsoftonline.com/test-tenant/v2.0",
            "DATAPUMP_SECURITY_AUDIENCE=api://data-pump-test"})
@AutoConfigureMockMvc
@ActiveProfiles("azure")
class AzureSecurityTest {

    static final String ISSUER = "https://login.microsoftonline.com/test-tenant/v2.0";
    static final String AUDIENCE = "api://data-pump-test";
    static final RSAKey KEY = key();
    static final RSAKey OTHER_KEY = key();

    /**
     * The security configuration alone, in front of an endpoint that answers 200 to everything. Deliberately no
     * stereotype annotation, so no other test's component scan picks it up.
     */
    @ImportAutoConfiguration({DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
        HttpMessageConvertersAutoConfiguration.class, JacksonAutoConfiguration.class, SecurityAutoConfiguration.class,
        OAuth2ResourceServerAutoConfiguration.class})
    @Import({SecurityConfiguration.class, LocalSecurity.class, AzureSecurity.class})
    static class App {
        /** What Spring Boot builds from issuer-uri and audiences, with the test key instead of Entra's JWKS. */
        @Bean
        JwtDecoder jwtDecoder() throws Exception {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(KEY.toRSAPublicKey()).build();
            decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(ISSUER),
                    jwt -> jwt.getAudience().contains(AUDIENCE) ? OAuth2TokenValidatorResult.success()
                            : OAuth2TokenValidatorResult.failure(
                                    new org.springframework.security.oauth2.core.OAuth2Error("invalid_token"))));
            return decoder;
        }

        @Bean
        RouterFunction<ServerResponse> anything() {
            return RouterFunctions.route(RequestPredicates.all(), request -> ServerResponse.ok().body("ok"));
        }
    }

    @Autowired MockMvc mvc;

    @Test
    void aViewerTokenReadsButCannotAct() throws Exception {
        // given
        String token = token(KEY, List.of("DataPump.Viewer"), ISSUER, AUDIENCE, 300);

        // when / then
        mvc.perform(get("/api/billers").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
        mvc.perform(get("/actuator/prometheus").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
        mvc.perform(post("/api/billers/acme/rerun").header("Authorization", "Bearer " + token))
                .andExpect(status().isForbidden());
        mvc.perform(post("/actuator/jolokia").header("Authorization", "Bearer " + token)
                .content("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=data-pump,type=tracer,"
                        + "name=BacklogTracer\",\"operation\":\"setEnabled(boolean)\",\"arguments\":[true]}"))
                .andExpect(status().isForbidden());
    }

    @Test
    void anOperatorTokenActs() throws Exception {
        // given
        String token = token(KEY, List.of("DataPump.Operator"), ISSUER, AUDIENCE, 300);

        // when / then
        mvc.perform(get("/api/billers").header("Authorization", "Bearer " + token)).andExpect(status().isOk());
        mvc.perform(post("/api/billers/acme/rerun").header("Authorization", "Bearer " + token))
                .andExpect(status().isOk());
        mvc.perform(post("/actuator/jolokia").header("Authorization", "Bearer " + token)
                .content("{\"type\":\"exec\",\"mbean\":\"org.apache.camel:context=data-pump,type=tracer,"
                        + "name=BacklogTracer\",\"operation\":\"setEnabled(boolean)\",\"arguments\":[true]}"))
                .andExpect(status().isOk());
    }

    @Test
    void tokensWithoutAnAppRoleOrThatAreNotTrustedAreRefused() throws Exception {
        // given
        String noRole = token(KEY, List.of("Some.Other.Role"), ISSUER, AUDIENCE, 300);
        String expired = token(KEY, List.of("DataPump.Operator"), ISSUER, AUDIENCE, -300);
        String foreignKey = token(OTHER_KEY, List.of("DataPump.Operator"), ISSUER, AUDIENCE, 300);
        String otherAudience = token(KEY, List.of("DataPump.Operator"), ISSUER, "api://someone-else", 300);
        String otherIssuer = token(KEY, List.of("DataPump.Operator"), "https://issuer.invalid/v2.0", AUDIENCE, 300);

        // when / then: authenticated without a role is 403; an untrusted token is no authentication at all (401)
        mvc.perform(get("/api/billers").header("Authorization", "Bearer " + noRole)).andExpect(status().isForbidden());
        for (String bad : List.of(expired, foreignKey, otherAudience, otherIssuer)) {
            mvc.perform(get("/api/billers").header("Authorization", "Bearer " + bad))
                    .andExpect(status().isUnauthorized());
        }
        mvc.perform(get("/api/billers")).andExpect(status().isUnauthorized());
        mvc.perform(get("/actuator/hawtio/")).andExpect(status().isUnauthorized());
    }

    @Test
    void theProbesNeedNoToken() throws Exception {
        // given / when / then
        mvc.perform(get("/actuator/health/liveness")).andExpect(status().isOk());
        mvc.perform(get("/actuator/health/readiness")).andExpect(status().isOk());
    }

    private static String token(RSAKey key, List<String> roles, String issuer, String audience, long expiresIn)
            throws Exception {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience)
                .subject("00000000-0000-0000-0000-000000000042").claim("roles", roles)
                .issueTime(Date.from(now.minusSeconds(600))).notBeforeTime(Date.from(now.minusSeconds(600)))
                .expirationTime(Date.from(now.plusSeconds(expiresIn))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static RSAKey key() {
        try {
            return new RSAKeyGenerator(2048).keyID(java.util.UUID.randomUUID().toString()).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
