package io.datapump.control;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.datapump.DataPumpProperties;
import io.datapump.failure.Failure;
import io.datapump.message.ItemMessage;
import io.datapump.message.PersonalDataMasker;
import io.datapump.shard.Shard;
import io.datapump.sql.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * The only writer of a shard's control records and their attempt history ({@code DataPumpControl},
 * {@code DataPumpAttempt} and their archive tables; sql/control/): every state transition of docs/schema.md, for the
 * biller consumer's claims, the item consumer's attempts, the error handling, the sweeper, replay and the archiver.
 * Every transition is a conditional update, so a duplicate message or a second consumer changes nothing. Callers
 * pass the biller's shard; nothing here looks a biller up.
 */
@Component
public class ControlRecords {

    private static final Logger LOG = LoggerFactory.getLogger(ControlRecords.class);
    static final int MAX_ERROR_LENGTH = 2000;
    static final int MAX_ANSWER_LENGTH = 1000;
    /** Masked before it is cut, so a field cut in half cannot slip through: a longer answer is masked this far. */
    static final int MAX_ANSWER_SCAN = 8000;
    static final int MAX_CONFIRMATION_LENGTH = 200;

    private final OutstandingMarkers markers;
    private final String processorId;
    private final long lookback;
    private final Clock clock = Clock.systemUTC();

    public ControlRecords(OutstandingMarkers markers, DataPumpProperties properties) {
        this.markers = markers;
        this.processorId = properties.resolvedProcessorId();
        this.lookback = properties.getBillerConsumer().getLateRowLookback();
    }

    // ---- the biller consumer's claims ------------------------------------------------------------------------

    /** One row a claim took. */
    public record ClaimedRow(long recordId, String itemType, long sourceId) {
    }

    /**
     * What a claim took: the rows carrying {@code claimToken}, how many it was allowed to take, and whether the
     * biller's in-flight cap held it back.
     */
    public record Claim(String claimToken, List<ClaimedRow> rows, int limit, boolean throttled) {
    }

    /**
     * In one shard transaction: the claim lock, the release of the marker the consumed biller message held, and —
     * unless the biller's in-flight cap ({@code maxInFlight} rows claimed and unfinished) leaves room for fewer than
     * the low-water mark ({@code minClaim}, at most {@code limit} and half the cap, so a small cap refills before it
     * drains: no claims of a few rows at a time, no idle pipeline either) — up to {@code limit} rows to
     * Fetched under {@code claimToken} (control records in state New first, then work items with no control record
     * yet), read back by the token.
     */
    public Claim claim(Shard shard, String claimToken, int limit, int minClaim, int maxInFlight,
                       String releasedMarker) {
        return shard.tx().execute(status -> {
            markers.lockForClaim(shard, claimToken);
            if (releasedMarker != null) {
                markers.release(shard, releasedMarker);
            }
            Long inFlight = shard.jdbc().queryForObject(SqlFiles.get("control/count-in-flight"), Map.of(), Long.class);
            int room = (int) Math.max(0, maxInFlight - (inFlight == null ? 0 : inFlight));
            int allowed = Math.min(limit, room);
            if (allowed == 0 || allowed < lowWaterMark(minClaim, limit, maxInFlight)) {
                return new Claim(claimToken, List.of(), 0, true);
            }
            Map<String, Object> params = Map.of("claimToken", claimToken, "processorId", processorId, "limit", allowed);
            int claimed = shard.jdbc().update(SqlFiles.get("control/claim-new"), params);
            if (claimed < allowed) {
                // unseen rows only above the claim mark (less the lookback): an index range, flat in the history
                List<Long> unseen = shard.jdbc().queryForList(SqlFiles.get("control/unseen-ids"),
                        Map.of("lookback", lookback, "limit", allowed - claimed), Long.class);
                if (!unseen.isEmpty()) {
                    for (List<Long> chunk : SqlFiles.inListChunks(unseen)) {
                        shard.jdbc().update(SqlFiles.get("control/claim-unseen"), Map.of("claimToken", claimToken,
                                "processorId", processorId, "recordIds", chunk));
                    }
                    // every unseen row up to the highest taken now has a control record
                    shard.jdbc().update(SqlFiles.get("control/claim-mark-advance"),
                            Map.of("through", unseen.get(unseen.size() - 1)));
                }
            }
            List<ClaimedRow> rows = shard.jdbc().query(SqlFiles.get("control/claimed-items"),
                    Map.of("claimToken", claimToken), (rs, n) -> new ClaimedRow(rs.getLong("DataPumpRecordId"),
                            rs.getString("ItemType"), rs.getLong("SourceId")));
            return new Claim(claimToken, rows, allowed, allowed < limit);
        });
    }

