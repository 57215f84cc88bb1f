package io.datapump.registry;

/**
 * One tenant as the registry knows it.
 *
 * @param enabled the data-pump-v2 feature toggle: only enabled billers are pumped
 * @param paused  an operator's temporary stop: the publisher skips paused billers
 * @param mode    how its items arrive: polled from DataPumpRecord rows (adapter) or published by the sources (direct)
 * @param cisAuth how the pump authenticates to its CIS
 */
public record Biller(String id, String name, Lane lane, boolean enabled, boolean paused,
                     String shardJdbcUrl, String cisBaseUrl, BillerMode mode, CisAuth cisAuth) {

    public Biller {
        mode = mode == null ? BillerMode.ADAPTER : mode;
        cisAuth = cisAuth == null ? CisAuth.NONE : cisAuth;
    }

    /** A biller whose CIS takes no credentials. */
    public Biller(String id, String name, Lane lane, boolean enabled, boolean paused, String shardJdbcUrl,
                  String cisBaseUrl, BillerMode mode) {
        this(id, name, lane, enabled, paused, shardJdbcUrl, cisBaseUrl, mode, CisAuth.NONE);
    }

    /** An adapter-mode biller (its sources write DataPumpRecord rows). */
    public Biller(String id, String name, Lane lane, boolean enabled, boolean paused, String shardJdbcUrl,
                  String cisBaseUrl) {
        this(id, name, lane, enabled, paused, shardJdbcUrl, cisBaseUrl, BillerMode.ADAPTER);
    }

    /** Enabled and not paused. */
    public boolean active() {
        return enabled && !paused;
    }

    /** Active and in adapter mode: the publisher scans its shard. */
    public boolean polled() {
        return active() && mode == BillerMode.ADAPTER;
    }

    public boolean direct() {
        return mode == BillerMode.DIRECT;
    }
}
