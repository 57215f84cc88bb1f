package io.datapump.local;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.datapump.example.DirectItemPublisher;
import io.datapump.message.ItemType;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;

import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * Stands in for the source applications: every second (harness/source-simulator.camel.yaml) inserts
 * datapump.local.source-simulator.rate new work items spread over the enabled local billers. For an adapter-mode
 * biller it writes the source rows and a DataPumpRecord row; for a direct-mode biller it writes the source rows and
 * publishes the item with the example {@link DirectItemPublisher}.
 */
@Component
@Profile("local")
public class SourceSimulator {

    private final LocalProperties local;
    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final DirectItemPublisher publisher;

    public SourceSimulator(LocalProperties local, BillerRegistry registry, ShardDataSources shards,
                           DirectItemPublisher publisher) {
        this.publisher = publisher;
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
            if (biller.direct()) {
                long sourceId = SourceRows.insertSourceRow(shards.forBiller(biller), type);
                publisher.publish(new DirectItemPublisher.DirectItem("sim-" + UUID.randomUUID(), biller.id(),
                        biller.lane().id(), type.key(), sourceId));
            } else {
                SourceRows.insert(shards.forBiller(biller), type);
            }
        }
        return rate;
    }
}
