package io.datapump.message;

import java.time.Instant;

/**
 * "This biller has pending work": published on the biller topic of the biller's lane.
 *
 * @param reason   why it was published: {@code scan} (publisher cycle), {@code continuation} (a full claim batch) or
 *                 {@code rerun} (an operator's request)
 * @param deadline kill date: a biller message consumed after it is not acted on
 * @param token    the biller's outstanding-message marker this message holds (at most one message per biller is
 *                 outstanding); the consumer releases it
 */
public record BillerMessage(String billerId, String lane, String reason, Instant publishedAt, Instant deadline,
                            String token) {

    public static final String SCAN = "scan";
    public static final String CONTINUATION = "continuation";
    public static final String RERUN = "rerun";
}
