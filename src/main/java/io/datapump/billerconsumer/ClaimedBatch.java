package io.datapump.billerconsumer;

import java.util.List;

import io.datapump.message.ItemMessage;

/**
 * What one biller message claimed.
 *
 * @param full      true when the claim hit its limit, so more rows may be waiting and a continuation is due
 * @param throttled true when the biller already had its maximum in flight: nothing (or less) was claimed and the
 *                  continuation comes after datapump.biller-consumer.throttle-delay
 */
public record ClaimedBatch(String billerId, String lane, String claimToken, List<ItemMessage> items, boolean full,
                           boolean throttled) {

    public static ClaimedBatch empty(String billerId, String lane) {
        return new ClaimedBatch(billerId, lane, null, List.of(), false, false);
    }

    /** Whether the rest of the biller's work follows with a continuation message. */
    public boolean needsContinuation() {
        return full || throttled;
    }

    public int size() {
        return items.size();
    }
}
