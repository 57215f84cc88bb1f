package io.datapump.local;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.datapump.pump.ItemType;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Stands in for the source applications: every second (harness/source-simulator.camel.yaml) inserts
 * datapump.local.source-simulator.rate new work items spread over the enabled local billers.
 */
@Component
@Profile("local")
public class SourceSimulator {

    private final LocalProperties local;
    private final BillerRegistry registry;
    private final ShardDataSources shards;

    public SourceSimulator(LocalProperties local, BillerRegistry registry, ShardDataSources shards) {
        this.local = local;
        this.registry = registry;
        this.shards = shards;
    }

    /** Inserts one second's worth of work items; returns how many. */
    public int tick() {
        int rate = local.getSourceSimulator().getRate();
        if (rate <= 0) {
            return 0;
        }
        List<Biller> targets = registry.active();
        if (targets.isEmpty()) {
            return 0;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < rate; i++) {
            Biller biller = targets.get(random.nextInt(targets.size()));
            ItemType type = random.nextInt(4) == 0 ? ItemType.PAPERLESS_REGISTRATION : ItemType.PAYMENT;
            SourceRows.insert(shards.forBiller(biller), type);
        }
        return rate;
    }
}
