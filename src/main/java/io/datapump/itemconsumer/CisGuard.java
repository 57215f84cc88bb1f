package io.datapump.itemconsumer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.datapump.DataPumpProperties;
import io.datapump.failure.DeferredFailure;
import io.datapump.failure.FailureClassifier;
import io.datapump.message.ItemMessage;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

/**
 * Per-biller protection of the CIS call: a circuit breaker and a concurrency limit for every biller, so one biller's
 * broken CIS neither gets hammered nor starves the others. {@link #enter} runs before the item is claimed: a biller
 * at its limit or with an open breaker gets its item deferred (a durable retry that spends no retry and holds no
 * consumer thread). Each CIS call's outcome is fed to the biller's breaker from Camel's exchange-sent events; a
 * breaker permission for a quick redelivery is asked for by {@link #permitsRetry}.
 */
@Component("cisGuard")
public class CisGuard extends EventNotifierSupport {

    public static final String BILLER_BUSY = "BillerBusy";
    public static final String CIRCUIT_OPEN = "CisCircuitOpen";
    public static final String MISCONFIGURED = "CisMisconfigured";
    static final String PERMIT = "DataPumpCisPermit";

    private final CircuitBreakerRegistry breakers;
    private final BulkheadRegistry bulkheads;
    private final FailureClassifier classifier;
    private final DataPumpProperties.Cis settings;

    /** What an exchange holds: a concurrency slot, and maybe a breaker permission for its next CIS call. */
    static final class Permit implements Synchronization {
        final Bulkhead bulkhead;
        final CircuitBreaker breaker;
        final AtomicBoolean slotHeld = new AtomicBoolean(true);
        final AtomicBoolean callPermitted = new AtomicBoolean(true);

        Permit(Bulkhead bulkhead, CircuitBreaker breaker) {
            this.bulkhead = bulkhead;
            this.breaker = breaker;
        }

        void release() {
            if (callPermitted.compareAndSet(true, false)) {
                breaker.releasePermission();
            }
            if (slotHeld.compareAndSet(true, false)) {
                bulkhead.onComplete();
            }
        }

        @Override
        public void onComplete(Exchange exchange) {
            release();
        }

        @Override
        public void onFailure(Exchange exchange) {
            release();
        }
    }

    private final MeterRegistry meters;
    /** The CIS latency timers per biller and status class, created once each. */
    private final java.util.Map<String, Timer> latency = new java.util.concurrent.ConcurrentHashMap<>();

    private final CisAuthentication authentication;

    public CisGuard(DataPumpProperties properties, FailureClassifier classifier, MeterRegistry meters,
                    CamelContext camel, CisAuthentication authentication) {
        this.settings = properties.getCis();
        this.authentication = authentication;
        this.classifier = classifier;
        this.meters = meters;
        DataPumpProperties.CircuitBreaker cb = settings.getCircuitBreaker();
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(cb.getSlidingWindow())
                .minimumNumberOfCalls(cb.getMinimumCalls())
                .failureRateThreshold(cb.getFailureRateThreshold())
                .waitDurationInOpenState(cb.getWaitInOpen())
                .permittedNumberOfCallsInHalfOpenState(cb.getHalfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build());
        this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(settings.getMaxConcurrentPerBiller())
                .maxWaitDuration(Duration.ZERO)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
        camel.getManagementStrategy().addEventNotifier(this);
    }

    /**
     * Why the pump will not call this biller's CIS as configured, or null. With datapump.cis.require-https (the azure
     * profile) a plain http:// URL is refused: the request carries payment data. Credentials that cannot be used
     * (a secret not mounted, an incomplete registry row, none where authentication is required) are refused too.
     */
    public String misconfiguration(io.datapump.registry.Biller biller) {
        String url = biller.cisBaseUrl();
        if (url == null || url.isBlank()) {
            return "no CIS URL in the registry";
        }
        if (settings.isRequireHttps() && !url.regionMatches(true, 0, "https://", 0, 8)) {
            return "its CIS URL " + url + " is not https://, which this profile refuses (datapump.cis.require-https)";
        }
        return authentication.problem(biller);
    }

