package io.datapump.pump;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.datapump.DataPumpProperties;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.SqlFiles;

import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The biller consumer's atomic claim. In one shard transaction it takes the shard's claim lock (so claims on one
 * shard never overlap), moves up to claim-batch-size rows to Fetched under a fresh claim token — control records in
 * state New first, then work items with no control record yet — and reads back exactly the rows that carry the token.
 */
@Component
public class BillerClaims {

    private static final Logger LOG = LoggerFactory.getLogger(BillerClaims.class);

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final String processorId;
    private final int batchSize;
    private final KillDate killDate;
    private final Clock clock = Clock.systemUTC();

    public BillerClaims(BillerRegistry registry, ShardDataSources shards, DataPumpProperties properties,
                        KillDate killDate) {
        this.registry = registry;
        this.shards = shards;
        this.processorId = properties.resolvedProcessorId();
        this.batchSize = properties.getBillerConsumer().getClaimBatchSize();
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
            return ClaimedBatch.empty(biller.id(), routeLane);
        }
        if (!biller.lane().id().equals(routeLane)) {
            LOG.warn("Biller {} is registered in lane {} but its message came through lane {}; nothing claimed",
                    biller.id(), biller.lane().id(), routeLane);
            return ClaimedBatch.empty(biller.id(), routeLane);
        }
        return claim(biller, batchSize);
    }

    /** Claims at most {@code limit} rows of one biller's shard. */
    public ClaimedBatch claim(Biller biller, int limit) {
        Shard shard = shards.forBiller(biller);
        String token = UUID.randomUUID().toString();
        Map<String, Object> params = Map.of("claimToken", token, "processorId", processorId, "limit", limit);
        List<ClaimedRow> rows = shard.tx().execute(status -> {
            shard.jdbc().update(SqlFiles.get("claim-lock"), params);
            int claimed = shard.jdbc().update(SqlFiles.get("claim-new"), params);
            if (claimed < limit) {
                shard.jdbc().update(SqlFiles.get("claim-unseen"),
                        Map.of("claimToken", token, "processorId", processorId, "limit", limit - claimed));
            }
            return shard.jdbc().query(SqlFiles.get("claimed-items"), Map.of("claimToken", token),
                    (rs, n) -> new ClaimedRow(rs.getLong("DataPumpRecordId"), rs.getString("ItemType"),
                            rs.getLong("SourceId")));
        });
        Instant now = clock.instant();
        Instant deadline = killDate.deadline(biller.lane().id());
        List<ItemMessage> items = rows.stream()
                .map(r -> new ItemMessage(biller.id(), biller.lane().id(), r.itemType(), r.recordId(), r.sourceId(),
                        UUID.randomUUID().toString(), now, deadline, 0))
                .toList();
        LOG.debug("Biller {} claimed {} item(s) with token {}", biller.id(), items.size(), token);
        return new ClaimedBatch(biller.id(), biller.lane().id(), token, items, items.size() >= limit);
    }

    /** The message that lets the rest of a full batch's backlog follow without waiting for the publisher. */
    public BillerMessage continuation(@ExchangeProperty(DataPumpHeaders.CLAIM) ClaimedBatch batch) {
        return new BillerMessage(batch.billerId(), batch.lane(), BillerMessage.CONTINUATION, clock.instant(),
                killDate.deadline(batch.lane()));
    }

    private record ClaimedRow(long recordId, String itemType, long sourceId) {
    }
}
