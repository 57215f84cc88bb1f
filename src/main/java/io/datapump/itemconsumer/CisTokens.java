package io.datapump.itemconsumer;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import java.util.concurrent.ConcurrentHashMap;

import io.datapump.DataPumpProperties;
import io.datapump.failure.CisAuthenticationException;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.registry.CisAuth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.ClientCredentialsOAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * OAuth2 client-credentials access tokens for the billers whose CIS wants them, through Spring Security's OAuth2
 * client: one token per biller, kept until datapump.cis.auth.token-refresh-before ahead of its expiry, then fetched
 * again by one thread while the others wait for it (one fetch per expiry window, however many calls are in flight).
 * The client secret is read from the biller's mounted secret at each fetch, so a rotated secret needs no restart.
 */
@Component
public class CisTokens {

    private static final Logger LOG = LoggerFactory.getLogger(CisTokens.class);
    /** The authorized client's principal: the pump itself, the same for every biller. */
    static final String PRINCIPAL = "data-pump";

    private final Function<String, Optional<Biller>> billers;
    private final CisSecrets secrets;
    private final InMemoryOAuth2AuthorizedClientService authorized;
    private final AuthorizedClientServiceOAuth2AuthorizedClientManager manager;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    @Autowired
    public CisTokens(BillerRegistry registry, CisSecrets secrets, CisTls tls, DataPumpProperties properties) {
        this(registry::find, secrets, tls.serverTrust(), properties);
    }

    /** @param billers the billers as the registry has them (the client secret is read at each token fetch) */
    CisTokens(Function<String, Optional<Biller>> billers, CisSecrets secrets, SSLContext trust,
              DataPumpProperties properties) {
        this.billers = billers;
        this.secrets = secrets;
        ClientRegistrationRepository registrations = this::registration;
        this.authorized = new InMemoryOAuth2AuthorizedClientService(registrations);
        DataPumpProperties.Cis cis = properties.getCis();
        JdkClientHttpRequestFactory requests = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .sslContext(trust)
                .connectTimeout(Duration.ofMillis(cis.getConnectTimeout()))
                .build());
        requests.setReadTimeout(Duration.ofMillis(cis.getResponseTimeout()));
        RestClientClientCredentialsTokenResponseClient tokenClient = new RestClientClientCredentialsTokenResponseClient();
        tokenClient.setRestClient(RestClient.builder()
                .requestFactory(requests)
                .messageConverters(c -> {
                    c.clear();
                    c.add(new FormHttpMessageConverter());
                    c.add(new OAuth2AccessTokenResponseHttpMessageConverter());
                })
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build());
        ClientCredentialsOAuth2AuthorizedClientProvider provider = new ClientCredentialsOAuth2AuthorizedClientProvider();
        provider.setAccessTokenResponseClient(tokenClient);
        provider.setClockSkew(cis.getAuth().getTokenRefreshBefore());
        this.manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, authorized);
        this.manager.setAuthorizedClientProvider(provider);
    }

    /** The biller's current access token, fetched first if there is none or it is about to expire. */
    public String token(Biller biller) {
        synchronized (lock(biller.id())) {
            OAuth2AuthorizedClient client;
            try {
                client = manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(biller.id())
                        .principal(PRINCIPAL).build());
            } catch (OAuth2AuthorizationException e) {
                throw failure(biller, e);
            }
            if (client == null) {
                throw CisAuthenticationException.refused("biller " + biller.id()
                        + " has no OAuth2 client-credentials registration", null);
            }
            return client.getAccessToken().getTokenValue();
        }
    }

    /**
     * The CIS refused {@code rejected} (401): forget it, unless another thread has already replaced it, and return
     * the biller's token from then on (freshly fetched at most once for all the calls that saw the same 401).
     */
    public String refresh(Biller biller, String rejected) {
        synchronized (lock(biller.id())) {
            OAuth2AuthorizedClient current = authorized.loadAuthorizedClient(biller.id(), PRINCIPAL);
            if (current != null && current.getAccessToken().getTokenValue().equals(rejected)) {
                authorized.removeAuthorizedClient(biller.id(), PRINCIPAL);
                LOG.info("The CIS of biller {} refused its access token; fetching a new one", biller.id());
            }
            return token(biller);
        }
    }

    private Object lock(String billerId) {
        return locks.computeIfAbsent(billerId, id -> new Object());
    }

    /** The biller's registration as the registry and its mounted secret have it now. */
    private ClientRegistration registration(String billerId) {
        Biller biller = billers.apply(billerId).orElse(null);
        if (biller == null || biller.cisAuth().kind() != CisAuth.Kind.OAUTH2_CLIENT_CREDENTIALS) {
            return null;
        }
        CisAuth auth = biller.cisAuth();
        String secret = secrets.text(auth.secretRef()).orElseThrow(() -> CisAuthenticationException.refused(
                "biller " + billerId + ": " + secrets.problem(auth.secretRef()), null));
        ClientRegistration.Builder builder = ClientRegistration.withRegistrationId(billerId)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .clientId(auth.clientId())
                .clientSecret(secret)
                .tokenUri(auth.tokenUrl());
        if (auth.scope() != null && !auth.scope().isBlank()) {
            builder.scope(Arrays.stream(auth.scope().split("[ ,]+")).filter(s -> !s.isBlank()).toList());
        }
        return builder.build();
    }

    /** A refused request is the credentials' fault (fix, then replay); an unreachable or failing endpoint is not. */
    private static CisAuthenticationException failure(Biller biller, OAuth2AuthorizationException e) {
        CisAuth auth = biller.cisAuth();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ResourceAccessException || t instanceof IOException
                    || t instanceof HttpServerErrorException) {
                return CisAuthenticationException.unavailable("the token endpoint " + auth.tokenUrl() + " of biller "
                        + biller.id() + " did not answer usefully: " + t.getMessage(), e);
            }
        }
        String description = e.getError().getDescription();
        return CisAuthenticationException.refused("the token endpoint " + auth.tokenUrl() + " refused biller "
                + biller.id() + "'s client credentials (" + e.getError().getErrorCode()
                + (description == null ? "" : ": " + description) + "); fix its secret '" + auth.secretRef()
                + "' or its CisClientId / CisScope in the registry, then replay this failure group", e);
    }
}
