package io.datapump.errorhandling;

import io.datapump.control.OutstandingMarkers;
import io.datapump.itemconsumer.Admission;
import io.datapump.itemconsumer.ItemContext;
import io.datapump.message.DataPumpHeaders;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemType;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What a failed exchange is about, for the error handling: the item's {@link ItemContext} once it was admitted; for
 * an item message that was parsed but refused (misrouted, expired before admission, unknown type) a context looked
 * up here, with its biller and shard when the registry knows the biller and null otherwise; null for a message that
 * could not even be read. Also gives back a biller message's outstanding marker where the message is not acted on.
 */
@Component
public class FailingItems {

    private static final Logger LOG = LoggerFactory.getLogger(FailingItems.class);

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final OutstandingMarkers markers;

    public FailingItems(BillerRegistry registry, ShardDataSources shards, OutstandingMarkers markers) {
        this.registry = registry;
        this.shards = shards;
        this.markers = markers;
    }

    /** The failed exchange's item, or null when it carries none. */
    public ItemContext of(Exchange exchange) {
        ItemContext admitted = ItemContext.of(exchange).orElse(null);
        if (admitted != null) {
            return admitted;
        }
        ItemMessage parsed = parsed(exchange);
        if (parsed == null) {
            return null;
        }
        Biller biller = registry.find(parsed.billerId()).orElse(null);
        return new ItemContext(parsed, biller, biller == null ? null : shards.forBiller(biller),
                ItemType.fromCode(parsed.itemType()).orElse(null));
    }

    /**
     * The failed exchange's item message, or null when it carries none, read from the exchange alone: no registry
     * lookup and no shard, for the last resort that runs while they are down (a shard in its back-off refuses even
     * to hand out its pool).
     */
    public ItemMessage messageOf(Exchange exchange) {
        return ItemContext.of(exchange).map(ItemContext::message).orElseGet(() -> parsed(exchange));
    }

    /**
     * The attempt whose claim may still hold the item's row when this exchange gives up on it, for the message that
     * is published again to take the row over ({@link DataPumpHeaders#RESUMES_ATTEMPT}): this exchange's own attempt,
     * else its claim whose answer was lost, else the attempt the consumed message was itself resuming. Null if none.
     */
    public String resumableAttempt(Exchange exchange) {
        String held = exchange.getProperty(DataPumpHeaders.ATTEMPT_TOKEN, String.class);
        if (held != null) {
            return held;
        }
        String claiming = exchange.getProperty(DataPumpHeaders.CLAIMING_ATTEMPT, String.class);
        return claiming != null ? claiming
                : exchange.getMessage().getHeader(DataPumpHeaders.RESUMES_ATTEMPT, String.class);
    }

    /** The item message as admission parsed it, when it names a biller; null otherwise. */
    private static ItemMessage parsed(Exchange exchange) {
        ItemMessage parsed = exchange.getVariable(Admission.PARSED, ItemMessage.class);
        return parsed == null || parsed.billerId() == null ? null : parsed;
    }

    /** The biller message will not be acted on: the publisher may publish the biller's work again. Best effort. */
    public void releaseMarker(String billerId, String token) {
        if (billerId == null || token == null) {
            return;
        }
        try {
            registry.find(billerId).ifPresent(b -> markers.releaseQuietly(shards.forBiller(b), token));
        } catch (RuntimeException e) {
            LOG.debug("Marker of biller {} not released ({}); it expires with its lease", billerId, e.toString());
        }
    }
}
