package io.datapump.recovery;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.control.ControlRecords.Take;
import io.datapump.control.ControlRecords;
import io.datapump.failure.FailureRuns;
import io.datapump.itemconsumer.SharedCisLimits;
import io.datapump.message.ItemMessage;
import io.datapump.message.KillDate;
import io.datapump.recovery.Republishing.Republish;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.sql.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Recovery of what a dead, stopped or hung process held, per enabled biller and in bounded batches. A row's holder
 * is gone when the heartbeats call its process dead (route dead-processor-sweeper, every heartbeat interval: within
 * seconds of a crash) or, as the backstop, when its lease has passed (route stale-claim-sweeper):
 * <ul>
 * <li>{@code Fetched} work items go back to {@code New} (the publisher claims them again); a directly published item,
 * which nothing polls for, is published again;</li>
 * <li>{@code Processing} rows are abandoned attempts: recorded ({@code Abandoned}) and published again;</li>
 * <li>{@code Queued} rows untouched for datapump.sweeper.queued-lease (longer than any message can live, given the
 * kill date) lost their message: it is published again (lease sweep only).</li>
 * </ul>
 * Publishing again goes through {@link Republishing}: the row is committed {@code Fetched} before the message exists.
 * Every change is conditional, so several sweepers (pods) never re-drive the same row twice. The leases are checked
 * at start against the retry timings, so a live item is never swept by lease.
 */
@Component("sweeper")
public class Sweeper {

    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final KillDate killDate;
    private final MeterRegistry meters;
    private final Republishing republishing;
    private final ControlRecords controlRecords;
    private final SharedCisLimits cisLimits;
    private final Heartbeats heartbeats;
    private final DataPumpProperties.Sweeper settings;
    private final int attemptsPerRound;
    /** Per dead processor, the billers whose shards were swept clean of its rows (kept until it is forgotten). */
    private final Map<String, Set<String>> deadSweptBillers = new ConcurrentHashMap<>();
    /** Billers the lease sweep could not reach in a row, and how many rounds: only the first is a warning. */
    private final FailureRuns skippedInARow = new FailureRuns();
    /** The same for a dead processor's rows in a biller's shard ("processor in biller"). */
    private final FailureRuns unreleasedInARow = new FailureRuns();

    public Sweeper(BillerRegistry registry, ShardDataSources shards, KillDate killDate, MeterRegistry meters,
                   Republishing republishing, ControlRecords controlRecords, Heartbeats heartbeats,
                   DataPumpProperties properties, SharedCisLimits cisLimits) {
        this.cisLimits = cisLimits;
        this.controlRecords = controlRecords;
        this.registry = registry;
        this.shards = shards;
        this.killDate = killDate;
        this.meters = meters;
        this.republishing = republishing;
        this.heartbeats = heartbeats;
        this.settings = properties.getSweeper();
        this.attemptsPerRound = 1 + properties.getRetry().getImmediate().getAttempts();
        LeaseCheck.verify(properties);
    }

    /** The lease sweep over every enabled biller; returns how many rows it recovered. */
    public synchronized int sweep() {
        int recovered = 0;
        for (Biller biller : registry.reload()) {
            if (!biller.enabled()) {
                continue;
            }
            try {
                recovered += sweepBiller(biller, null).total();
            } catch (RuntimeException e) {
                // a shard that is down fails every round: warn once (its outage is logged by its pool too)
                if (skippedInARow.failed(biller.id())) {
                    LOG.warn("Sweeper skipped biller {} this round: {}; until it reaches the biller again, the rounds "
                            + "that skip it are logged at DEBUG", biller.id(), e.toString());
                } else {
                    LOG.debug("Sweeper skipped biller {} this round: {}", biller.id(), e.toString());
                }
                continue;
            }
            int skipped = skippedInARow.ended(biller.id());
            if (skipped > 0) {
                LOG.info("Sweeper reached biller {} again, after {} skipped round(s)", biller.id(), skipped);
            }
        }
        return recovered;
    }

