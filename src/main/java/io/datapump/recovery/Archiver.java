package io.datapump.recovery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.control.ControlRecords;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Archival (route archiver): Processed control rows older than datapump.archive.processed-retention, and
 * Failed ones older than datapump.archive.failed-retention, move with their attempts to the archive tables, one
 * bounded batch per shard transaction and at most datapump.archive.max-batches per shard and run. Archived work
 * items are never pumped again; an archived failure can still be replayed by record id.
 */
@Component("archiver")
public class Archiver {

    private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final MeterRegistry meters;
    private final DataPumpProperties.Archive settings;
    private final ControlRecords controlRecords;

    public Archiver(BillerRegistry registry, ShardDataSources shards, MeterRegistry meters,
                    ControlRecords controlRecords, DataPumpProperties properties) {
        this.controlRecords = controlRecords;
        this.registry = registry;
        this.shards = shards;
        this.meters = meters;
        this.settings = properties.getArchive();
    }

    /** One archival run over every biller; returns the rows moved. */
    public int archive() {
        Instant now = Instant.now();
        int moved = 0;
        for (Biller biller : registry.reload()) {
            try {
                moved += archive(biller, now.minus(settings.getProcessedRetention()), now.minus(settings.getFailedRetention()));
            } catch (RuntimeException e) {
                LOG.warn("Archiver skipped biller {} this run: {}", biller.id(), e.toString());
            }
        }
        return moved;
    }

    /**
     * Archives one biller's Processed rows unchanged since {@code processedBefore} and Failed ones since
     * {@code failedBefore}; first it looks for work items committed too late for the claims' lookback.
     */
    public int archive(Biller biller, Instant processedBefore, Instant failedBefore) {
        Shard shard = shards.forBiller(biller);
        controlRecords.catchLateRows(shard);
        int processed = archiveState(shard, "Processed", processedBefore);
        int failed = archiveState(shard, "Failed", failedBefore);
        if (processed + failed > 0) {
            meters.counter("datapump.archived", "biller", biller.id(), "state", "processed").increment(processed);
            meters.counter("datapump.archived", "biller", biller.id(), "state", "failed").increment(failed);
            LOG.info("Archived biller {}: {} processed and {} failed item(s)", biller.id(), processed, failed);
        }
        return processed + failed;
    }

    private int archiveState(Shard shard, String state, Instant before) {
        int total = 0;
        for (int i = 0; i < settings.getMaxBatches(); i++) {
            int n = controlRecords.archiveBatch(shard, UUID.randomUUID().toString(), state, before,
                    settings.getBatchSize());
            total += n;
            if (n < settings.getBatchSize()) {
                break;
            }
        }
        return total;
    }

    /** Moves archived Failed items back to the live tables so they can be replayed; returns how many. */
    public int restoreFailed(Biller biller, List<Long> recordIds) {
        return controlRecords.restoreFailed(shards.forBiller(biller), recordIds);
    }
}
