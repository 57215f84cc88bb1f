package io.datapump.admin;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/** A replay job as GET /api/replays/{id} shows it; {@code selection} is the request as it was accepted. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplayStatus(String replayId, String requestedBy, Instant requestedAt, String source,
                           @JsonRawValue String selection, String reason, int ratePerSecond, int selected,
                           int replayed, int skipped, String status, Instant finishedAt, String error) {
}
