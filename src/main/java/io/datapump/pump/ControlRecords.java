package io.datapump.pump;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.datapump.DataPumpProperties;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.SqlFiles;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * State transitions of control records and the attempt history that goes with them. Every transition is a
 * conditional update, so a duplicate message or a second consumer changes nothing.
 */
@Component
public class ControlRecords {

    private static final Logger LOG = LoggerFactory.getLogger(ControlRecords.class);
    static final int MAX_ERROR_LENGTH = 2000;

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final String processorId;
    private final Clock clock = Clock.systemUTC();

    public ControlRecords(BillerRegistry registry, ShardDataSources shards, DataPumpProperties properties) {
        this.registry = registry;
        this.shards = shards;
        this.processorId = properties.resolvedProcessorId();
    }

    /** After a claim's item messages are published: the whole batch Fetched -> Queued in one statement. */
    public int markQueued(@ExchangeProperty(DataPumpHeaders.CLAIM) ClaimedBatch batch) {
        if (batch == null || batch.claimToken() == null || batch.items().isEmpty()) {
            return 0;
        }
        return shard(batch.billerId()).jdbc().update(SqlFiles.get("mark-queued"),
                Map.of("claimToken", batch.claimToken()));
    }

    /** A claimed item that can never be delivered (e.g. an unknown item type) ends Failed with its reason. */
    public void reject(ItemMessage item, String errorClass, String reason) {
        Shard shard = shard(item.billerId());
        Instant now = clock.instant();
        shard.tx().executeWithoutResult(status -> {
            Map<String, Object> params = new HashMap<>();
            params.put("recordId", item.recordId());
            params.put("errorClass", errorClass);
            params.put("error", truncate(reason));
            shard.jdbc().update(SqlFiles.get("mark-rejected"), params);
            recordAttempt(shard, item.recordId(), "Failed", errorClass, reason, null, now, Duration.ZERO);
        });
        LOG.warn("Item {} of biller {} rejected: {}", item.recordId(), item.billerId(), reason);
    }

    /** Rejects a claimed item whose type no item topic exists for. */
    public void rejectUnknownType(ItemMessage item) {
        reject(item, "UnknownItemType", "unknown item type '" + item.itemType() + "'; no item topic handles it");
    }

    /**
     * Claims an item for delivery: Fetched or Queued -> Processing under a fresh attempt token.
     *
     * @return false when the row is in any other state (already processing, processed, failed): a duplicate
     */
    public boolean startProcessing(ItemMessage item, String attemptToken) {
        Map<String, Object> params = Map.of("recordId", item.recordId(), "attemptToken", attemptToken,
                "processorId", processorId);
        return shard(item.billerId()).jdbc().update(SqlFiles.get("start-processing"), params) == 1;
    }

    /** The CIS accepted the item: Processing -> Processed, with a Succeeded attempt in the history. */
    public void markProcessed(Exchange exchange) {
        ItemMessage item = exchange.getProperty(DataPumpHeaders.ITEM, ItemMessage.class);
        String token = exchange.getProperty(DataPumpHeaders.ATTEMPT_TOKEN, String.class);
        Instant started = exchange.getProperty(DataPumpHeaders.ATTEMPT_STARTED, Instant.class);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Shard shard = shard(item.billerId());
        Instant now = clock.instant();
        int updated = shard.tx().execute(tx -> {
            int n = shard.jdbc().update(SqlFiles.get("mark-processed"),
                    Map.of("recordId", item.recordId(), "attemptToken", token));
            recordAttempt(shard, item.recordId(), "Succeeded", null, null, status, started, elapsed(started, now));
            return n;
        });
        if (updated == 0) {
            // the CIS call succeeded, so this must not fail the exchange (a retry would call the CIS again)
            LOG.warn("Item {} of biller {} was delivered but its control record no longer held this attempt",
                    item.recordId(), item.billerId());
        }
    }

    /**
     * A delivery attempt failed: Processing -> Queued (only if this attempt still holds the row), with a Failed
     * attempt in the history. The message is redelivered by the transport and claims the row again.
     */
    public void releaseAfterFailure(ItemMessage item, String attemptToken, Instant started, Throwable cause) {
        Shard shard = shard(item.billerId());
        String errorClass = cause == null ? "Unknown" : cause.getClass().getSimpleName();
        String error = cause == null ? "failed without an exception" : String.valueOf(cause.getMessage());
        Integer status = cause instanceof HttpOperationFailedException http ? http.getStatusCode() : null;
        Instant now = clock.instant();
        shard.tx().executeWithoutResult(tx -> {
            Map<String, Object> params = new HashMap<>();
            params.put("recordId", item.recordId());
            params.put("attemptToken", attemptToken);
            params.put("errorClass", errorClass);
            params.put("error", truncate(error));
            shard.jdbc().update(SqlFiles.get("release-processing"), params);
            recordAttempt(shard, item.recordId(), "Failed", errorClass, error, status, started, elapsed(started, now));
        });
        LOG.warn("Delivery of item {} of biller {} failed ({}: {}); it will be retried",
                item.recordId(), item.billerId(), errorClass, error);
    }

    private void recordAttempt(Shard shard, long recordId, String outcome, String errorClass, String error,
                               Integer httpStatus, Instant started, Duration duration) {
        Map<String, Object> params = new HashMap<>();
        params.put("recordId", recordId);
        params.put("outcome", outcome);
        params.put("errorClass", errorClass);
        params.put("error", error == null ? null : truncate(error));
        params.put("httpStatus", httpStatus);
        params.put("startedAt", Timestamp.from(started == null ? clock.instant() : started));
        params.put("durationMs", duration.toMillis());
        params.put("processorId", processorId);
        shard.jdbc().update(SqlFiles.get("record-attempt"), params);
    }

    private Shard shard(String billerId) {
        return shards.forBiller(registry.require(billerId));
    }

    private static Duration elapsed(Instant started, Instant now) {
        return started == null ? Duration.ZERO : Duration.between(started, now);
    }

    static String truncate(String text) {
        if (text == null || text.length() <= MAX_ERROR_LENGTH) {
            return text;
        }
        return text.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }
}
