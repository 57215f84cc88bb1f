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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BillerStatus(String id, String name, String lane, boolean enabled, boolean paused, String mode,
                           String shard,
                           Map<String, Long> counts, String error, String cis, String cisProblem) {
}
