package io.datapump.failure;

import java.time.Duration;

/**
 * A classified failure.
 *
 * @param errorClass the failure group name shown to operators (e.g. CisServerError, MissingEnrichment)
 * @param httpStatus the CIS status code, when the failure was an HTTP answer
 * @param retryAfter the earliest sensible retry (from Retry-After or a breaker's wait), or null
 */
public record Failure(FailureKind kind, String errorClass, String message, Integer httpStatus, Duration retryAfter) {

    public boolean isTransient() {
        return kind == FailureKind.TRANSIENT;
    }

    public boolean isPermanent() {
        return kind == FailureKind.PERMANENT;
    }

    public boolean isDeferred() {
        return kind == FailureKind.DEFERRED;
    }
}
