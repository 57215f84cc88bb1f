package io.datapump.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** Registry data plus per-state counts read from each biller's shard. */
@Service
public class BillerStatusService {

    private static final Logger LOG = LoggerFactory.getLogger(BillerStatusService.class);
    static final List<String> STATES = List.of("New", "Fetched", "Queued", "Processing", "Processed", "Failed",
            "Archived");

    private final BillerRegistry registry;
    private final ShardDataSources shards;

    public BillerStatusService(BillerRegistry registry, ShardDataSources shards) {
        this.registry = registry;
        this.shards = shards;
    }

    public List<BillerStatus> all() {
        return registry.reload().stream().map(this::status).toList();
    }

    public Optional<BillerStatus> one(String billerId) {
        return registry.reload().stream().filter(b -> b.id().equals(billerId)).findFirst().map(this::status);
    }

    public BillerStatus status(Biller biller) {
        try {
            Map<String, Long> counts = new LinkedHashMap<>();
            STATES.forEach(s -> counts.put(s.toLowerCase(Locale.ROOT), 0L));
            shards.forBiller(biller).jdbc().query(SqlFiles.get("count-by-state"), Map.of(), rs -> {
                String key = rs.getString("State").toLowerCase(Locale.ROOT);
                counts.merge(key, rs.getLong("Items"), Long::sum);
            });
            return new BillerStatus(biller.id(), biller.name(), biller.lane().id(), biller.enabled(), biller.paused(),
                    biller.mode().id(),                     "ok", counts, null);
        } catch (RuntimeException e) {
            LOG.warn("Status of biller {}: shard unreachable ({})", biller.id(), e.toString());
            return new BillerStatus(biller.id(), biller.name(), biller.lane().id(), biller.enabled(), biller.paused(),
                    biller.mode().id(),                     "unreachable", null, e.getMessage());
        }
    }
}
