package io.datapump.failure;

import java.time.Duration;

/** The item is fine but must wait: its biller's CIS breaker is open or the biller is at its concurrency limit. */
public class DeferredException extends RuntimeException {

    private final String reason;
    private final Duration delay;

    public DeferredException(String reason, Duration delay, String message) {
        super(message);
        this.reason = reason;
        this.delay = delay;
    }

    /** Failure group name, e.g. CisCircuitOpen or BillerBusy. */
    public String reason() {
        return reason;
    }

    public Duration delay() {
        return delay;
    }
}