    /**
     * The least room a claim waits for: {@code minClaim}, but never more than the batch nor half the in-flight cap
     * (a cap of 16 with min-claim 50 would otherwise let the biller's pipeline drain completely before each claim).
     */
    static int lowWaterMark(int minClaim, int limit, int maxInFlight) {
        return Math.max(1, Math.min(minClaim, Math.min(limit, maxInFlight / 2)));
    }

    /**
     * The archiver's check for rows whose insert committed so late that the claims' lookback no longer reaches them
     * (below the claim mark less datapump.biller-consumer.late-row-lookback, with no control record): the claim mark
     * goes down to just below the lowest, so the next claim takes it. Scans the shard's history, once per archiver
     * run. Returns the record id found, or null.
     */
    public Long catchLateRows(Shard shard) {
        Long lowest = shard.jdbc().queryForObject(SqlFiles.get("control/late-unseen"), Map.of("lookback", lookback),
                Long.class);
        if (lowest != null) {
            shard.jdbc().update(SqlFiles.get("control/claim-mark-lower"), Map.of("through", lowest - 1));
            LOG.warn("Work item {} of shard {} was committed after later ones had been claimed; it is claimed now",
                    lowest, shard.billerId());
        }
        return lowest;
    }

    /** How far below the claim mark pending counts look for unseen rows (late-row-lookback). */
    public long lookback() {
        return lookback;
    }

    /** After the item messages of a claim (or of one re-published row) are on their topic: Fetched -> Queued. */
    public int markQueued(Shard shard, String claimToken) {
        return shard.jdbc().update(SqlFiles.get("control/mark-queued"), Map.of("claimToken", claimToken));
    }

    /**
     * A claimed item that can never be delivered (e.g. an unknown item type) ends Failed with its reason;
     * {@code traceId} is the item's trace (null: none).
     */
    public void reject(Shard shard, ItemMessage item, String traceId, String errorClass, String reason) {
        Instant now = clock.instant();
        shard.tx().executeWithoutResult(status -> {
            if (shard.jdbc().update(SqlFiles.get("control/fail-unclaimed"),
                    failureParams(item, null, errorClass, reason)) == 1) {
                recordAttempt(shard, item.recordId(), item.correlationId(), traceId, "Failed", errorClass, reason,
                        null, now, Duration.ZERO);
            }
        });
        LOG.warn("Item {} of biller {} rejected: {}", item.recordId(), item.billerId(), reason);
    }

    // ---- the item consumer's attempts ------------------------------------------------------------------------

