package io.datapump.pump;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.datapump.DataPumpProperties;
import io.datapump.failure.Failure;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.Shard;
import io.datapump.shard.ShardDataSources;
import io.datapump.shard.SqlFiles;

import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
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

    private final MeterRegistry meters;

    public ControlRecords(BillerRegistry registry, ShardDataSources shards, DataPumpProperties properties,
                          MeterRegistry meters) {
        this.meters = meters;
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
            if (shard.jdbc().update(SqlFiles.get("fail-unclaimed"), failureParams(item, null, errorClass, reason)) == 1) {
                recordAttempt(shard, item.recordId(), "Failed", errorClass, reason, null, now, Duration.ZERO);
            }
        });
        LOG.warn("Item {} of biller {} rejected: {}", item.recordId(), item.billerId(), reason);
    }

    /** Rejects a claimed item whose type no item topic exists for. */
    public void rejectUnknownType(ItemMessage item) {
        reject(item, "UnknownItemType", "unknown item type '" + item.itemType() + "'; no item topic handles it");
    }

    /**
     * Claims an item for delivery: Fetched or Queued -> Processing under a fresh attempt token; for an item a source
     * published directly that has no control row yet, the row is created as Processing.
     *
     * @return false when the row is in any other state (already processing, processed, failed): a duplicate
     */
    public boolean startProcessing(ItemMessage item, String attemptToken) {
        return startProcessing(item, attemptToken, null);
    }

    /**
     * As {@link #startProcessing(ItemMessage, String)}; a redriven message also takes over the row from the attempt
     * it resumes ({@code resumesAttempt}), if that attempt still holds it.
     */
    public boolean startProcessing(ItemMessage item, String attemptToken, String resumesAttempt) {
        Shard shard = shard(item.billerId());
        if (item.sourceItemId() != null) {
            // a directly published item may have no control row yet: create it as Processing (one insert wins)
            try {
                if (shard.jdbc().update(SqlFiles.get("start-direct-processing"), Map.of(
                        "sourceItemId", item.sourceItemId(), "attemptToken", attemptToken,
                        "processorId", processorId)) == 1) {
                    return true;
                }
            } catch (DuplicateKeyException concurrentDuplicate) {
                // another consumer created the row for the same item at the same moment and holds it
                return false;
            }
        }
        Map<String, Object> params = new HashMap<>();
        params.put("recordId", item.recordId());
        params.put("attemptToken", attemptToken);
        params.put("processorId", processorId);
        params.put("resumesAttempt", resumesAttempt);
        return shard.jdbc().update(SqlFiles.get("start-processing"), params) == 1;
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
        meters.counter("datapump.items.processed", "biller", item.billerId(), "lane", String.valueOf(item.lane()))
                .increment();
        if (updated == 0) {
            // the CIS call succeeded, so this must not fail the exchange (a retry would call the CIS again)
            LOG.warn("Item {} of biller {} was delivered but its control record no longer held this attempt",
                    item.recordId(), item.billerId());
        }
    }

    /** Before an in-process redelivery: records the failed attempt and counts the next one. */
    public void failedAttemptBeforeRedelivery(ItemMessage item, String attemptToken, Instant started, Failure failure) {
        Shard shard = shard(item.billerId());
        Instant now = clock.instant();
        shard.tx().executeWithoutResult(tx -> {
            recordAttempt(shard, item.recordId(), "Failed", failure.errorClass(), failure.message(),
                    failure.httpStatus(), started, elapsed(started, now));
            shard.jdbc().update(SqlFiles.get("next-attempt"), failureParams(item, attemptToken, failure.errorClass(),
                    failure.message()));
        });
    }

    /**
     * A delivery attempt failed and the item will be tried again later: Processing -> Queued (only if this attempt
     * still holds the row), with a Failed attempt in the history.
     */
    public void releaseAfterFailure(ItemMessage item, String attemptToken, Instant started, Failure failure) {
        Shard shard = shard(item.billerId());
        Instant now = clock.instant();
        boolean released = Boolean.TRUE.equals(shard.tx().execute(tx -> {
            int n = shard.jdbc().update(SqlFiles.get("release-processing"),
                    failureParams(item, attemptToken, failure.errorClass(), failure.message()));
            if (n == 1) {
                recordAttempt(shard, item.recordId(), "Failed", failure.errorClass(), failure.message(),
                        failure.httpStatus(), started, elapsed(started, now));
            }
            return n == 1;
        }));
        if (released) {
            LOG.warn("Delivery of item {} failed ({}: {}); it will be retried", item.key(), failure.errorClass(),
                    failure.message());
        }
    }

    /** What the dead-letter headers report about a failed item. */
    public record FailedItem(int attempts, Instant firstFailure) {
    }

    /**
     * The item failed for good: Processing -> Failed when this exchange's attempt holds it, otherwise
     * Fetched/Queued -> Failed. Returns null when the row is Processed already (the message was a stale duplicate).
     */
    public FailedItem markFailed(ItemMessage item, String attemptToken, Instant started, Failure failure) {
        Shard shard = shard(item.billerId());
        Instant now = clock.instant();
        return shard.tx().execute(tx -> {
            Map<String, Object> params = failureParams(item, attemptToken, failure.errorClass(), failure.message());
            int n = shard.jdbc().update(SqlFiles.get(attemptToken != null ? "fail-processing" : "fail-unclaimed"), params);
            if (n == 0 && attemptToken == null && item.sourceItemId() != null && item.recordId() > 0) {
                // a direct item that never got as far as its control row: create it Failed, so it can be replayed
                Map<String, Object> direct = new HashMap<>(params);
                direct.put("sourceItemId", item.sourceItemId());
                direct.put("processorId", processorId);
                n = shard.jdbc().update(SqlFiles.get("fail-direct-unclaimed"), direct);
            }
            if (n == 1) {
                recordAttempt(shard, item.recordId(), "Failed", failure.errorClass(), failure.message(),
                        failure.httpStatus(), started == null ? now : started, elapsed(started, now));
            }
            List<Map<String, Object>> rows = shard.jdbc().queryForList(SqlFiles.get("failure-summary"),
                    Map.of("recordId", item.recordId()));
            if (rows.isEmpty()) {
                return new FailedItem(0, null);
            }
            Map<String, Object> row = rows.get(0);
            if (n == 0 && "Processed".equals(row.get("State"))) {
                return null;
            }
            Object first = row.get("FirstFailure");
            return new FailedItem(((Number) row.get("Attempts")).intValue(),
                    first instanceof Timestamp ts ? ts.toInstant() : null);
        });
    }

    private static Map<String, Object> failureParams(ItemMessage item, String attemptToken, String errorClass,
                                                     String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("recordId", item.recordId());
        params.put("attemptToken", attemptToken);
        params.put("errorClass", errorClass);
        params.put("error", truncate(error));
        return params;
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

    /** Whether the registry knows the biller (a message may name one that does not exist). */
    public boolean knows(String billerId) {
        return billerId != null && registry.find(billerId).isPresent();
    }

    private Shard shard(String billerId) {
        return shards.forBiller(registry.require(billerId));
    }

    private static Duration elapsed(Instant started, Instant now) {
        return started == null ? Duration.ZERO : Duration.between(started, now);
    }

    public static String truncate(String text) {
        if (text == null || text.length() <= MAX_ERROR_LENGTH) {
            return text;
        }
        return text.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }
}
