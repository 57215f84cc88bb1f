package io.datapump.failure;

/** How a failure is handled. */
public enum FailureKind {
    /** Likely to pass on a later try: quick in-process redeliveries, then durable delayed retries, then Failed. */
    TRANSIENT,
    /** Will fail the same way every time: no retries, straight to Failed and the dead-letter queue. */
    PERMANENT,
    /** Not a failure of the item: the biller's CIS is protected right now; try later without spending a retry. */
    DEFERRED
}
