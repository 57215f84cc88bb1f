package io.datapump.recovery;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Archival (seed 003; route archiver): Processed control rows older than datapump.archive.processed-retention, and
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

    public Archiver(BillerRegistry registry, ShardDataSources shards, MeterRegistry meters,
                    DataPumpProperties properties) {
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

    /** Archives one biller's Processed rows unchanged since {@code processedBefore} and Failed ones since {@code failedBefore}. */
    public int archive(Biller biller, Instant processedBefore, Instant failedBefore) {
        Shard shard = shards.forBiller(biller);
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
            String batch = UUID.randomUUID().toString();
            Map<String, Object> params = Map.of("batch", batch, "state", state, "cutoff", Timestamp.from(before),
                    "limit", settings.getBatchSize());
            Integer moved = shard.tx().execute(tx -> {
                int copied = shard.jdbc().update(SqlFiles.get("archive-control"), params);
                if (copied == 0) {
                    return 0;
                }
                int deleted = shard.jdbc().update(SqlFiles.get("archive-delete-control"), params);
                shard.jdbc().update(SqlFiles.get("archive-unarchive-changed"), params);
                shard.jdbc().update(SqlFiles.get("archive-attempts"), params);
                shard.jdbc().update(SqlFiles.get("archive-delete-attempts"), params);
                return deleted;
            });
            int n = moved == null ? 0 : moved;
            total += n;
            if (n < settings.getBatchSize()) {
                break;
            }
        }
        return total;
    }

    /** Moves archived Failed items back to the live tables so they can be replayed; returns how many. */
    public int restoreFailed(Biller biller, List<Long> recordIds) {
        if (recordIds == null || recordIds.isEmpty()) {
            return 0;
        }
        Shard shard = shards.forBiller(biller);
        Map<String, Object> params = Map.of("recordIds", recordIds);
        Integer restored = shard.tx().execute(tx -> {
            int n = shard.jdbc().update(SqlFiles.get("restore-control"), params);
            if (n > 0) {
                shard.jdbc().update(SqlFiles.get("restore-attempts"), params);
                shard.jdbc().update(SqlFiles.get("restore-delete-attempts"), params);
                shard.jdbc().update(SqlFiles.get("restore-delete"), params);
            }
            return n;
        });
        return restored == null ? 0 : restored;
    }
}
