package io.datapump.pump;

import java.time.Instant;

/**
 * One work item to deliver: published on the item topic of its type and lane by the biller consumer.
 *
 * @param itemType      the DataPumpRecord.ItemType code, e.g. {@code Payment}
 * @param recordId      DataPumpRecord.DataPumpRecordId, the control record's primary key
 * @param sourceId      the id of the source row (PaymentId, PaperlessRegistrationId)
 * @param correlationId follows the item through logs, attempts and the CIS request
 * @param deadline      kill date: past it the delivery is not started (null = none)
 * @param retry         durable retries already spent on this item (0 for a first delivery or a replay)
 */
public record ItemMessage(String billerId, String lane, String itemType, long recordId, long sourceId,
                          String correlationId, Instant enqueuedAt, Instant deadline, int retry) {

    /** The idempotent-consumer key: biller and record identify an item across all shards. */
    public String key() {
        return billerId + ":" + recordId;
    }

    /** Sent to the CIS as Idempotency-Key; the same for every attempt, replay and redelivery of this item. */
    public String idempotencyKey() {
        return "datapump-" + billerId + "-" + recordId;
    }

    /** The same item, published again for its next durable retry. */
    public ItemMessage nextRetry(Instant now) {
        return new ItemMessage(billerId, lane, itemType, recordId, sourceId, correlationId, now, deadline, retry + 1);
    }

    /** The same item, published again after a deferral (no retry spent). */
    public ItemMessage deferred(Instant now) {
        return new ItemMessage(billerId, lane, itemType, recordId, sourceId, correlationId, now, deadline, retry);
    }
}