    /**
     * Releases the rows of every process the heartbeats call dead, in every enabled biller's shard; a dead process
     * is forgotten once a sweep found nothing more of it in any shard. Returns how many rows it recovered.
     */
    public synchronized int sweepDeadProcessors() {
        List<Heartbeats.DeadProcessor> dead = heartbeats.deadProcessors();
        if (dead.isEmpty()) {
            return 0;
        }
        List<Biller> billers = registry.reload().stream().filter(Biller::enabled).toList();
        int recovered = 0;
        for (Heartbeats.DeadProcessor processor : dead) {
            Set<String> swept = deadSweptBillers.computeIfAbsent(processor.processorId(), id -> new HashSet<>());
            for (Biller biller : billers) {
                if (swept.contains(biller.id())) {
                    continue;
                }
                String run = processor.processorId() + " in biller " + biller.id();
                try {
                    Swept result = sweepBiller(biller, processor.processorId());
                    recovered += result.total();
                    if (!result.full()) {
                        swept.add(biller.id());
                    }
                } catch (RuntimeException e) {
                    // a shard that is down fails every round: warn once (its outage is logged by its pool too)
                    if (unreleasedInARow.failed(run)) {
                        LOG.warn("Sweeper could not release the rows of dead processor {} yet: {}; it tries every "
                                + "round, and logs the rounds that fail at DEBUG until one works", run, e.toString());
                    } else {
                        LOG.debug("Sweeper could not release the rows of dead processor {} yet: {}", run,
                                e.toString());
                    }
                    continue;
                }
                int failedRounds = unreleasedInARow.ended(run);
                if (failedRounds > 0) {
                    LOG.info("Sweeper reached the rows of dead processor {}, after {} failed round(s)", run,
                            failedRounds);
                }
            }
            if (billers.stream().allMatch(b -> swept.contains(b.id()))) {
                heartbeats.forget(processor);
                deadSweptBillers.remove(processor.processorId());
            }
        }
        return recovered;
    }

    /** What one sweep of one biller did; {@code full} when a batch was full (more may be left). */
    private record Swept(int reset, int unpublished, int abandoned, int lost, boolean full) {
        int total() {
            return reset + unpublished + abandoned + lost;
        }
    }

    /**
     * One biller: with {@code deadProcessorId} the rows that process holds (and any past their lease), without it
     * the rows past their lease and the lost messages.
     */
    private Swept sweepBiller(Biller biller, String deadProcessorId) {
        Shard shard = shards.forBiller(biller);
        int limit = settings.getBatchSize();
        String why = deadProcessorId == null ? "its lease passed" : "processor " + deadProcessorId + " is gone";
        if (deadProcessorId != null) {
            // first its CIS slots, which the calls about to be made again need
            int slots = cisLimits.releaseSlotsOf(shard, biller.id(), deadProcessorId);
            if (slots > 0) {
                LOG.warn("Sweeper, biller {} ({}): {} CIS slot(s) it held are free again", biller.id(), why, slots);
            }
        }
        int reset = controlRecords.releaseGoneClaims(shard, settings.getFetchedLease(), deadProcessorId, limit);
        Map<String, Object> fetched = params(settings.getFetchedLease(), deadProcessorId, limit);
        int unpublished = 0;
        List<Map<String, Object>> direct = shard.jdbc().queryForList(SqlFiles.get("control/stale-fetched-direct"), fetched);
        for (Map<String, Object> row : direct) {
            unpublished += republish(biller, row, Take.UNPUBLISHED, (String) row.get("ClaimToken"),
                    "directly published item claimed but not published; " + why);
        }
        List<Map<String, Object>> processing = shard.jdbc().queryForList(SqlFiles.get("control/stale-processing"),
                params(settings.getProcessingLease(), deadProcessorId, limit));
        int abandoned = 0;
        for (Map<String, Object> row : processing) {
            abandoned += republish(biller, row, Take.ABANDONED, (String) row.get("ClaimToken"),
                    "attempt did not finish: " + (deadProcessorId == null
                            ? "not within the processing lease of " + settings.getProcessingLease() : why));
        }
        int lost = 0;
        List<Map<String, Object>> queued = List.of();
        if (deadProcessorId == null) {
            queued = shard.jdbc().queryForList(SqlFiles.get("control/stale-queued"),
                    Map.of("leaseSeconds", seconds(settings.getQueuedLease()), "limit", limit));
            for (Map<String, Object> row : queued) {
                lost += republish(biller, row, Take.LOST, null, "message lost");
            }
        }
        count(biller, "fetched", reset + unpublished);
        count(biller, "processing", abandoned);
        count(biller, "queued", lost);
        if (reset + unpublished + abandoned + lost > 0) {
            LOG.warn("Sweeper, biller {} ({}): {} claim(s) back to New, {} unpublished direct item(s), {} abandoned "
                    + "attempt(s) and {} lost message(s) published again", biller.id(), why, reset, unpublished,
                    abandoned, lost);
        }
        boolean full = reset >= limit || direct.size() >= limit || processing.size() >= limit
                || queued.size() >= limit;
        return new Swept(reset, unpublished, abandoned, lost, full);
    }

    private int republish(Biller biller, Map<String, Object> row, Take from, String heldToken, String reason) {
        return republishing.republish(new Republish(biller, message(biller, row), from, heldToken, reason)) ? 1 : 0;
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

    private static Map<String, Object> params(Duration lease, String deadProcessorId, int limit) {
        Map<String, Object> p = new HashMap<>();
        p.put("leaseSeconds", seconds(lease));
        p.put("deadProcessorId", deadProcessorId);
        p.put("limit", limit);
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