    /**
     * Before the claim: defer the item while its biller's CIS is misconfigured (it waits wait-in-open at a time, like
     * an open breaker, until fixed or past its kill date); take one of the biller's concurrency slots and its
     * breaker's permission, or defer.
     */
    public void enter(Exchange exchange, @Variable(ItemContext.VARIABLE) ItemContext context) {
        ItemMessage item = context.message();
        String problem = misconfiguration(context.biller());
        if (problem != null) {
            throw new DeferredFailure(MISCONFIGURED, settings.getCircuitBreaker().getWaitInOpen(),
                    "biller " + item.billerId() + " is misconfigured: " + problem);
        }
        Bulkhead bulkhead = bulkheads.bulkhead(item.billerId());
        if (!bulkhead.tryAcquirePermission()) {
            throw new DeferredFailure(BILLER_BUSY, settings.getBusyRetryDelay(), "biller " + item.billerId()
                    + " already has " + settings.getMaxConcurrentPerBiller() + " CIS calls in flight");
        }
        CircuitBreaker breaker = breakers.circuitBreaker(item.billerId());
        if (!breaker.tryAcquirePermission()) {
            bulkhead.onComplete();
            throw new DeferredFailure(CIRCUIT_OPEN, settings.getCircuitBreaker().getWaitInOpen(),
                    "the CIS circuit breaker of biller " + item.billerId() + " is " + breaker.getState());
        }
        Permit permit = new Permit(bulkhead, breaker);
        exchange.setProperty(PERMIT, permit);
        exchange.getExchangeExtension().addOnCompletion(permit);
    }

    /** Before a quick redelivery: the breaker must still allow a call (asked once per call). */
    public boolean permitsRetry(Exchange exchange) {
        Permit permit = exchange.getProperty(PERMIT, Permit.class);
        if (permit == null || permit.callPermitted.get()) {
            return true;
        }
        if (permit.breaker.tryAcquirePermission()) {
            permit.callPermitted.set(true);
            return true;
        }
        return false;
    }

    /** Whether the biller's breaker is open now (a failed item is then deferred rather than charged a retry). */
    public boolean isOpen(String billerId) {
        return breakers.circuitBreaker(billerId).getState() == CircuitBreaker.State.OPEN;
    }

    public CircuitBreaker.State state(String billerId) {
        return breakers.circuitBreaker(billerId).getState();
    }

    /** The CIS latency histogram: per biller and lane, by status class (2xx, 4xx, 5xx…, or error: no answer). */
    private void recordLatency(Exchange exchange, long millis) {
        ItemContext item = ItemContext.of(exchange).orElse(null);
        if (item == null) {
            return;
        }
        latency.computeIfAbsent(item.biller().id() + "|" + statusClass(exchange), k -> Timer.builder("datapump.cis.latency")
                        .description("CIS call duration by status class")
                        .tags("biller", item.biller().id(), "lane", item.biller().lane().id(), "status",
                                statusClass(exchange))
                        .publishPercentileHistogram()
                        .register(meters))
                .record(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    static String statusClass(Exchange exchange) {
        Throwable failure = exchange.getException();
        Integer status = null;
        if (failure == null) {
            status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        } else if (failure instanceof org.apache.camel.http.base.HttpOperationFailedException http) {
            status = http.getStatusCode();
        }
        return status == null ? "error" : (status / 100) + "xx";
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeSentEvent;
    }

    /** One CIS call finished: tell the biller's breaker how it went. */
    @Override
    public void notify(CamelEvent event) {
        CamelEvent.ExchangeSentEvent sent = (CamelEvent.ExchangeSentEvent) event;
        Exchange exchange = sent.getExchange();
        Permit permit = exchange.getProperty(PERMIT, Permit.class);
        String scheme = sent.getEndpoint().getEndpointUri();
        if (scheme.startsWith("http:") || scheme.startsWith("https:")) {
            recordLatency(exchange, sent.getTimeTaken());
        }
        if (permit == null || !(scheme.startsWith("http:") || scheme.startsWith("https:"))
                || !permit.callPermitted.compareAndSet(true, false)) {
            return;
        }
        Duration took = Duration.ofMillis(sent.getTimeTaken());
        Throwable failure = exchange.getException();
        if (failure == null) {
            permit.breaker.onSuccess(took.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } else if (classifier.classify(failure).isTransient()) {
            permit.breaker.onError(took.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS, failure);
        } else {
            // the CIS answered (e.g. 400): it is up, whatever it thought of this item
            permit.breaker.onSuccess(took.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
