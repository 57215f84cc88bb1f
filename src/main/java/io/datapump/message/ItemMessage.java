package io.datapump.message;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One work item to deliver: published on the item topic of its type and lane by the biller consumer, or by a source
 * application directly (see docs/direct-publishing.md and src/main/resources/schemas/).
 *
 * @param itemType      the DataPumpRecord.ItemType code, e.g. {@code Payment}
 * @param recordId      DataPumpRecord.DataPumpRecordId, the control record's primary key; 0 on a message a source
 *                      published directly (the pump assigns one from {@code sourceItemId})
 * @param sourceId      the id of the source row (PaymentId, PaperlessRegistrationId)
 * @param correlationId follows the item through logs, attempts and the CIS request
 * @param deadline      kill date: past it the delivery is not started (null = none)
 * @param retry         durable retries already spent on this item (0 for a first delivery or a replay)
 * @param sourceItemId  the identity a source application gave a directly published item (its deduplication key);
 *                      null for items the pump claimed from DataPumpRecord rows
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ItemMessage(String billerId, String lane, String itemType,
                          @JsonInclude(JsonInclude.Include.NON_DEFAULT) long recordId, long sourceId,
                          String correlationId, Instant enqueuedAt, Instant deadline, int retry,
                          String sourceItemId) {

    /** An item claimed from a DataPumpRecord row (adapter mode). */
    public ItemMessage(String billerId, String lane, String itemType, long recordId, long sourceId,
                       String correlationId, Instant enqueuedAt, Instant deadline, int retry) {
        this(billerId, lane, itemType, recordId, sourceId, correlationId, enqueuedAt, deadline, retry, null);
    }

    /** The idempotent-consumer key: biller and record identify an item across all shards. */
    public String key() {
        return billerId + ":" + (recordId == 0 && sourceItemId != null ? "source:" + sourceItemId : recordId);
    }

    /** Sent to the CIS as Idempotency-Key; the same for every attempt, replay and redelivery of this item. */
    public String idempotencyKey() {
        return "datapump-" + billerId + "-" + recordId;
    }

    /** Published by a source application and not yet given a record id by the pump. */
    public boolean directFromSource() {
        return recordId == 0 && sourceItemId != null;
    }

    /**
     * The same direct item with the record id the pump gave it, a kill date if the source set none, and its
     * sourceItemId as correlation id if the source set none.
     */
    public ItemMessage admitted(long assignedRecordId, Instant killDate) {
        return new ItemMessage(billerId, lane, itemType, assignedRecordId, sourceId,
                correlationId == null || correlationId.isBlank() ? sourceItemId : correlationId, enqueuedAt,
                deadline == null ? killDate : deadline, retry, sourceItemId);
    }

    /** The same item, published again for its next durable retry. */
    public ItemMessage nextRetry(Instant now) {
        return new ItemMessage(billerId, lane, itemType, recordId, sourceId, correlationId, now, deadline, retry + 1,
                sourceItemId);
    }

    /** The same item, published again after a deferral (no retry spent). */
    public ItemMessage deferred(Instant now) {
        return new ItemMessage(billerId, lane, itemType, recordId, sourceId, correlationId, now, deadline, retry,
                sourceItemId);
    }
}
