package io.datapump.shard;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The process's budget of open shard connections (datapump.shards.connection-budget): every physical connection any
 * shard pool opens holds a place until the pool closes it, so a pod's SQL sessions stay bounded however many billers
 * it serves. When no place is free, the idle connections of the least recently used pools are closed to make room
 * (see {@link ShardDataSources}) and the opener waits, at most datapump.shards.connection-timeout.
 */
final class ConnectionBudget {

    /** No place came free in time: the shard is busy, not unreachable. */
    static final class Exhausted extends SQLTransientConnectionException {
        Exhausted(int size, Duration waited) {
            super("all " + size + " shard connections of this process (datapump.shards.connection-budget) were in use"
                    + " for " + waited.toMillis() + " ms");
        }
    }

    private final int size;
    private final Semaphore places;
    private final Runnable makeRoom;
    private final AtomicInteger peak = new AtomicInteger();

    /**
     * @param makeRoom asked to close some idle connection when no place is free (it may find none)
     */
    ConnectionBudget(int size, Runnable makeRoom) {
        this.size = size;
        this.places = new Semaphore(size, true);
        this.makeRoom = makeRoom;
    }

    /** A data source whose connections each hold a place of the budget until they are closed. */
    DataSource guard(DataSource physical, Duration wait) {
        return new DelegatingDataSource(physical) {
            @Override
            public Connection getConnection() throws SQLException {
                return open(physical, wait);
            }
        };
    }

    private Connection open(DataSource physical, Duration wait) throws SQLException {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (!places.tryAcquire()) {
                // a pool that just went idle may be the room: look again every few milliseconds
                makeRoom.run();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new Exhausted(size, wait);
                }
                if (places.tryAcquire(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for a shard connection", e);
        }
        peak.accumulateAndGet(inUse(), Math::max);
        try {
            return new BudgetedConnection(physical.getConnection(), places::release);
        } catch (SQLException | RuntimeException | Error e) {
            places.release();
            throw e;
        }
    }

    /** Physical shard connections open now. */
    int inUse() {
        return size - places.availablePermits();
    }

    /** The most that were ever open at once. */
    int peak() {
        return peak.get();
    }

    int size() {
        return size;
    }
}
