package io.datapump.failure;

import java.time.Duration;

/**
 * The item is fine but must wait (its biller's CIS breaker is open, the biller is at its concurrency limit, its
 * shard is unreachable): published again for later without spending a retry.
 */
public class DeferredFailure extends PumpFailure {

    /** @param reason the failure group, e.g. CisCircuitOpen or BillerBusy */
    public DeferredFailure(String reason, java.time.Duration delay, String message) {
        super(FailureKind.DEFERRED, reason, message, delay);
    }

    public String reason() {
        return errorClass();
    }

    public Duration delay() {
        return retryAfter();
    }
}
