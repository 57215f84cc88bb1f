package io.datapump.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import io.datapump.control.ControlCounts;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.registry.Lane;
import io.datapump.shard.ShardDataSources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The gauges read from the shards and the broker, refreshed by the metrics-refresh route (publisher role, one
 * replica, so each series has one source): per biller and lane the backlog by control state, the age of the oldest
 * undelivered item, and whether its shard answers; per lane the dead-letter queue's depth. A shard that does not
 * answer shows {@code datapump_shard_up 0} and keeps its last backlog out of the figures; the pod stays ready.
 */
@Component("backlogGauges")
public class BacklogGauges {

    private static final Logger LOG = LoggerFactory.getLogger(BacklogGauges.class);

    private final BillerRegistry registry;
    private final ControlCounts counts;
    private final ShardDataSources shards;
    private final DeadLetterDepth deadLetterDepth;
    private final Clock clock = Clock.systemUTC();
    private final MultiGauge backlog;
    private final MultiGauge oldestPending;
    private final MultiGauge shardUp;
    private final MultiGauge deadLetters;

    public BacklogGauges(BillerRegistry registry, ControlCounts counts, ShardDataSources shards,
                         DeadLetterDepth deadLetterDepth, MeterRegistry meters) {
        this.registry = registry;
        this.counts = counts;
        this.shards = shards;
        this.deadLetterDepth = deadLetterDepth;
        this.backlog = MultiGauge.builder("datapump.backlog")
                .description("work items per biller, lane and control state (new includes rows with no control record)")
                .register(meters);
        this.oldestPending = MultiGauge.builder("datapump.oldest.pending.age").baseUnit("seconds")
                .description("age of the oldest work item not yet delivered; 0 when nothing is pending")
                .register(meters);
        this.shardUp = MultiGauge.builder("datapump.shard.up")
                .description("1 when the biller's shard answered the last metrics read, 0 when it did not")
                .register(meters);
        this.deadLetters = MultiGauge.builder("datapump.dead.letter.depth")
                .description("messages waiting on the lane's dead-letter queue (browsing counts up to 10,000)")
                .register(meters);
    }

    /** Reads every enabled biller's shard and each lane's dead-letter queue; returns the billers read. */
    public int refresh() {
        List<MultiGauge.Row<?>> backlogRows = new ArrayList<>();
        List<MultiGauge.Row<?>> oldestRows = new ArrayList<>();
        List<MultiGauge.Row<?>> upRows = new ArrayList<>();
        List<Biller> billers = registry.reload().stream().filter(Biller::enabled).toList();
        Instant now = clock.instant();
        for (Biller biller : billers) {
            Tags tags = Tags.of("biller", biller.id(), "lane", biller.lane().id());
            java.util.Map<String, Long> byState;
            Instant oldest;
            try {
                byState = counts.byState(shards.forBiller(biller));
                oldest = counts.oldestPending(shards.forBiller(biller));
            } catch (RuntimeException e) {
                LOG.debug("Shard of biller {} not readable: {}", biller.id(), e.toString());
                upRows.add(MultiGauge.Row.of(tags, 0));
                continue;
            }
            upRows.add(MultiGauge.Row.of(tags, 1));
            byState.forEach((state, n) -> backlogRows.add(MultiGauge.Row.of(tags.and("state", state), n)));
            double age = oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
            oldestRows.add(MultiGauge.Row.of(tags, age));
        }
        backlog.register(backlogRows, true);
        oldestPending.register(oldestRows, true);
        shardUp.register(upRows, true);

        List<MultiGauge.Row<?>> depthRows = new ArrayList<>();
        for (Lane lane : Lane.values()) {
            OptionalLong depth = deadLetterDepth.depth(lane.id());
            depth.ifPresent(d -> depthRows.add(MultiGauge.Row.of(Tags.of("lane", lane.id()), d)));
        }
        deadLetters.register(depthRows, true);
        return billers.size();
    }
}
