package io.datapump.itemconsumer;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.failure.MalformedMessageException;
import io.datapump.message.ItemMessage;
import io.datapump.message.KillDate;
import io.datapump.shard.Shard;
import io.datapump.sql.SqlFiles;

import org.apache.camel.Exchange;
import org.apache.camel.Variable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * Admission of items that source applications publish directly (biller mode direct): the item's identity
 * ({@code sourceItemId}) is mapped to a DataPumpRecordId of its own in the shard's DataPumpDirectItem table, once;
 * every later message with the same identity maps to the same record id. From then on the item travels like an
 * adapter item: its control row is created as Processing by the item consumer's claim
 * ({@link io.datapump.control.ControlRecords#startProcessing}), and enrichment, the CIS call (Idempotency-Key
 * {@code datapump-<biller>-<recordId>}), attempts, retries, dead-lettering and replay are the adapter path's.
 * Items that already carry a record id pass through unchanged.
 */
@Component("directItems")
public class DirectItems {

    private static final Logger LOG = LoggerFactory.getLogger(DirectItems.class);

    private final KillDate killDate;
    private final MeterRegistry meters;
    private final Clock clock = Clock.systemUTC();

    public DirectItems(KillDate killDate, MeterRegistry meters) {
        this.meters = meters;
        this.killDate = killDate;
    }

    /** Gives a directly published item its record id (the exchange's item is replaced by the admitted one). */
    public void admit(Exchange exchange, @Variable(ItemContext.VARIABLE) ItemContext context) {
        ItemMessage item = context.message();
        if (!item.directFromSource()) {
            return;
        }
        Shard shard = context.shard();
        Map<String, Object> params = new HashMap<>();
        params.put("sourceItemId", item.sourceItemId());
        params.put("itemType", item.itemType());
        params.put("sourceId", item.sourceId());
        params.put("correlationId", item.correlationId());
        try {
            if (shard.jdbc().update(SqlFiles.get("itemconsumer/direct-item-register"), params) == 1) {
                meters.counter("datapump.direct.items.admitted", "biller", item.billerId(), "lane", item.lane())
                        .increment();
            }
        } catch (DuplicateKeyException concurrentDuplicate) {
            // the same item registered by another consumer at the same moment: use its record id
        }
        List<Map<String, Object>> rows = shard.jdbc().queryForList(SqlFiles.get("itemconsumer/direct-item-find"),
                Map.of("sourceItemId", item.sourceItemId()));
        if (rows.isEmpty()) {
            throw new IllegalStateException("directly published item " + item.sourceItemId() + " of biller "
                    + item.billerId() + " was not registered; it will be retried");
        }
        Map<String, Object> row = rows.get(0);
        long recordId = ((Number) row.get("DataPumpRecordId")).longValue();
        long sourceId = ((Number) row.get("SourceId")).longValue();
        if (!item.itemType().equals(row.get("ItemType")) || item.sourceId() != sourceId) {
            throw new MalformedMessageException("sourceItemId '" + item.sourceItemId() + "' of biller "
                    + item.billerId() + " was first published for " + row.get("ItemType") + " " + sourceId
                    + " (record " + recordId + "); this message names " + item.itemType() + " " + item.sourceId()
                    + ": a sourceItemId must identify one item only");
        }
        Instant from = item.enqueuedAt() != null ? item.enqueuedAt() : clock.instant();
        ItemMessage admitted = item.admitted(recordId, from.plus(killDate.killAfter(item.lane())));
        exchange.setVariable(Admission.PARSED, admitted);
        context.with(admitted).store(exchange);
        LOG.debug("Directly published item {} of biller {} is record {}", item.sourceItemId(), item.billerId(),
                recordId);
    }
}
