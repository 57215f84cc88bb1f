package io.datapump.admin;

import java.time.Instant;
import java.util.List;

/**
 * What to replay, as POST /api/replay takes it. Every filter is optional, but at least one (or {@code all: true})
 * must be given; recordIds need a billerId.
 *
 * @param failedFrom items that failed at or after this time
 * @param failedTo   items that failed before this time
 * @param rate       items per second (default datapump.replay.default-rate)
 * @param canary     replay this many items first and go on only when each of them is Processed; stop if any fails
 *                   again (0 or none: no canary)
 */
public record ReplaySelection(String billerId, List<Long> recordIds, String itemType, String errorClass,
                              Instant failedFrom, Instant failedTo, Boolean all, Boolean dryRun, Integer rate,
                              Integer canary, String reason) {

    /** The most canary items a replay may name. */
    public static final int MAX_CANARY = 100;

    public int canaryItems() {
        return canary == null ? 0 : canary;
    }

    public boolean isDryRun() {
        return Boolean.TRUE.equals(dryRun);
    }

    public boolean byRecordIds() {
        return recordIds != null && !recordIds.isEmpty();
    }

    /** Throws a 400 that says what is wrong with the selection. */
    public void validate(int maxRate) {
        boolean any = billerId != null || byRecordIds() || itemType != null || errorClass != null
                || failedFrom != null || failedTo != null;
        if (!any && !Boolean.TRUE.equals(all)) {
            throw ApiException.badRequest("select what to replay: billerId, recordIds, itemType, errorClass, "
                    + "failedFrom/failedTo, or \"all\": true for every failed item");
        }
        if (byRecordIds() && billerId == null) {
            throw ApiException.badRequest("recordIds are per shard: give the billerId they belong to");
        }
        if (failedFrom != null && failedTo != null && !failedFrom.isBefore(failedTo)) {
            throw ApiException.badRequest("failedFrom must be before failedTo");
        }
        if (canary != null && (canary < 0 || canary > MAX_CANARY)) {
            throw ApiException.badRequest("canary must be between 0 and " + MAX_CANARY + " items");
        }
        if (rate != null && (rate < 1 || rate > maxRate)) {
            throw ApiException.badRequest("rate must be between 1 and " + maxRate + " items per second");
        }
    }
}
