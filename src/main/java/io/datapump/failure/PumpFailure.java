package io.datapump.failure;

import java.time.Duration;

/**
 * A failure the pump's own code raises: it carries how it is handled and the failure group (error class) operators
 * see it under, so classifying it is a lookup ({@link FailureClassifier}), not a ladder of type checks.
 */
public abstract class PumpFailure extends RuntimeException {

    private final FailureKind kind;
    private final String errorClass;
    private final Duration retryAfter;

    protected PumpFailure(FailureKind kind, String errorClass, String message, Duration retryAfter) {
        super(message);
        this.kind = kind;
        this.errorClass = errorClass;
        this.retryAfter = retryAfter;
    }

    public FailureKind kind() {
        return kind;
    }

    /** The failure group, e.g. MissingEnrichment or CisCircuitOpen. */
    public String errorClass() {
        return errorClass;
    }

    /** The earliest sensible next try (deferrals), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
