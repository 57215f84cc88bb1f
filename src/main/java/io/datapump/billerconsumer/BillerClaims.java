package io.datapump.billerconsumer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.datapump.DataPumpProperties;
import io.datapump.control.ControlRecords;
import io.datapump.control.OutstandingMarkers;
import io.datapump.message.BillerMessage;
import io.datapump.message.DataPumpHeaders;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemPublishing;
import io.datapump.message.KillDate;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.tracing.TraceIds;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The biller consumer's work (routes/biller-consumer.camel.yaml): the atomic claim of a bounded batch (in one shard
 * transaction the claim lock, the release of the outstanding-message marker the consumed message held, and up to
 * claim-batch-size rows to Fetched — unless the biller's datapump.biller-consumer.max-in-flight-per-biller cap
 * leaves room for fewer than min-claim rows), the batch marked Queued once its item messages are out, and the continuation
 * message for the rest. The in-flight cap keeps a biller with a million rows from filling the item topics ahead of
 * everybody else.
 */
@Component
public class BillerClaims {

    private static final Logger LOG = LoggerFactory.getLogger(BillerClaims.class);

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final ControlRecords controlRecords;
    private final OutstandingMarkers markers;
    private final int batchSize;
    private final int maxInFlight;
    private final int minClaim;
    private final Duration throttleDelay;
    private final KillDate killDate;
    private final Clock clock = Clock.systemUTC();

    public BillerClaims(BillerRegistry registry, ShardDataSources shards, ControlRecords controlRecords,
                        OutstandingMarkers markers, DataPumpProperties properties, KillDate killDate) {
        this.registry = registry;
        this.shards = shards;
        this.controlRecords = controlRecords;
        this.markers = markers;
        this.batchSize = properties.getBillerConsumer().getClaimBatchSize();
        this.maxInFlight = properties.getBillerConsumer().getMaxInFlightPerBiller();
        this.minClaim = properties.getBillerConsumer().getMinClaim();
        this.throttleDelay = properties.getBillerConsumer().getThrottleDelay();
        this.killDate = killDate;
    }

    /**
     * Claims the next batch for the biller named in the message, as consumed on {@code routeLane}'s biller topic.
     * A biller that is now paused, disabled, or registered in another lane gets an empty batch: nothing is claimed,
     * and the publisher picks the biller up again where it belongs.
     */
    public ClaimedBatch claim(BillerMessage message, String routeLane) {
        Biller biller = registry.require(message.billerId());
        if (!biller.active()) {
            LOG.info("Biller {} is {}; nothing claimed", biller.id(), biller.enabled() ? "paused" : "disabled");
            markers.releaseQuietly(shards.forBiller(biller), message.token());
            return ClaimedBatch.empty(biller.id(), routeLane);
        }
        if (!biller.lane().id().equals(routeLane)) {
            LOG.warn("Biller {} is registered in lane {} but its message came through lane {}; nothing claimed",
                    biller.id(), biller.lane().id(), routeLane);
            markers.releaseQuietly(shards.forBiller(biller), message.token());
            return ClaimedBatch.empty(biller.id(), routeLane);
        }
        return claim(biller, batchSize, minClaim, message.token());
    }

    /** Claims at most {@code limit} rows of one biller's shard (fewer if the in-flight cap leaves less room). */
    public ClaimedBatch claim(Biller biller, int limit) {
        return claim(biller, limit, 1, null);
    }

    private ClaimedBatch claim(Biller biller, int limit, int least, String markerToken) {
        Shard shard = shards.forBiller(biller);
        ControlRecords.Claim claim = controlRecords.claim(shard, UUID.randomUUID().toString(), limit, least,
                maxInFlight, markerToken);
        Instant now = clock.instant();
        Instant deadline = killDate.deadline(biller.lane().id());
        List<ItemMessage> items = claim.rows().stream()
                .map(r -> new ItemMessage(biller.id(), biller.lane().id(), r.itemType(), r.recordId(), r.sourceId(),
                        UUID.randomUUID().toString(), now, deadline, 0))
                .toList();
        boolean full = claim.limit() > 0 && items.size() >= claim.limit();
        LOG.debug("Biller {} claimed {} item(s) with token {}{}", biller.id(), items.size(), claim.claimToken(),
                claim.throttled() ? " (in-flight cap reached)" : "");
        return new ClaimedBatch(biller.id(), biller.lane().id(), claim.claimToken(), items, full && !claim.throttled(),
                claim.throttled());
    }

    /** After a claim's item messages are published: the whole batch Fetched -> Queued in one statement. */
    public int markQueued(@ExchangeProperty(DataPumpHeaders.CLAIM) ClaimedBatch batch) {
        if (batch == null || batch.claimToken() == null || batch.items().isEmpty()) {
            return 0;
        }
        return controlRecords.markQueued(shards.forBiller(registry.require(batch.billerId())), batch.claimToken());
    }

    /** A claimed item whose type no item topic exists for ends Failed with its reason. */
    public void rejectUnknownType(ItemMessage item, @Header(TraceIds.TRACEPARENT) String traceparent) {
        controlRecords.reject(shards.forBiller(registry.require(item.billerId())), item,
                TraceIds.fromTraceparent(traceparent), "UnknownItemType",
                "unknown item type '" + item.itemType() + "'; no item topic handles it");
    }

    /**
     * The message that lets the rest of the biller's work follow without waiting for the publisher; it holds the
     * biller's outstanding-message marker. After a throttled claim it is delivered only after the throttle delay.
     */
    public BillerMessage continuation(Exchange exchange, @ExchangeProperty(DataPumpHeaders.CLAIM) ClaimedBatch batch) {
        String token = UUID.randomUUID().toString();
        markers.hold(shards.forBiller(registry.require(batch.billerId())), token);
        Instant now = clock.instant();
        if (batch.throttled()) {
            ItemPublishing.deliverAt(exchange.getMessage(), now.plus(throttleDelay));
        }
        return new BillerMessage(batch.billerId(), batch.lane(), BillerMessage.CONTINUATION, now,
                killDate.deadline(batch.lane()), token);
    }
}
