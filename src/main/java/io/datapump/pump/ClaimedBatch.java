package io.datapump.pump;

import java.util.List;

/**
 * What one biller message claimed.
 *
 * @param full true when the claim hit the batch size, so more rows may be waiting and a continuation is due
 */
public record ClaimedBatch(String billerId, String lane, String claimToken, List<ItemMessage> items, boolean full) {

    public static ClaimedBatch empty(String billerId, String lane) {
        return new ClaimedBatch(billerId, lane, null, List.of(), false);
    }

    public int size() {
        return items.size();
    }
}
