package io.datapump.admin;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * A replay job as GET /api/replays/{id} shows it; {@code selection} is the request as it was accepted. Status:
 * Running, Completed, Cancelled, CanaryFailed (a canary item failed again: nothing more was replayed), Failed.
 *
 * @param canaryState Replaying (the canary items are being replayed), Waiting (for them to be Processed), Passed
 * @param canaryIds   the canary items, as billerId:recordId
 * @param runBy       the process running the job (another takes it over if that one dies)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplayStatus(String replayId, String requestedBy, Instant requestedAt, String source,
                           @JsonRawValue String selection, String reason, int ratePerSecond, int selected,
                           int replayed, int skipped, String status, Instant finishedAt, String error, int canary,
                           String canaryState, List<String> canaryIds, String runBy, String cancelRequestedBy) {
}
