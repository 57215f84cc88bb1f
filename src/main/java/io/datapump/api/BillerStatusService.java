package io.datapump.api;

import java.time.Duration;
import java.time.Instant;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.datapump.control.ControlCounts;
import io.datapump.failure.ShardMisconfiguredException;
import io.datapump.itemconsumer.CisGuard;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Registry data plus per-state counts read from each biller's shard. */
@Service
public class BillerStatusService {

    private static final Logger LOG = LoggerFactory.getLogger(BillerStatusService.class);
    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final ControlCounts counts;

    private final CisGuard cisGuard;

    public BillerStatusService(BillerRegistry registry, ShardDataSources shards, ControlCounts counts,
                               CisGuard cisGuard) {
        this.cisGuard = cisGuard;
        this.registry = registry;
        this.shards = shards;
        this.counts = counts;
    }

    public List<BillerStatus> all() {
        return registry.reload().stream().map(this::status).toList();
    }

    public Optional<BillerStatus> one(String billerId) {
        return registry.reload().stream().filter(b -> b.id().equals(billerId)).findFirst().map(this::status);
    }

    public BillerStatus status(Biller biller) {
        String cisProblem = cisGuard.misconfiguration(biller);
        String cis = cisProblem == null ? "ok" : "misconfigured";
        int limit = cisGuard.limit(biller);
        String limitFrom = biller.cisMaxConcurrent() != null ? "biller" : "default";
        try {
            Shard shard = shards.forBiller(biller);
            Map<String, Long> counts = this.counts.byState(shard);
            Instant oldest = this.counts.oldestPending(shard);
            Long waited = oldest == null ? null : Math.max(0, Duration.between(oldest, Instant.now()).toSeconds());
            String breaker = cisGuard.breaker(shard, biller.id()).name().toLowerCase().replace('_', '-');
            return new BillerStatus(biller.id(), biller.name(), biller.lane().id(), biller.enabled(), biller.paused(),
                    biller.mode().id(), "ok", counts, null, cis, cisProblem, waited, breaker, limit,
                    limitFrom);
        } catch (ShardMisconfiguredException e) {
            return new BillerStatus(biller.id(), biller.name(), biller.lane().id(), biller.enabled(), biller.paused(),
                    biller.mode().id(), "misconfigured", null, e.getMessage(), cis, cisProblem, null, null, limit,
                    limitFrom);
        } catch (RuntimeException e) {
            LOG.warn("Status of biller {}: shard unreachable ({})", biller.id(), e.toString());
            return new BillerStatus(biller.id(), biller.name(), biller.lane().id(), biller.enabled(), biller.paused(),
                    biller.mode().id(), "unreachable", null, e.getMessage(), cis, cisProblem, null, null, limit,
                    limitFrom);
        }
    }

}
