package io.datapump.registry;

/**
 * One tenant as the registry knows it.
 *
 * @param enabled the data-pump-v2 feature toggle: only enabled billers are pumped
 * @param paused  an operator's temporary stop: the publisher skips paused billers
 */
public record Biller(String id, String name, Lane lane, boolean enabled, boolean paused,
                     String shardJdbcUrl, String cisBaseUrl) {

    /** Enabled and not paused: the publisher scans it. */
    public boolean active() {
        return enabled && !paused;
    }
}
