package io.datapump.api;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A biller as GET /api/billers shows it.
 *
 * @param mode   {@code adapter} (the publisher polls its shard) or {@code direct} (its sources publish item messages)
 * @param shard  {@code ok}; {@code unreachable} when its database could not be read, {@code misconfigured} when it is
 *               kept out of service for its set-up, e.g. SNAPSHOT isolation (counts are then null, the reason given)
 * @param counts work items per control state, keyed new, fetched, queued, processing, processed, failed
 * @param cis    {@code ok}, or {@code misconfigured} when the pump will not call its CIS as registered (e.g. a plain
 *               http:// URL where https is required); its items are then deferred
 * @param cisProblem why, when misconfigured
 * @param oldestPendingSeconds how long the oldest item not yet delivered has waited (absent when none waits)
 * @param breaker the biller's shared CIS circuit breaker: {@code closed}, {@code open} or {@code half-open}
 * @param cisMaxConcurrent its CIS calls in flight at most, over all processes
 * @param cisMaxConcurrentFrom where that limit comes from: {@code biller} (its registry row) or {@code default}
 *                             ({@code datapump.cis.max-concurrent-per-biller})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BillerStatus(String id, String name, String lane, boolean enabled, boolean paused, String mode,
                           String shard,
                           Map<String, Long> counts, String error, String cis, String cisProblem,
                           Long oldestPendingSeconds, String breaker, int cisMaxConcurrent,
                           String cisMaxConcurrentFrom) {

    /** The oldest pending item's wait for people: 45 s, 12 min, 3 h 5 min; blank when none waits. */
    public String oldestPendingAge() {
        if (oldestPendingSeconds == null) {
            return "";
        }
        long s = oldestPendingSeconds;
        return s < 60 ? s + " s" : s < 3600 ? s / 60 + " min" : s / 3600 + " h " + (s % 3600) / 60 + " min";
    }
}
