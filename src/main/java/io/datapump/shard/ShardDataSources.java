package io.datapump.shard;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.datapump.DataPumpProperties;
import io.datapump.registry.Biller;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Connection pools per shard, created on first use. Each pool is bounded (datapump.shards.max-pool-size), keeps no
 * idle connections (minimum idle 0, closed after datapump.shards.idle-timeout) and shares one housekeeping thread with
 * every other pool, so hundreds of billers cost neither threads nor connections while they are quiet.
 */
@Component
public class ShardDataSources implements DisposableBean {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardDataSources.class);

    private final DataPumpProperties properties;
    private final Map<String, Entry> pools = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> unavailableUntil = new ConcurrentHashMap<>();
    private final ScheduledExecutorService housekeeping;

    private record Entry(String jdbcUrl, HikariDataSource dataSource, Shard shard) {
    }

    public ShardDataSources(DataPumpProperties properties) {
        this.properties = properties;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("shard-pool-housekeeping");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.housekeeping = executor;
    }

    /**
     * The shard of a biller; its pool is created now if this is the first use or its URL changed.
     *
     * @throws ShardUnavailableException while the shard is in its back-off after a failed connection attempt
     */
    public Shard forBiller(Biller biller) {
        java.time.Instant until = unavailableUntil.get(biller.id());
        if (until != null) {
            java.time.Duration left = java.time.Duration.between(java.time.Instant.now(), until);
            if (!left.isNegative() && !left.isZero()) {
                throw new ShardUnavailableException(biller.id(), left);
            }
        }
        Entry entry = pools.compute(biller.id(), (id, existing) -> {
            if (existing != null && existing.jdbcUrl().equals(biller.shardJdbcUrl())) {
                return existing;
            }
            if (existing != null) {
                existing.dataSource().close();
            }
            return open(biller);
        });
        return entry.shard();
    }

    /** The raw pool of a biller's shard, for migrations and local tooling. */
    public DataSource dataSource(Biller biller) {
        forBiller(biller);
        return pools.get(biller.id()).dataSource();
    }

    /** The shards this process has opened so far. */
    public java.util.List<Shard> openShards() {
        return pools.values().stream().map(Entry::shard).toList();
    }

    /** Whether a biller's shard is in its back-off after a failed connection attempt. */
    public boolean unavailable(String billerId) {
        java.time.Instant until = unavailableUntil.get(billerId);
        return until != null && until.isAfter(java.time.Instant.now());
    }

    /** Number of shard pools currently open. */
    public int openPools() {
        return pools.size();
    }

    private Entry open(Biller biller) {
        DataPumpProperties.Shards cfg = properties.getShards();
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("shard-" + biller.id());
        hikari.setJdbcUrl(biller.shardJdbcUrl());
        if (!cfg.getUsername().isBlank()) {
            hikari.setUsername(cfg.getUsername());
            hikari.setPassword(cfg.getPassword());
        }
        hikari.setMaximumPoolSize(cfg.getMaxPoolSize());
        hikari.setMinimumIdle(0);
        hikari.setIdleTimeout(Math.max(10_000, cfg.getIdleTimeout().toMillis()));
        hikari.setConnectionTimeout(Math.max(250, cfg.getConnectionTimeout().toMillis()));
        hikari.setValidationTimeout(Math.max(250, Math.min(5_000, cfg.getConnectionTimeout().toMillis())));
        // do not connect at creation: an unreachable shard must fail its own calls, not the caller's set-up
        hikari.setInitializationFailTimeout(-1);
        hikari.setScheduledExecutor(housekeeping);
        hikari.setExceptionOverrideClassName(BrokenConnectionEvictor.class.getName());
        HikariDataSource dataSource = new HikariDataSource(hikari);
        DataSource guarded = new ConnectionWatch(dataSource, biller.id());

        JdbcTemplate jdbc = new JdbcTemplate(guarded);
        jdbc.setQueryTimeout((int) Math.max(1, cfg.getQueryTimeout().toSeconds()));
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(guarded));
        Shard shard = new Shard(biller.id(), new NamedParameterJdbcTemplate(jdbc), tx);
        return new Entry(biller.shardJdbcUrl(), dataSource, shard);
    }

    /**
     * Watches connection attempts: a failure to connect (not a busy pool) starts the shard's back-off
     * (datapump.shards.unavailable-backoff); the next successful connection ends it.
     */
    private final class ConnectionWatch extends org.springframework.jdbc.datasource.DelegatingDataSource {
        private final String billerId;

        ConnectionWatch(DataSource target, String billerId) {
            super(target);
            this.billerId = billerId;
        }

        @Override
        public java.sql.Connection getConnection() throws java.sql.SQLException {
            try {
                java.sql.Connection connection = super.getConnection();
                if (unavailableUntil.remove(billerId) != null) {
                    LOG.info("Shard of biller {} is reachable again", billerId);
                }
                return connection;
            } catch (java.sql.SQLException e) {
                // Hikari reports a pool that is merely busy without a cause, and an interrupted wait (shutdown)
                // with an InterruptedException; a failed connect carries its cause
                if (e.getCause() != null && !(e.getCause() instanceof InterruptedException)) {
                    java.time.Duration backoff = properties.getShards().getUnavailableBackoff();
                    if (unavailableUntil.put(billerId, java.time.Instant.now().plus(backoff)) == null) {
                        LOG.warn("Shard of biller {} is unreachable ({}); its work is deferred for {} at a time",
                                billerId, e.getCause().toString(), backoff);
                    }
                }
                throw e;
            }
        }
    }

    @Override
    public void destroy() {
        pools.values().forEach(e -> e.dataSource().close());
        pools.clear();
        housekeeping.shutdownNow();
    }
}
