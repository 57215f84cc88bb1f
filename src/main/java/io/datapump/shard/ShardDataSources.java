package io.datapump.shard;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.failure.ShardMisconfiguredException;
import io.datapump.failure.ShardUnavailableException;
import io.datapump.registry.Biller;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Connection pools per shard, created on first use. Each pool is bounded (datapump.shards.max-pool-size), keeps no
 * idle connections (minimum idle 0, closed after datapump.shards.idle-timeout) and shares one housekeeping thread with
 * every other pool, so hundreds of billers cost neither threads nor connections while they are quiet. A pool nobody
 * used for datapump.shards.idle-pool-timeout is closed altogether and opened again by its next use: a biller's
 * {@link Shard} stays valid across that, and a pool with a connection out is never closed. Every statement executed
 * on a shard is counted in the Micrometer counter {@code datapump.shard.statements{biller}}.
 */
@Component
public class ShardDataSources implements DisposableBean {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardDataSources.class);

    /** Counter of statements executed against shards, tagged with the biller. */
    public static final String STATEMENTS_METRIC = "datapump.shard.statements";
    /** Gauge of the shard connections this process holds open, and (.budget) how many it may. */
    public static final String CONNECTIONS_METRIC = "datapump.shard.connections";

    private final DataPumpProperties properties;
    private final MeterRegistry meters;
    private final Map<String, Entry> pools = new ConcurrentHashMap<>();
    private final Map<String, Instant> unavailableUntil = new ConcurrentHashMap<>();
    /** Shards kept out of service although reachable, with the reason (see {@link ShardIsolation}). */
    private final Map<String, String> refused = new ConcurrentHashMap<>();
    private final ScheduledExecutorService housekeeping;
    private final ConnectionBudget budget;

    private record Entry(String jdbcUrl, ShardPool pool, Shard shard) {
    }

    /** Without metrics (tools and tests that build their own). */
    public ShardDataSources(DataPumpProperties properties) {
        this(properties, new SimpleMeterRegistry());
    }

    @Autowired
    public ShardDataSources(DataPumpProperties properties, ObjectProvider<MeterRegistry> meters) {
        this(properties, meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** With the statement counters registered in the given registry. */
    public ShardDataSources(DataPumpProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.meters = meters;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("shard-pool-housekeeping");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.housekeeping = executor;
        this.budget = new ConnectionBudget(properties.getShards().getConnectionBudget(), this::closeLeastRecentlyUsedIdle);
        Gauge.builder(CONNECTIONS_METRIC, budget, ConnectionBudget::inUse)
                .description("Open shard connections of this process (at most datapump.shards.connection-budget)")
                .register(meters);
        Gauge.builder(CONNECTIONS_METRIC + ".budget", budget, ConnectionBudget::size)
                .description("datapump.shards.connection-budget").register(meters);
        long every = Math.max(100, Math.min(30_000, idlePoolTimeout().toMillis() / 4));
        housekeeping.scheduleWithFixedDelay(this::closeIdlePools, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * The shard of a biller; its pool is opened by the first connection it hands out (again after it was closed for
     * being idle). A changed URL closes the old pool.
     *
     * @throws ShardUnavailableException while the shard is in its back-off after a failed connection attempt
     * @throws ShardMisconfiguredException while it is kept out of service for its set-up (checked again after the
     *                                     same back-off)
     */
    public Shard forBiller(Biller biller) {
        refuseDuringBackoff(biller.id());
        Entry entry = pools.compute(biller.id(), (id, existing) -> {
            if (existing != null && existing.jdbcUrl().equals(biller.shardJdbcUrl())) {
                return existing;
            }
            if (existing != null) {
                existing.pool().close();
            }
            return entry(biller);
        });
        return entry.shard();
    }

    /** Throws while the biller's shard is in its back-off: unreachable, or reachable but kept out of service. */
    private void refuseDuringBackoff(String billerId) {
        Instant until = unavailableUntil.get(billerId);
        if (until == null) {
            return;
        }
        Duration left = Duration.between(Instant.now(), until);
        if (left.isNegative() || left.isZero()) {
            return;
        }
        String reason = refused.get(billerId);
        if (reason != null) {
            throw new ShardMisconfiguredException(billerId, reason, left);
        }
        throw new ShardUnavailableException(billerId, left);
    }

    /** Why a reachable shard is kept out of service, or null. */
    public String refusal(String billerId) {
        return refused.get(billerId);
    }

    /** The pooled data source of a biller's shard, for migrations and local tooling. */
    public DataSource dataSource(Biller biller) {
        forBiller(biller);
        return pools.get(biller.id()).pool();
    }

    /**
     * Closes and forgets a biller's pool and its back-off: a shard tried for a biller that was then not registered
     * (its onboarding failed), so a corrected attempt connects at once.
     */
    public void forget(String billerId) {
        Entry entry = pools.remove(billerId);
        if (entry != null) {
            entry.pool().close();
        }
        unavailableUntil.remove(billerId);
        refused.remove(billerId);
    }

    /** The shards this process has used so far (their pools may be closed while idle). */
    public java.util.List<Shard> openShards() {
        return pools.values().stream().map(Entry::shard).toList();
    }

    /** Whether a biller's shard is in its back-off after a failed connection attempt. */
    public boolean unavailable(String billerId) {
        Instant until = unavailableUntil.get(billerId);
        return until != null && until.isAfter(Instant.now());
    }

    /** Number of shard connection pools currently open (idle pools are closed after idle-pool-timeout). */
    public int openPools() {
        return (int) pools.values().stream().filter(e -> e.pool().isOpen()).count();
    }

    /** Whether the connection pool of a biller's shard is open now. */
    public boolean poolOpen(String billerId) {
        Entry e = pools.get(billerId);
        return e != null && e.pool().isOpen();
    }

    /** Physical shard connections open now, and the most that were ever open at once. */
    public int openConnections() {
        return budget.inUse();
    }

    public int peakConnections() {
        return budget.peak();
    }

    /**
     * Makes room in the connection budget: the least recently used pool that holds connections, none of them out, is
     * closed with its connections and threads (as an idle pool is after idle-pool-timeout) and opened again by its
     * shard's next use.
     */
    void closeLeastRecentlyUsedIdle() {
        pools.values().stream().map(Entry::pool).filter(ShardPool::hasOnlyIdleConnections)
                .min(java.util.Comparator.comparingLong(ShardPool::lastUsed))
                .ifPresent(pool -> pool.closeIfIdleSince(System.nanoTime()));
    }

    /** Closes every pool unused (no connection out) for longer than datapump.shards.idle-pool-timeout. */
    void closeIdlePools() {
        long cutoff = System.nanoTime() - idlePoolTimeout().toNanos();
        for (Entry e : pools.values()) {
            try {
                e.pool().closeIfIdleSince(cutoff);
            } catch (RuntimeException ex) {
                LOG.warn("Closing the idle pool of shard {} failed: {}", e.shard().billerId(), ex.toString());
            }
        }
    }

    private Duration idlePoolTimeout() {
        return properties.getShards().getIdlePoolTimeout();
    }

    private Entry entry(Biller biller) {
        DataPumpProperties.Shards cfg = properties.getShards();
        Counter statements = Counter.builder(STATEMENTS_METRIC).tag("biller", biller.id())
                .description("SQL statements executed against the biller's shard").register(meters);
        ShardPool pool = new ShardPool(biller, statements);
        JdbcTemplate jdbc = new JdbcTemplate(pool);
        if (queryTimeoutSetting(biller.shardJdbcUrl(), cfg.getQueryTimeout()) == null) {
            // a driver without a connection-wide timeout: set on each statement
            jdbc.setQueryTimeout((int) Math.max(1, cfg.getQueryTimeout().toSeconds()));
        }
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(pool));
        Shard shard = new Shard(biller.id(), new NamedParameterJdbcTemplate(jdbc), tx);
        return new Entry(biller.shardJdbcUrl(), pool, shard);
    }

    private HikariDataSource openHikari(Biller biller, ShardPool shardPool) {
        DataPumpProperties.Shards cfg = properties.getShards();
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("shard-" + biller.id());
        java.util.Properties driverProperties = new java.util.Properties();
        Map.Entry<String, String> timeout = queryTimeoutSetting(biller.shardJdbcUrl(), cfg.getQueryTimeout());
        if (timeout != null) {
            driverProperties.setProperty(timeout.getKey(), timeout.getValue());
        }
        String username = cfg.getUsername().isBlank() ? null : cfg.getUsername();
        // every physical connection the pool opens takes a place in the process's connection budget
        hikari.setDataSource(budget.guard(shardPool.watched(new DriverDataSource(biller.shardJdbcUrl(), null,
                driverProperties, username, username == null ? null : cfg.getPassword())), cfg.getConnectionTimeout()));
        hikari.setMaximumPoolSize(cfg.getMaxPoolSize());
        hikari.setMinimumIdle(0);
        hikari.setIdleTimeout(Math.max(10_000, cfg.getIdleTimeout().toMillis()));
        hikari.setConnectionTimeout(Math.max(250, cfg.getConnectionTimeout().toMillis()));
        hikari.setValidationTimeout(Math.max(250, Math.min(5_000, cfg.getConnectionTimeout().toMillis())));
        // do not connect at creation: an unreachable shard must fail its own calls, not the caller's set-up
        hikari.setInitializationFailTimeout(-1);
        hikari.setScheduledExecutor(housekeeping);
        hikari.setExceptionOverrideClassName(BrokenConnectionEvictor.class.getName());
        return new HikariDataSource(hikari);
    }

    /**
     * datapump.shards.query-timeout as a setting of the connection, for the drivers that have one (SQL Server's
     * {@code queryTimeout} in seconds, H2's {@code QUERY_TIMEOUT} in milliseconds), instead of on every statement: H2
     * cannot reuse a parsed statement once a statement's own timeout was set on its session, so a per-statement
     * timeout made every statement be parsed and planned again (a fifth of the database server's CPU). Null for any
     * other driver, whose statements then get the timeout one by one.
     */
    static Map.Entry<String, String> queryTimeoutSetting(String jdbcUrl, Duration timeout) {
        if (jdbcUrl.startsWith("jdbc:sqlserver:")) {
            return Map.entry("queryTimeout", String.valueOf(Math.max(1, timeout.toSeconds())));
        }
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            return Map.entry("QUERY_TIMEOUT", String.valueOf(Math.max(1, timeout.toMillis())));
        }
        return null;
    }

    /**
     * One biller's pool behind a stable data source. The Hikari pool is opened on demand and closed when idle; the
     * connections it hands out are counted while out, so an idle close never takes a connection from under a
     * running statement or transaction. Also watches connection attempts: a failure to connect (not a busy pool)
     * starts the shard's back-off (datapump.shards.unavailable-backoff); the next successful connection ends it.
     */
    private final class ShardPool extends AbstractDataSource {
        private final Biller biller;
        private final Counter statements;
        private HikariDataSource hikari;
        /** Whether this opening of the pool has had its isolation checked. */
        private boolean isolationChecked;
        /** When the physical connection attempt under way began (System.nanoTime), 0 when none is. */
        private volatile long connectingSince;
        /** A caller is finding out whether the shard is back after its back-off. */
        private final AtomicBoolean probing = new AtomicBoolean();
        private int inUse;
        private long lastUsed = System.nanoTime();

        ShardPool(Biller biller, Counter statements) {
            this.biller = biller;
            this.statements = statements;
        }

        synchronized boolean isOpen() {
            return hikari != null;
        }

        synchronized long lastUsed() {
            return lastUsed;
        }

        /** Open, with idle connections and none out. */
        synchronized boolean hasOnlyIdleConnections() {
            return hikari != null && inUse == 0 && hikari.getHikariPoolMXBean() != null
                    && hikari.getHikariPoolMXBean().getIdleConnections() > 0;
        }


        private synchronized HikariDataSource acquire() {
            if (hikari == null) {
                hikari = openHikari(biller, this);
                isolationChecked = false;
            }
            inUse++;
            lastUsed = System.nanoTime();
            return hikari;
        }

        private synchronized void release() {
            inUse--;
            lastUsed = System.nanoTime();
        }

        void closeIfIdleSince(long cutoffNanos) {
            HikariDataSource closing;
            synchronized (this) {
                if (hikari == null || inUse > 0 || lastUsed - cutoffNanos > 0) {
                    return;
                }
                closing = hikari;
                hikari = null;
            }
            LOG.debug("Closing the idle connection pool of shard {}", biller.id());
            closing.close();
        }

        void close() {
            HikariDataSource closing;
            synchronized (this) {
                closing = hikari;
                hikari = null;
            }
            if (closing != null) {
                closing.close();
            }
        }

        /**
         * A connection, or at once a {@link ShardUnavailableException} while the shard is in its back-off (also for a
         * caller that got the shard before the back-off began, e.g. an exchange's quick retries). When the back-off
         * has run out, one caller at a time finds out whether the shard is back; the others are deferred meanwhile
         * instead of each waiting connection-timeout on a shard that is most likely still down.
         */
        @Override
        public Connection getConnection() throws SQLException {
            refuseDuringBackoff(biller.id());
            if (!unavailableUntil.containsKey(biller.id())) {
                return connect();
            }
            if (!probing.compareAndSet(false, true)) {
                throw new ShardUnavailableException(biller.id(), properties.getShards().getConnectionTimeout());
            }
            try {
                return connect();
            } finally {
                probing.set(false);
            }
        }

        /** The physical data source, noting when each connection attempt begins and ends. */
        DataSource watched(DataSource physical) {
            return new DelegatingDataSource(physical) {
                @Override
                public Connection getConnection() throws SQLException {
                    connectingSince = System.nanoTime();
                    try {
                        return physical.getConnection();
                    } finally {
                        connectingSince = 0;
                    }
                }
            };
        }

        /**
         * Why a failure to get a connection means the shard is unreachable, or null when the pool is only busy (Hikari
         * reports that without a cause), the wait was interrupted (shutdown) or the process's connection budget was
         * full. A connect that failed carries its cause; one still without an answer after half the connection
         * timeout (a host that drops packets, a driver that keeps retrying) counts as unreachable too: a database
         * that is up answers a connect in milliseconds.
         */
        private String unreachableBecause(SQLException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException || cause instanceof ConnectionBudget.Exhausted) {
                return null;
            }
            if (cause != null) {
                return cause.toString();
            }
            long since = connectingSince;
            long waited = since == 0 ? 0 : System.nanoTime() - since;
            if (since != 0 && waited >= properties.getShards().getConnectionTimeout().toNanos() / 2) {
                return "no answer to a connection attempt for " + Duration.ofNanos(waited).toMillis() + " ms";
            }
            return null;
        }

        private Connection connect() throws SQLException {
            HikariDataSource pool = acquire();
            Connection connection;
            try {
                connection = pool.getConnection();
            } catch (SQLException e) {
                release();
                String unreachable = unreachableBecause(e);
                if (unreachable != null) {
                    Duration backoff = properties.getShards().getUnavailableBackoff();
                    if (unavailableUntil.put(biller.id(), Instant.now().plus(backoff)) == null) {
                        LOG.warn("Shard of biller {} is unreachable ({}); its work is deferred for {} at a time",
                                biller.id(), unreachable, backoff);
                    }
                }
                throw e;
            } catch (RuntimeException | Error e) {
                release();
                throw e;
            }
            if (!isolationAccepted(connection)) {
                throw new ShardMisconfiguredException(biller.id(), refused.get(biller.id()),
                        properties.getShards().getUnavailableBackoff());
            }
            if (unavailableUntil.remove(biller.id()) != null) {
                LOG.info("Shard of biller {} is reachable again", biller.id());
            }
            if (refused.remove(biller.id()) != null) {
                LOG.info("Shard of biller {} is back in service", biller.id());
            }
            return CountingConnection.wrap(connection, statements::increment, this::release);
        }

        /**
         * Checks the isolation of the first connection after the pool opened. A refused shard gives the connection
         * back, closes its pool (so the next opening checks again) and stays out of service for the back-off.
         */
        private boolean isolationAccepted(Connection connection) throws SQLException {
            synchronized (this) {
                if (isolationChecked) {
                    return true;
                }
            }
            String problem;
            try {
                problem = ShardIsolation.problem(connection);
            } catch (SQLException e) {
                LOG.warn("Shard of biller {}: its isolation level could not be checked ({}); taken as read committed",
                        biller.id(), e.toString());
                problem = null;
            }
            if (problem == null) {
                synchronized (this) {
                    isolationChecked = true;
                }
                return true;
            }
            try {
                connection.close();
            } finally {
                release();
            }
            Duration backoff = properties.getShards().getUnavailableBackoff();
            unavailableUntil.put(biller.id(), Instant.now().plus(backoff));
            if (!problem.equals(refused.put(biller.id(), problem))) {
                LOG.error("Shard of biller {} is kept out of service: {}. Its work is deferred; checked again every {}",
                        biller.id(), problem, backoff);
            }
            close();
            return false;
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new UnsupportedOperationException("shard pools use the configured credentials");
        }
    }

    @Override
    public void destroy() {
        pools.values().forEach(e -> e.pool().close());
        pools.clear();
        housekeeping.shutdownNow();
    }
}
