package io.datapump.registry;

/**
 * One tenant as the registry knows it.
 *
 * @param enabled the data-pump-v2 feature toggle: only enabled billers are pumped
 * @param paused  an operator's temporary stop: the publisher skips paused billers
 * @param mode    how its items arrive: polled from DataPumpRecord rows (adapter) or published by the sources (direct)
 * @param cisAuth how the pump authenticates to its CIS
 * @param cisMaxConcurrent its CIS calls in flight at most, over all processes (null: datapump.cis.max-concurrent-per-biller)
 */
public record Biller(String id, String name, Lane lane, boolean enabled, boolean paused,
                     String shardJdbcUrl, String cisBaseUrl, BillerMode mode, CisAuth cisAuth,
                     Integer cisMaxConcurrent) {

    /** What a biller id may be: lower-case letters, digits and dashes (it names topics' messages, files, metrics). */
    public static final String ID_PATTERN = "[a-z0-9][a-z0-9-]{0,62}";
    /** The bounds of a per-biller CIS limit. */
    public static final int MIN_CIS_LIMIT = 1;
    public static final int MAX_CIS_LIMIT = 1000;

    public Biller {
        mode = mode == null ? BillerMode.ADAPTER : mode;
        cisAuth = cisAuth == null ? CisAuth.NONE : cisAuth;
    }

    /** A biller with the global CIS concurrency limit. */
    public Biller(String id, String name, Lane lane, boolean enabled, boolean paused, String shardJdbcUrl,
                  String cisBaseUrl, BillerMode mode, CisAuth cisAuth) {
        this(id, name, lane, enabled, paused, shardJdbcUrl, cisBaseUrl, mode, cisAuth, null);
    }

    public static boolean isId(String id) {
        return id != null && id.matches(ID_PATTERN);
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
