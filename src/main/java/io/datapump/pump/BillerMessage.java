package io.datapump.pump;

import java.time.Instant;

/**
 * "This biller has pending work": published on the biller topic of the biller's lane.
 *
 * @param reason   why it was published: {@code scan} (publisher cycle), {@code continuation} (a full claim batch) or
 *                 {@code rerun} (an operator's request)
 * @param deadline kill date: a biller message consumed after it is not acted on
 */
public record BillerMessage(String billerId, String lane, String reason, Instant publishedAt, Instant deadline) {

    public static final String SCAN = "scan";
    public static final String CONTINUATION = "continuation";
    public static final String RERUN = "rerun";
}
