package io.datapump.itemconsumer;


import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import io.datapump.DataPumpProperties;
import io.datapump.failure.DeferredFailure;
import io.datapump.failure.Failure;
import io.datapump.failure.FailureClassifier;
import io.datapump.message.ItemMessage;
import io.datapump.registry.CisRules;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.EventNotifierSupport;
import org.springframework.stereotype.Component;

/**
 * Per-biller protection of the CIS call: a concurrency limit, a circuit breaker and a Retry-After hold for every
 * biller, shared by all pump processes ({@link SharedCisLimits}), so one biller's broken CIS neither gets hammered
 * nor starves the others. {@link #enter} runs before the item is claimed: a biller at its limit, with an open breaker
 * or held by a 429 gets its item deferred (a durable retry that spends no retry and holds no consumer thread). Each
 * CIS call's outcome is fed to the biller's breaker from Camel's exchange-sent events; whether a quick redelivery may
 * call again is asked by {@link #permitsRetry}.
 */
@Component("cisGuard")
public class CisGuard extends EventNotifierSupport {

    public static final String BILLER_BUSY = "BillerBusy";
    public static final String CIRCUIT_OPEN = "CisCircuitOpen";
    public static final String CIS_HELD = "CisHeld";
    public static final String MISCONFIGURED = "CisMisconfigured";
    static final String PERMIT = "DataPumpCisPermit";
    private static final String RATE_LIMITED = "CisRateLimited";

    private final SharedCisLimits limits;
    private final FailureClassifier classifier;
    private final DataPumpProperties.Cis settings;

    /** What an exchange holds: a concurrency slot, and whether its next CIS call is permitted. */
    static final class Permit implements Synchronization {
        final SharedCisLimits limits;
        final SharedCisLimits.Slot slot;
        final java.util.concurrent.atomic.AtomicBoolean callPermitted = new java.util.concurrent.atomic.AtomicBoolean(true);

        Permit(SharedCisLimits limits, SharedCisLimits.Slot slot) {
            this.limits = limits;
            this.slot = slot;
        }

        void release() {
            callPermitted.set(false);
            limits.release(slot);
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
    private final CisRules rules;

    public CisGuard(DataPumpProperties properties, FailureClassifier classifier, MeterRegistry meters,
                    CamelContext camel, SharedCisLimits limits, CisAuthentication authentication, CisRules rules) {
        this.settings = properties.getCis();
        this.rules = rules;
        this.authentication = authentication;
        this.classifier = classifier;
        this.meters = meters;
        this.limits = limits;
        camel.getManagementStrategy().addEventNotifier(this);
    }

    /** The biller's CIS calls in flight at most, over all processes (its own limit, else the global one). */
    public int limit(io.datapump.registry.Biller biller) {
        return limits.limitFor(biller.cisMaxConcurrent());
    }

    /**
     * Why the pump will not call this biller's CIS as configured, or null. With datapump.cis.require-https (the azure
     * profile) a plain http:// URL is refused: the request carries payment data. Credentials that cannot be used
     * (a secret not mounted, an incomplete registry row, none where authentication is required) are refused too.
     */
    public String misconfiguration(io.datapump.registry.Biller biller) {
        String refusal = rules.refusal(biller);
        return refusal != null ? refusal : authentication.problem(biller);
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
        Permit permit = new Permit(limits, limits.acquire(context.shard(), item.billerId(),
                context.biller().cisMaxConcurrent()));
        exchange.setProperty(PERMIT, permit);
        exchange.getExchangeExtension().addOnCompletion(permit);
    }

    /** Before a quick redelivery: the shared breaker must still allow a call (asked once per call). */
    public boolean permitsRetry(Exchange exchange) {
        Permit permit = exchange.getProperty(PERMIT, Permit.class);
        if (permit == null || permit.callPermitted.get()) {
            return true;
        }
        if (permit.slot.held.get() && limits.allowsAnotherCall(permit.slot)) {
            permit.callPermitted.set(true);
            return true;
        }
        return false;
    }

    /** Whether this process last saw the biller's breaker open (a failed item is then deferred, not charged a retry). */
    public boolean isOpen(String billerId) {
        return limits.knownOpen(billerId);
    }

    /** The biller's shared breaker state now. */
    public CircuitBreaker.State state(String billerId) {
        return limits.state(billerId);
    }

    /** The biller's shared breaker state as its shard has it, for a process that may never have called its CIS. */
    public CircuitBreaker.State breaker(io.datapump.shard.Shard shard, String billerId) {
        return limits.state(shard, billerId);
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
        Throwable failure = exchange.getException();
        if (failure == null) {
            limits.succeeded(permit.slot);
            return;
        }
        Failure judged = classifier.classify(failure);
        if (RATE_LIMITED.equals(judged.errorClass()) && judged.retryAfter() != null) {
            // the CIS is up and said when to come back: every pod holds off until then (the hold), and the breaker
            // does not count it, or a CIS that throttles each first call would keep its breaker open
            limits.hold(permit.slot, judged.retryAfter());
            limits.succeeded(permit.slot);
        } else if (judged.isTransient()) {
            limits.failed(permit.slot);
        } else {
            // the CIS answered (e.g. 400): it is up, whatever it thought of this item
            limits.succeeded(permit.slot);
        }
    }
}
