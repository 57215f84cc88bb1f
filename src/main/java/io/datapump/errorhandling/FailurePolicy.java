package io.datapump.errorhandling;

import io.datapump.DataPumpProperties;
import io.datapump.failure.Failure;
import io.datapump.failure.FailureClassifier;
import io.datapump.itemconsumer.CisGuard;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The predicates the error-handling route configuration asks (routes/error-handling.camel.yaml): which failures are
 * deferrals, which are transient, and whether a transient failure gets another quick in-process redelivery.
 */
@Component("failurePolicy")
public class FailurePolicy {

    private final FailureClassifier classifier;
    private final DataPumpProperties properties;
    private final CisGuard cisGuard;

    public FailurePolicy(FailureClassifier classifier, DataPumpProperties properties, CisGuard cisGuard) {
        this.classifier = classifier;
        this.properties = properties;
        this.cisGuard = cisGuard;
    }

    /** The failure the exchange carries (as thrown, or as caught by the error handler). */
    public Failure classify(Exchange exchange) {
        Throwable cause = exchange.getException();
        if (cause == null) {
            cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        return classifier.classify(cause);
    }

    public boolean isDeferred(Exchange exchange) {
        return classify(exchange).isDeferred();
    }

    public boolean isTransient(Exchange exchange) {
        return classify(exchange).isTransient();
    }

    /**
     * Another quick redelivery? Only for transient failures without a server-given wait (429/Retry-After go to a
     * durable retry honouring it), only datapump.retry.immediate.attempts times, and only while the biller's CIS
     * breaker still allows a call.
     */
    public boolean retryInProcess(Exchange exchange) {
        Failure failure = classify(exchange);
        if (!failure.isTransient() || failure.retryAfter() != null) {
            return false;
        }
        // the error handler has already counted the redelivery it is asking about
        Integer counter = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        return (counter == null ? 1 : counter) <= properties.getRetry().getImmediate().getAttempts()
                && cisGuard.permitsRetry(exchange);
    }
}
