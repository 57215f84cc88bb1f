package io.datapump.recovery;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.pump.ItemMessage;
import io.datapump.pump.ItemPublishing;
import io.datapump.pump.KillDate;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Stale-claim recovery (route stale-claim-sweeper), per enabled biller and in bounded batches:
 * <ul>
 * <li>{@code Fetched} rows older than datapump.sweeper.fetched-lease go back to {@code New} (the publisher re-drives
 * them);</li>
 * <li>{@code Processing} rows older than datapump.sweeper.processing-lease are abandoned attempts: recorded as a
 * failed attempt ({@code Abandoned}), returned to {@code Queued} and their item message is published again;</li>
 * <li>{@code Queued} rows untouched for datapump.sweeper.queued-lease (longer than any message can live, given the
 * kill date) lost their message: it is published again.</li>
 * </ul>
 * Every change is conditional, so several sweepers (pods) never re-drive the same row twice. The leases are checked
 * at start against the retry timings, so a live item is never swept.
 */
@Component("sweeper")
public class Sweeper {

    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final KillDate killDate;
    private final MeterRegistry meters;
    private final ItemPublishing publishing;
    private final DataPumpProperties.Sweeper settings;
    private final int attemptsPerRound;

    public Sweeper(BillerRegistry registry, ShardDataSources shards, KillDate killDate, MeterRegistry meters,
                   ItemPublishing publishing, DataPumpProperties properties) {
        this.publishing = publishing;
        this.registry = registry;
        this.shards = shards;
        this.killDate = killDate;
        this.meters = meters;
        this.settings = properties.getSweeper();
        this.attemptsPerRound = 1 + properties.getRetry().getImmediate().getAttempts();
        LeaseCheck.verify(properties);
    }

    /** Sweeps every enabled biller; returns how many rows it recovered. */
    public int sweep() {
        int recovered = 0;
        for (Biller biller : registry.reload()) {
            if (!biller.enabled()) {
                continue;
            }
            try {
                recovered += sweepBiller(biller);
            } catch (RuntimeException e) {
                LOG.warn("Sweeper skipped biller {} this round: {}", biller.id(), e.toString());
            }
        }
        return recovered;
    }

    private int sweepBiller(Biller biller) {
        Shard shard = shards.forBiller(biller);
        int limit = settings.getBatchSize();
        int reset = shard.jdbc().update(SqlFiles.get("sweep-fetched"),
                Map.of("leaseSeconds", seconds(settings.getFetchedLease()), "limit", limit));
        int abandoned = abandoned(biller, shard, limit);
        int lost = lost(biller, shard, limit);
        count(biller, "fetched", reset);
        count(biller, "processing", abandoned);
        count(biller, "queued", lost);
        if (reset + abandoned + lost > 0) {
            LOG.warn("Sweeper, biller {}: {} stale claim(s) back to New, {} abandoned attempt(s) and {} lost message(s)"
                    + " re-driven", biller.id(), reset, abandoned, lost);
        }
        return reset + abandoned + lost;
    }

    /** Each abandoned attempt: recorded, back to Queued and re-published, in one shard transaction. */
    private int abandoned(Biller biller, Shard shard, int limit) {
        List<Map<String, Object>> stale = shard.jdbc().queryForList(SqlFiles.get("stale-processing"),
                Map.of("leaseSeconds", seconds(settings.getProcessingLease()), "limit", limit));
        int redriven = 0;
        for (Map<String, Object> row : stale) {
            long recordId = ((Number) row.get("DataPumpRecordId")).longValue();
            String error = "attempt did not finish within the processing lease of " + settings.getProcessingLease();
            Boolean released = shard.tx().execute(tx -> {
                Map<String, Object> params = Map.of("recordId", recordId, "attemptToken", row.get("ClaimToken"),
                        "errorClass", "Abandoned", "error", error);
                if (shard.jdbc().update(SqlFiles.get("abandon-processing"), params) != 1) {
                    return false;
                }
                shard.jdbc().update(SqlFiles.get("record-attempt"), attempt(recordId, error));
                publishing.publishNow(message(biller, row));
                return true;
            });
            if (Boolean.TRUE.equals(released)) {
                redriven++;
            }
        }
        return redriven;
    }

    /** Each Queued row whose message was lost: re-published, in one shard transaction with its marker update. */
    private int lost(Biller biller, Shard shard, int limit) {
        List<Map<String, Object>> stale = shard.jdbc().queryForList(SqlFiles.get("stale-queued"),
                Map.of("leaseSeconds", seconds(settings.getQueuedLease()), "limit", limit));
        int redriven = 0;
        for (Map<String, Object> row : stale) {
            Map<String, Object> params = Map.of("recordId", row.get("DataPumpRecordId"), "seenAt", row.get("StateChangedAt"));
            Boolean done = shard.tx().execute(tx -> {
                if (shard.jdbc().update(SqlFiles.get("touch-queued"), params) != 1) {
                    return false;
                }
                publishing.publishNow(message(biller, row));
                return true;
            });
            if (Boolean.TRUE.equals(done)) {
                redriven++;
            }
        }
        return redriven;
    }

    /** A fresh item message for a row; the kill date still counts from when the pump first saw the item. */
    private ItemMessage message(Biller biller, Map<String, Object> row) {
        Instant created = ((Timestamp) row.get("CreatedAt")).toInstant();
        int attempts = ((Number) row.get("Attempts")).intValue();
        return new ItemMessage(biller.id(), biller.lane().id(), (String) row.get("ItemType"),
                ((Number) row.get("DataPumpRecordId")).longValue(), ((Number) row.get("SourceId")).longValue(),
                UUID.randomUUID().toString(), Instant.now(), created.plus(killDate.killAfter(biller.lane().id())),
                attempts / attemptsPerRound);
    }

    private Map<String, Object> attempt(long recordId, String error) {
        java.util.HashMap<String, Object> p = new java.util.HashMap<>();
        p.put("recordId", recordId);
        p.put("outcome", "Failed");
        p.put("errorClass", "Abandoned");
        p.put("error", error);
        p.put("httpStatus", null);
        p.put("startedAt", Timestamp.from(Instant.now()));
        p.put("durationMs", 0L);
        p.put("processorId", "sweeper");
        return p;
    }

    private void count(Biller biller, String state, int n) {
        if (n > 0) {
            meters.counter("datapump.sweeper.recovered", "biller", biller.id(), "state", state).increment(n);
        }
    }

    private static long seconds(Duration d) {
        return Math.max(1, d.toSeconds());
    }
}