    /**
     * Claims an item for delivery: Fetched or Queued -> Processing under a fresh attempt token (or, for a redriven
     * message, from the attempt it resumes if that still holds the row); for an item a source published directly
     * that has no control row yet, the row is created as Processing.
     *
     * @return false when the row is in any other state (already processing, processed, failed): a duplicate
     */
    public boolean startProcessing(Shard shard, ItemMessage item, String attemptToken, String resumesAttempt) {
        if (item.sourceItemId() != null) {
            // a directly published item may have no control row yet: create it as Processing (one insert wins)
            try {
                if (shard.jdbc().update(SqlFiles.get("control/start-direct-processing"), Map.of(
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
        return shard.jdbc().update(SqlFiles.get("control/start-processing"), params) == 1;
    }

    /**
     * The CIS accepted the item: Processing -> Processed with a Succeeded attempt, in one transaction. Returns false
     * when the attempt no longer held the row (the call succeeded anyway; the caller must not fail the exchange).
     * Retried after its commit's answer was lost, it finds the row Processed by this attempt: true, recorded once.
     * {@code traceId} is the attempt's trace (the CIS request's traceparent), null when it had none.
     */
    public boolean markProcessed(Shard shard, ItemMessage item, String traceId, String attemptToken,
                                 Integer httpStatus, String confirmationId, Instant started) {
        Instant now = clock.instant();
        return Boolean.TRUE.equals(shard.tx().execute(tx -> {
            int n = shard.jdbc().update(SqlFiles.get("control/mark-processed"),
                    Map.of("recordId", item.recordId(), "attemptToken", attemptToken));
            if (n == 0 && "Processed".equals(stateUnder(shard, item, attemptToken))) {
                return true;
            }
            recordAttempt(shard, item.recordId(), item.correlationId(), traceId, "Succeeded", null, null,
                    httpStatus, null, confirmationId, started, elapsed(started, now));
            return n == 1;
        }));
    }

    /**
     * Before an in-process redelivery: records the failed attempt and counts the next one, if the attempt still
     * holds the row (not when its own success was written although the answer was lost, nor when another attempt
     * took the row over).
     */
    public void failedAttemptBeforeRedelivery(Shard shard, ItemMessage item, String traceId, String attemptToken,
                                              Instant started, Failure failure) {
        Instant now = clock.instant();
        shard.tx().executeWithoutResult(tx -> {
            if (!"Processing".equals(stateUnder(shard, item, attemptToken))) {
                return;
            }
            recordFailedAttempt(shard, item.recordId(), item.correlationId(), traceId, failure, started,
                    elapsed(started, now));
            shard.jdbc().update(SqlFiles.get("control/next-attempt"),
                    failureParams(item, attemptToken, failure.errorClass(), failure.message()));
        });
    }

    /**
     * A delivery attempt failed and the item will be tried again later: Processing -> Queued (only if this attempt
     * still holds the row), with a Failed attempt in the history. Returns whether the row was released.
     */
    public boolean releaseAfterFailure(Shard shard, ItemMessage item, String traceId, String attemptToken,
                                       Instant started, Failure failure) {
        Instant now = clock.instant();
        boolean released = Boolean.TRUE.equals(shard.tx().execute(tx -> {
            int n = shard.jdbc().update(SqlFiles.get("control/release-processing"),
                    failureParams(item, attemptToken, failure.errorClass(), failure.message()));
            if (n == 1) {
                recordFailedAttempt(shard, item.recordId(), item.correlationId(), traceId, failure, started,
                    elapsed(started, now));
            }
            return n == 1;
        }));
        if (released) {
            LOG.warn("Delivery of item {} failed ({}: {}); it will be retried", item.key(), failure.errorClass(),
                    failure.message());
        }
        return released;
    }

    /** What the dead-letter headers report about a failed item. */
    public record FailedItem(int attempts, Instant firstFailure) {
    }

    /**
     * The item failed for good: Processing -> Failed when this exchange's attempt holds it, otherwise
     * Fetched/Queued -> Failed. Returns null when the row is Processed already (the message was a stale duplicate).
     */
    public FailedItem markFailed(Shard shard, ItemMessage item, String traceId, String attemptToken,
                                 Instant started, Failure failure) {
        Instant now = clock.instant();
        return shard.tx().execute(tx -> {
            Map<String, Object> params = failureParams(item, attemptToken, failure.errorClass(), failure.message());
            int n = shard.jdbc().update(SqlFiles.get(attemptToken != null ? "control/fail-processing"
                    : "control/fail-unclaimed"), params);
            if (n == 0 && attemptToken == null && item.sourceItemId() != null && item.recordId() > 0) {
                // a direct item that never got as far as its control row: create it Failed, so it can be replayed
                Map<String, Object> direct = new HashMap<>(params);
                direct.put("sourceItemId", item.sourceItemId());
                direct.put("processorId", processorId);
                n = shard.jdbc().update(SqlFiles.get("control/fail-direct-unclaimed"), direct);
            }
            if (n == 1) {
                recordFailedAttempt(shard, item.recordId(), item.correlationId(), traceId, failure,
                        started == null ? now : started,
                        elapsed(started, now));
            }
            List<Map<String, Object>> rows = shard.jdbc().queryForList(SqlFiles.get("control/failure-summary"),
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

    // ---- the sweeper and replay ------------------------------------------------------------------------------

    /** Where a row to publish again comes from, i.e. which conditional update takes it. */
    public enum Take {
        /** Processing, by an attempt that will not finish (its claim token is the held token). */
        ABANDONED("control/take-abandoned"),
        /** Queued for longer than the queued lease: its message was lost. */
        LOST("control/take-lost"),
        /** Failed: an operator's replay. */
        FAILED("control/take-failed"),
        /** A directly published item Fetched by a process that is gone (its claim token is the held token). */
        UNPUBLISHED("control/take-unpublished");

        private final String sql;

        Take(String sql) {
            this.sql = sql;
        }
    }

    /**
     * Step 1 of publishing a row again: in one committed transaction the row moves to Fetched under
     * {@code claimToken}, held by this process (an abandoned attempt is recorded with it). Returns false when the row
     * was no longer where {@code take} expects it.
     *
     * @param heldToken    the claim token that must still hold the row (ABANDONED, UNPUBLISHED)
     * @param queuedLease  how long a LOST row must have been unchanged
     */
    public boolean take(Shard shard, long recordId, Take take, String claimToken, String heldToken,
                        Duration queuedLease, String reason) {
        Map<String, Object> params = new HashMap<>();
        params.put("recordId", recordId);
        params.put("claimToken", claimToken);
        params.put("processorId", processorId);
        params.put("heldToken", heldToken);
        params.put("leaseSeconds", Math.max(1, queuedLease.toSeconds()));
        params.put("error", truncate(reason));
        return Boolean.TRUE.equals(shard.tx().execute(tx -> {
            if (shard.jdbc().update(SqlFiles.get(take.sql), params) != 1) {
                return false;
            }
            if (take == Take.ABANDONED) {
                recordAttempt(shard, recordId, null, null, "Failed", "Abandoned", reason, null, clock.instant(),
                        Duration.ZERO);
            }
            return true;
        }));
    }

    /**
     * Claims whose process is gone (past {@code lease}, or held by {@code deadProcessorId}) go back to New, at most
     * {@code limit} of them; directly published items are not touched (they are published again instead).
     */
    public int releaseGoneClaims(Shard shard, Duration lease, String deadProcessorId, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("leaseSeconds", Math.max(1, lease.toSeconds()));
        params.put("deadProcessorId", deadProcessorId);
        params.put("limit", limit);
        return shard.jdbc().update(SqlFiles.get("control/sweep-fetched"), params);
    }

    // ---- the archiver ----------------------------------------------------------------------------------------

    /**
     * Moves at most {@code limit} rows in {@code state} unchanged since {@code before}, with their attempts, to the
     * archive tables in one transaction; returns how many.
     */
    public int archiveBatch(Shard shard, String batch, String state, Instant before, int limit) {
        Map<String, Object> params = Map.of("batch", batch, "state", state, "cutoff", Timestamp.from(before),
                "limit", limit);
        Integer moved = shard.tx().execute(tx -> {
            int copied = shard.jdbc().update(SqlFiles.get("control/archive-control"), params);
            if (copied == 0) {
                return 0;
            }
            int deleted = shard.jdbc().update(SqlFiles.get("control/archive-delete-control"), params);
            shard.jdbc().update(SqlFiles.get("control/archive-unarchive-changed"), params);
            shard.jdbc().update(SqlFiles.get("control/archive-attempts"), params);
            shard.jdbc().update(SqlFiles.get("control/archive-delete-attempts"), params);
            return deleted;
        });
        return moved == null ? 0 : moved;
    }

    /** Moves archived Failed items back to the live tables, with their history; returns how many. */
    public int restoreFailed(Shard shard, List<Long> recordIds) {
        if (recordIds == null || recordIds.isEmpty()) {
            return 0;
        }
        Integer restored = shard.tx().execute(tx -> {
            int total = 0;
            for (List<Long> chunk : SqlFiles.inListChunks(recordIds)) {
                Map<String, Object> params = Map.of("recordIds", chunk);
                int n = shard.jdbc().update(SqlFiles.get("control/restore-control"), params);
                if (n > 0) {
                    shard.jdbc().update(SqlFiles.get("control/restore-attempts"), params);
                    shard.jdbc().update(SqlFiles.get("control/restore-delete-attempts"), params);
                    shard.jdbc().update(SqlFiles.get("control/restore-delete"), params);
                }
                total += n;
            }
            return total;
        });
        return restored == null ? 0 : restored;
    }

    // ----------------------------------------------------------------------------------------------------------

    private static Map<String, Object> failureParams(ItemMessage item, String attemptToken, String errorClass,
                                                     String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("recordId", item.recordId());
        params.put("attemptToken", attemptToken);
        params.put("errorClass", errorClass);
        params.put("error", truncate(error));
        return params;
    }

    private void recordAttempt(Shard shard, long recordId, String correlationId, String traceId, String outcome,
                               String errorClass, String error, Integer httpStatus, Instant started,
                               Duration duration) {
        recordAttempt(shard, recordId, correlationId, traceId, outcome, errorClass, error, httpStatus, null, null,
                started, duration);
    }

    private void recordFailedAttempt(Shard shard, long recordId, String correlationId, String traceId,
                                     Failure failure, Instant started, Duration duration) {
        recordAttempt(shard, recordId, correlationId, traceId, "Failed", failure.errorClass(), failure.message(),
                failure.httpStatus(), failure.cisAnswer(), null, started, duration);
    }

    /**
     * One attempt row; {@code correlationId} is the handled item message's (what the CIS got as X-Correlation-Id),
     * {@code traceId} the W3C trace id of the attempt (32 hex digits, the trace id of the CIS request's traceparent).
     */
    private void recordAttempt(Shard shard, long recordId, String correlationId, String traceId, String outcome,
                               String errorClass, String error, Integer httpStatus, String cisAnswer,
                               String confirmationId, Instant started, Duration duration) {
        Map<String, Object> params = new HashMap<>();
        params.put("correlationId", correlationId == null || correlationId.length() <= 64 ? correlationId
                : correlationId.substring(0, 64));
        params.put("traceId", traceId == null || traceId.length() <= 32 ? traceId : traceId.substring(0, 32));
        params.put("cisAnswer", cisAnswerExcerpt(cisAnswer));
        params.put("confirmationId", confirmationId == null || confirmationId.length() <= MAX_CONFIRMATION_LENGTH
                ? confirmationId : confirmationId.substring(0, MAX_CONFIRMATION_LENGTH));
        params.put("recordId", recordId);
        params.put("outcome", outcome);
        params.put("errorClass", errorClass);
        params.put("error", error == null ? null : truncate(error));
        params.put("httpStatus", httpStatus);
        params.put("startedAt", Timestamp.from(started == null ? clock.instant() : started));
        params.put("durationMs", duration.toMillis());
        params.put("processorId", processorId);
        shard.jdbc().update(SqlFiles.get("control/record-attempt"), params);
    }

    /** The row's state if {@code attemptToken} claimed it last, else null. */
    private static String stateUnder(Shard shard, ItemMessage item, String attemptToken) {
        return shard.jdbc().query(SqlFiles.get("control/state-under-attempt"),
                Map.of("recordId", item.recordId(), "attemptToken", attemptToken),
                rs -> rs.next() ? rs.getString(1) : null);
    }

    private static Duration elapsed(Instant started, Instant now) {
        return started == null ? Duration.ZERO : Duration.between(started, now);
    }

    /**
     * What the history keeps of a CIS answer: payment and personal data masked, whitespace runs collapsed, at most
     * the column's 1,000 characters. Null for an empty answer.
     */
    public static String cisAnswerExcerpt(String answer) {
        if (answer == null || answer.isBlank()) {
            return null;
        }
        String head = answer.length() > MAX_ANSWER_SCAN ? answer.substring(0, MAX_ANSWER_SCAN) : answer;
        String masked = PersonalDataMasker.current().mask(head).replaceAll("\\s+", " ").strip();
        return masked.length() <= MAX_ANSWER_LENGTH ? masked : masked.substring(0, MAX_ANSWER_LENGTH - 1) + "…";
    }

    /** Error texts are kept to the column's 2,000 characters. */
    public static String truncate(String text) {
        if (text == null || text.length() <= MAX_ERROR_LENGTH) {
            return text;
        }
        return text.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }
}
