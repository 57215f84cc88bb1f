package io.datapump.failure;

import java.time.Duration;

/**
 * A classified failure.
 *
 * @param errorClass the failure group name shown to operators (e.g. CisServerError, MissingEnrichment)
 * @param httpStatus the CIS status code, when the failure was an HTTP answer
 * @param retryAfter the earliest sensible retry (from Retry-After or a breaker's wait), or null
 * @param cisAnswer  the body the CIS answered with, as received (not masked, not shortened), or null; the attempt
 *                   history keeps a masked excerpt of it
 */
public record Failure(FailureKind kind, String errorClass, String message, Integer httpStatus, Duration retryAfter,
                      String cisAnswer) {

    /** A failure without an answer from the CIS. */
    public Failure(FailureKind kind, String errorClass, String message, Integer httpStatus, Duration retryAfter) {
        this(kind, errorClass, message, httpStatus, retryAfter, null);
    }

    /** The same failure, handled as another kind (e.g. deferred while the biller's breaker is open). */
    public Failure as(FailureKind otherKind, String otherMessage, Duration otherRetryAfter) {
        return new Failure(otherKind, errorClass, otherMessage, httpStatus, otherRetryAfter, cisAnswer);
    }

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
