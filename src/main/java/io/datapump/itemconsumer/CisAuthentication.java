package io.datapump.itemconsumer;

import java.io.IOException;

import io.datapump.DataPumpProperties;
import io.datapump.failure.CisAuthenticationException;
import io.datapump.registry.Biller;
import io.datapump.registry.CisAuth;

import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Puts each biller's CIS credentials on its CIS calls, inside the HTTP client, so they never become message headers
 * (nor show in traces, the message history or the dead-letter queue). The CIS call's endpoint names this bean as
 * its {@code httpClientConfigurer} and its {@code httpActivityListener} (the listener is what makes Camel hand the
 * exchange to the HTTP client, where the item's biller is read):
 * <ul>
 *   <li>api-key: the key, read from the biller's mounted secret, in the biller's header;</li>
 *   <li>oauth2-client-credentials: {@code Authorization: Bearer} with the biller's cached token ({@link CisTokens});
 *       a 401 fetches a new token and sends the request once more, then a second 401 is the item's failure
 *       (CisUnauthorized);</li>
 *   <li>mtls: the biller's client certificate on the TLS connection ({@link CisTls}); its pooled connections are
 *       kept for its own calls.</li>
 * </ul>
 * All CIS calls share one connection pool (camel.component.http.max-total-connections and connections-per-route).
 */
@Component("cisAuthentication")
public class CisAuthentication implements HttpClientConfigurer, HttpActivityListener, DisposableBean {

    /** The HTTP context attribute holding the biller a request is for. */
    static final String BILLER = "io.datapump.cis.biller";
    /** Where Camel's HTTP producer puts the exchange in the HTTP context (when an activity listener is set). */
    private static final String EXCHANGE = "org.apache.camel.Exchange";

    private final CisSecrets secrets;
    private final CisTokens tokens;
    private final CisTls tls;
    private final DataPumpProperties.Cis settings;
    private final PoolingHttpClientConnectionManager connections;

    public CisAuthentication(CisSecrets secrets, CisTokens tokens, CisTls tls, DataPumpProperties properties,
                             @Value("${camel.component.http.max-total-connections:400}") int maxTotal,
                             @Value("${camel.component.http.connections-per-route:200}") int perRoute) {
        this.secrets = secrets;
        this.tokens = tokens;
        this.tls = tls;
        this.settings = properties.getCis();
        this.connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(tls.strategy())
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.STRICT)
                .setMaxConnTotal(maxTotal)
                .setMaxConnPerRoute(perRoute)
                .build();
    }

    /**
     * Why the pump cannot authenticate to this biller's CIS with the mounted secrets, or null. What the registry row
     * itself lacks (a kind this profile refuses, an incomplete setting, http where https is needed) is
     * {@link io.datapump.registry.CisRules}' to say; {@link CisGuard#misconfiguration} asks both.
     */
    public String problem(Biller biller) {
        CisAuth auth = biller.cisAuth();
        if (auth.kind() == CisAuth.Kind.NONE || auth.incompleteness() != null) {
            return null;
        }
        String secret = secrets.problem(auth.secretRef());
        if (secret != null) {
            return secret;
        }
        if (auth.kind() == CisAuth.Kind.MTLS && biller.cisBaseUrl().regionMatches(true, 0, "https://", 0, 8)) {
            try {
                tls.client(biller);
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.setConnectionManager(connections).setConnectionManagerShared(true);
        builder.addExecInterceptorFirst("cis-authentication", this::execute);
    }

    /** One CIS request, with its biller's credentials. */
    private ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        Biller biller = biller(scope.clientContext.getAttribute(EXCHANGE));
        if (biller == null) {
            return chain.proceed(request, scope);
        }
        scope.clientContext.setAttribute(BILLER, biller);
        CisAuth auth = biller.cisAuth();
        switch (auth.kind()) {
            case API_KEY -> request.setHeader(auth.headerName(), secrets.text(auth.secretRef())
                    .orElseThrow(() -> CisAuthenticationException.refused("biller " + biller.id() + ": "
                            + secrets.problem(auth.secretRef()), null)));
            case MTLS -> scope.clientContext.setUserToken("mtls:" + biller.id());
            case OAUTH2_CLIENT_CREDENTIALS -> {
                return withToken(biller, request, scope, chain);
            }
            case NONE -> { }
        }
        return chain.proceed(request, scope);
    }

    private ClassicHttpResponse withToken(Biller biller, ClassicHttpRequest request, ExecChain.Scope scope,
                                          ExecChain chain) throws IOException, HttpException {
        HttpEntity body = request.getEntity();
        if (body != null && !body.isRepeatable()) {
            // a streamed body could be sent only once: keep it (an item request is small) so a 401 can be retried
            request.setEntity(new ByteArrayEntity(EntityUtils.toByteArray(body),
                    body.getContentType() == null ? null : ContentType.parse(body.getContentType()),
                    body.getContentEncoding()));
        }
        ClassicHttpRequest again = ClassicRequestBuilder.copy(request).build();
        String token = tokens.token(biller);
        request.setHeader("Authorization", "Bearer " + token);
        ClassicHttpResponse response = chain.proceed(request, scope);
        if (response.getCode() != HttpStatus.SC_UNAUTHORIZED) {
            return response;
        }
        // the token may have been revoked or the CIS's keys rotated: one new token, one more try
        EntityUtils.consume(response.getEntity());
        response.close();
        again.setHeader("Authorization", "Bearer " + tokens.refresh(biller, token));
        return chain.proceed(again, scope);
    }

    private static Biller biller(Object exchange) {
        return exchange instanceof Exchange e ? ItemContext.of(e).map(ItemContext::biller).orElse(null) : null;
    }

    @Override
    public void onRequestSubmitted(Object source, Exchange exchange, HttpHost host, HttpRequest request,
                                   HttpEntity entity) {
        // nothing: this bean is the endpoint's activity listener only so that Camel puts the exchange in the context
    }

    @Override
    public void onResponseReceived(Object source, Exchange exchange, HttpHost host, HttpResponse response,
                                   HttpEntity entity, long elapsed) {
        // nothing, as above
    }

    @Override
    public void destroy() {
        connections.close();
    }
}
