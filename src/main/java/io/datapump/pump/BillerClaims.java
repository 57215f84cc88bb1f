package io.datapump.pump;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.datapump.DataPumpProperties;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.SqlFiles;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The biller consumer's atomic claim. In one shard transaction it takes the shard's claim lock (so claims on one
 * shard never overlap), releases the biller's outstanding-message marker the consumed message held, and — unless
 * the biller already has datapump.biller-consumer.max-in-flight-per-biller items claimed and unfinished — moves up
 * to claim-batch-size rows to Fetched under a fresh claim token (control records in state New first, then work items
 * with no control record yet) and reads back exactly the rows that carry the token. The in-flight cap is what keeps a
 * biller with a million rows from filling the item topics ahead of everybody else.
 */
@Component
public class BillerClaims {

    private static final Logger LOG = LoggerFactory.getLogger(BillerClaims.class);

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final String processorId;
    private final int batchSize;
    private final int maxInFlight;
    private final java.time.Duration throttleDelay;
    private final KillDate killDate;
    private final Clock clock = Clock.systemUTC();

    public BillerClaims(BillerRegistry registry, ShardDataSources shards, DataPumpProperties properties,
                        KillDate killDate) {
        this.registry = registry;
        this.shards = shards;
        this.processorId = properties.resolvedProcessorId();
        this.batchSize = properties.getBillerConsumer().getClaimBatchSize();
        this.maxInFlight = properties.getBillerConsumer().getMaxInFlightPerBiller();
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
            release(biller, message.token());
            return ClaimedBatch.empty(biller.id(), routeLane);
        }
        if (!biller.lane().id().equals(routeLane)) {
            LOG.warn("Biller {} is registered in lane {} but its message came through lane {}; nothing claimed",
                    biller.id(), biller.lane().id(), routeLane);
            release(biller, message.token());
            return ClaimedBatch.empty(biller.id(), routeLane);
        }
        return claim(biller, batchSize, message.token());
    }

    /** Claims at most {@code limit} rows of one biller's shard (fewer if the in-flight cap leaves less room). */
    public ClaimedBatch claim(Biller biller, int limit) {
        return claim(biller, limit, null);
    }

    private ClaimedBatch claim(Biller biller, int limit, String markerToken) {
        Shard shard = shards.forBiller(biller);
        String token = UUID.randomUUID().toString();
        ClaimResult result = shard.tx().execute(status -> {
            shard.jdbc().update(SqlFiles.get("claim-lock"), Map.of("claimToken", token));
            if (markerToken != null) {
                shard.jdbc().update(SqlFiles.get("release-outstanding"), Map.of("token", markerToken));
            }
            Long inFlight = shard.jdbc().queryForObject(SqlFiles.get("count-in-flight"), Map.of(), Long.class);
            int room = (int) Math.max(0, maxInFlight - (inFlight == null ? 0 : inFlight));
            int allowed = Math.min(limit, room);
            if (allowed == 0) {
                return new ClaimResult(List.of(), 0, true);
            }
            Map<String, Object> params = Map.of("claimToken", token, "processorId", processorId, "limit", allowed);
            int claimed = shard.jdbc().update(SqlFiles.get("claim-new"), params);
            if (claimed < allowed) {
                shard.jdbc().update(SqlFiles.get("claim-unseen"),
                        Map.of("claimToken", token, "processorId", processorId, "limit", allowed - claimed));
            }
            List<ClaimedRow> rows = shard.jdbc().query(SqlFiles.get("claimed-items"), Map.of("claimToken", token),
                    (rs, n) -> new ClaimedRow(rs.getLong("DataPumpRecordId"), rs.getString("ItemType"),
                            rs.getLong("SourceId")));
            return new ClaimResult(rows, allowed, allowed < limit);
        });
        Instant now = clock.instant();
        Instant deadline = killDate.deadline(biller.lane().id());
        List<ItemMessage> items = result.rows().stream()
                .map(r -> new ItemMessage(biller.id(), biller.lane().id(), r.itemType(), r.recordId(), r.sourceId(),
                        UUID.randomUUID().toString(), now, deadline, 0))
                .toList();
        boolean full = result.limit() > 0 && items.size() >= result.limit();
        LOG.debug("Biller {} claimed {} item(s) with token {}{}", biller.id(), items.size(), token,
                result.throttled() ? " (in-flight cap reached)" : "");
        return new ClaimedBatch(biller.id(), biller.lane().id(), token, items, full && !result.throttled(),
                result.throttled());
    }

    /**
     * The message that lets the rest of the biller's work follow without waiting for the publisher; it holds the
     * biller's outstanding-message marker. After a throttled claim it is delivered only after the throttle delay.
     */
    public BillerMessage continuation(Exchange exchange, @ExchangeProperty(DataPumpHeaders.CLAIM) ClaimedBatch batch) {
        String token = UUID.randomUUID().toString();
        Biller biller = registry.require(batch.billerId());
        shards.forBiller(biller).jdbc().update(SqlFiles.get("hold-outstanding"), Map.of("token", token));
        Instant now = clock.instant();
        if (batch.throttled()) {
            ItemPublishing.deliverAt(exchange.getMessage(), now.plus(throttleDelay));
        }
        return new BillerMessage(batch.billerId(), batch.lane(), BillerMessage.CONTINUATION, now,
                killDate.deadline(batch.lane()), token);
    }

    /** Releases the marker a biller message held, where the message is not acted on. Best effort. */
    public void release(Biller biller, String markerToken) {
        if (markerToken == null) {
            return;
        }
        try {
            Map<String, Object> params = new HashMap<>();
            params.put("token", markerToken);
            shards.forBiller(biller).jdbc().update(SqlFiles.get("release-outstanding"), params);
        } catch (RuntimeException e) {
            LOG.debug("Marker of biller {} not released ({}); it expires with its lease", biller.id(), e.toString());
        }
    }

    private record ClaimedRow(long recordId, String itemType, long sourceId) {
    }

    private record ClaimResult(List<ClaimedRow> rows, int limit, boolean throttled) {
    }
}
