package io.datapump.recovery;

import java.util.Map;

import io.datapump.DataPumpProperties;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The last step of a graceful shutdown. Camel has stopped taking messages and waited datapump.shutdown-timeout for
 * in-flight exchanges; whatever this process still holds after that is released at once rather than left for the
 * sweeper's lease: its Processing rows go back to Queued (their message is redelivered by the broker, the abandoned
 * attempt is recorded) and its unfinished claims back to New. Runs after Camel stopped, before the shard pools close.
 */
@Component
public class InFlightRelease implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(InFlightRelease.class);

    private final ShardDataSources shards;
    private final String processorId;

    public InFlightRelease(ShardDataSources shards, DataPumpProperties properties) {
        this.shards = shards;
        this.processorId = properties.resolvedProcessorId();
    }

    @Override
    public void destroy() {
        for (Shard shard : shards.openShards()) {
            try {
                Map<String, Object> params = Map.of("processorId", processorId,
                        "error", "abandoned at shutdown by " + processorId);
                int[] released = shard.tx().execute(tx -> new int[] {
                    shard.jdbc().update(SqlFiles.get("record-abandoned-attempts"), params),
                    shard.jdbc().update(SqlFiles.get("release-processor-claims"), params),
                    shard.jdbc().update(SqlFiles.get("release-processor-fetched"), params)});
                if (released != null && released[1] + released[2] > 0) {
                    LOG.warn("Shutdown, biller {}: released {} unfinished attempt(s) and {} unpublished claim(s)",
                            shard.billerId(), released[1], released[2]);
                }
            } catch (RuntimeException e) {
                LOG.warn("Shutdown, biller {}: could not release in-flight rows ({}); the sweeper will",
                        shard.billerId(), e.toString());
            }
        }
    }
}
