package io.datapump.support;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.datapump.example.DirectItemPublisher.DirectItem;
import io.datapump.example.DirectItemPublisher;
import io.datapump.local.SourceRows;
import io.datapump.message.ItemType;
import io.datapump.registry.Lane;

/**
 * A source application in direct mode, as the tests play it: commits its source row in the biller's shard, then
 * publishes the item with the example {@link DirectItemPublisher}.
 */
public final class DirectSource {

    private final ShardProbe probe;
    private final DirectItemPublisher publisher;

    public DirectSource(ShardProbe probe, DirectItemPublisher publisher) {
        this.probe = probe;
        this.publisher = publisher;
    }

    /** Writes the source row of a new item and publishes it; returns what was published. */
    public DirectItem publishNew(String billerId, Lane lane, ItemType type) {
        DirectItem item = newItem(billerId, lane, type);
        publisher.publish(item);
        return item;
    }

    /** Writes the source row of a new item, without publishing it. */
    public DirectItem newItem(String billerId, Lane lane, ItemType type) {
        long sourceId = SourceRows.insertSourceRow(probe.shard(billerId), type);
        return new DirectItem("src-" + UUID.randomUUID(), billerId, lane.id(), type.key(), sourceId);
    }

    public void publish(DirectItem item) {
        publisher.publish(item);
    }

    /** The record id the pump gave a directly published item, or null while it has not seen it. */
    public Long recordId(DirectItem item) {
        List<Long> ids = probe.shard(item.billerId()).jdbc().queryForList(
                "SELECT DataPumpRecordId FROM DataPumpDirectItem WHERE SourceItemId = :id",
                Map.of("id", item.sourceItemId()), Long.class);
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** The CIS Idempotency-Key of a directly published item (once the pump has given it a record id). */
    public String idempotencyKey(DirectItem item) {
        Long id = recordId(item);
        return id == null ? null : "datapump-" + item.billerId() + "-" + id;
    }
}
