package io.datapump.pump;

import java.time.Instant;

/**
 * "This biller has pending work": published on the biller topic of the biller's lane.
 *
 * @param reason why it was published: {@code scan} (publisher cycle) or {@code continuation} (a full claim batch)
 */
public record BillerMessage(String billerId, String lane, String reason, Instant publishedAt) {

    public static final String SCAN = "scan";
    public static final String CONTINUATION = "continuation";
}
