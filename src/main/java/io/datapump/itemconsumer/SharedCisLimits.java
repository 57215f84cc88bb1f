package io.datapump.itemconsumer;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.failure.DeferredFailure;
import io.datapump.shard.Shard;
import io.datapump.sql.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * A biller's CIS concurrency limit, circuit breaker and Retry-After hold, shared by every pump process through two
 * tables in the biller's shard ({@code CisSlot}, {@code CisBreaker}; docs/schema.md). Each is kept by conditional
 * {@code UPDATE}s whose count of updated rows says whether this process got what it asked for; no connection is held
 * while a call runs.
 * <ul>
 *   <li>Slots: a call needs one of the biller's slot rows (its registry limit, else {@code max-concurrent-per-biller}), taken with a lease of
 *   {@code slot-lease} that this process renews while the call runs: a killed process's slots come back when their
 *   lease runs out.</li>
 *   <li>Breaker: each process judges its own last {@code sliding-window} outcomes; the first to see the failure rate
 *   cross the threshold opens the shared breaker for all. Nothing is called before {@code wait-in-open} has passed;
 *   then at most {@code half-open-calls} trial calls are granted in total. One failing trial opens it again (a new
 *   phase, {@code wait-in-open} later); when all of them succeed it closes.</li>
 *   <li>Hold: a 429 with Retry-After stops every process calling that CIS until then.</li>
 * </ul>
 * What this process learnt is open or held is remembered until then, so a broken biller's items are deferred without
 * a database round trip. No library did this: Resilience4j's bulkhead and breaker live in one JVM, Bucket4j limits a
 * rate rather than calls in flight, ShedLock and Spring Integration's JDBC lock registry hold one lock per key.
 */
@Component
public class SharedCisLimits implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(SharedCisLimits.class);
    /** Tries for a slot per item while the breaker is closed and slots are free (racing callers can pick the same). */
    private static final int ATTEMPTS = 3;

    /** One slot held for one item's CIS call (a trial call of the half-open breaker if {@code trial}). */
    public static final class Slot {
        final Shard shard;
        final String billerId;
        final String token;
        final boolean trial;
        final long generation;
        final AtomicBoolean held = new AtomicBoolean(true);
        final AtomicBoolean trialDecided = new AtomicBoolean();

        Slot(Shard shard, String billerId, String token, boolean trial, long generation) {
            this.shard = shard;
            this.billerId = billerId;
            this.token = token;
            this.trial = trial;
            this.generation = generation;
        }

        public boolean trial() {
            return trial;
        }

        public String billerId() {
            return billerId;
        }
    }

    /** The shared breaker row as read, with the database's clock. */
    record Row(String state, LocalDateTime openUntil, int trialsLeft, long generation, LocalDateTime heldUntil,
               LocalDateTime now, int freeSlots) {
        boolean open() {
            return "Open".equals(state);
        }

        Duration held() {
            return heldUntil == null ? Duration.ZERO : positive(Duration.between(now, heldUntil));
        }

        Duration openFor() {
            return openUntil == null ? Duration.ZERO : positive(Duration.between(now, openUntil));
        }
    }

    /** What this process knows of one biller. */
    private final class Biller {
        final String id;
        volatile Shard shard;
        /** The limit its slot rows were created up to by this process (0: not yet). */
        volatile int preparedLimit;
        /** Its limit as last asked for: the registry's, or the global one. */
        volatile int limit = settings.getMaxConcurrentPerBiller();
        /** Until when (System.nanoTime) this process defers the biller's items without asking the database. */
        volatile long blockedUntil = System.nanoTime();
        volatile String blockedReason;
        volatile String blockedWhy;
        volatile CircuitBreaker.State seen = CircuitBreaker.State.CLOSED;
        final Set<String> tokens = ConcurrentHashMap.newKeySet();
        private final boolean[] window = new boolean[settings.getCircuitBreaker().getSlidingWindow()];
        private int next;
        private int recorded;

        Biller(String id) {
            this.id = id;
        }

        /** Adds an outcome to this process's window; true when it crosses the threshold (the window starts over). */
        synchronized boolean trips(boolean failed) {
            window[next] = failed;
            next = (next + 1) % window.length;
            recorded = Math.min(window.length, recorded + 1);
            if (recorded < settings.getCircuitBreaker().getMinimumCalls()) {
                return false;
            }
            int failures = 0;
            for (int i = 0; i < recorded; i++) {
                failures += window[i] ? 1 : 0;
            }
            if (failures * 100f >= settings.getCircuitBreaker().getFailureRateThreshold() * recorded) {
                forget();
                return true;
            }
            return false;
        }

        synchronized void forget() {
            java.util.Arrays.fill(window, false);
            next = 0;
            recorded = 0;
        }

        void block(String reason, Duration wait, String why) {
            blockedReason = reason;
            blockedWhy = why;
            blockedUntil = System.nanoTime() + wait.toNanos();
        }

        Duration blockedFor() {
            long left = blockedUntil - System.nanoTime();
            return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
        }

        void saw(CircuitBreaker.State state) {
            if (seen != CircuitBreaker.State.CLOSED && state == CircuitBreaker.State.CLOSED) {
                forget(); // closed again: what was seen before it opened counts no more
            }
            seen = state;
        }
    }

    private final DataPumpProperties.Cis settings;
    private final String processorId;
    private final MeterRegistry meters;
    private final int leaseMillis;
    private final Map<String, Biller> billers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService renewal;

    public SharedCisLimits(DataPumpProperties properties, MeterRegistry meters) {
        this.settings = properties.getCis();
        this.processorId = properties.resolvedProcessorId();
        this.meters = meters;
        Duration lease = settings.getSlotLease();
        Duration longestCall = Duration.ofMillis((long) settings.getConnectTimeout() + settings.getResponseTimeout());
        if (lease.compareTo(longestCall) <= 0) {
            throw new IllegalStateException("datapump.cis.slot-lease (" + lease + ") must be longer than a CIS call "
                    + "can take (connect-timeout + response-timeout = " + longestCall + ")");
        }
        this.leaseMillis = (int) Math.min(Integer.MAX_VALUE, lease.toMillis());
        this.renewal = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cis-slot-renewal");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100, lease.toMillis() / 3);
        renewal.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * A slot for one call to the biller's CIS, or a {@link DeferredFailure}: {@link CisGuard#BILLER_BUSY} when all
     * slots are taken, {@link CisGuard#CIRCUIT_OPEN} while the breaker is open (or its trials are all granted),
     * {@link CisGuard#CIS_HELD} while a Retry-After runs.
     */
    public Slot acquire(Shard shard, String billerId) {
        return acquire(shard, billerId, null);
    }

    /** A biller's CIS calls in flight at most, over all processes: its own limit, else the global one. */
    public int limitFor(Integer cisMaxConcurrent) {
        return cisMaxConcurrent == null ? settings.getMaxConcurrentPerBiller() : cisMaxConcurrent;
    }

    /**
     * As {@link #acquire(Shard, String)}, for a biller with its own limit ({@code cisMaxConcurrent}, null: the global
     * one). Slots 1..limit count; a lowered limit lets the calls above it finish and gives their slots to nobody.
     */
    public Slot acquire(Shard shard, String billerId, Integer cisMaxConcurrent) {
        Biller b = biller(billerId, shard);
        int limit = limitFor(cisMaxConcurrent);
        b.limit = limit;
        Duration blocked = b.blockedFor();
        if (!blocked.isZero()) {
            throw new DeferredFailure(b.blockedReason, blocked, b.blockedWhy);
        }
        prepare(b, shard);
        String token = UUID.randomUUID().toString();
        Map<String, Object> params = Map.of("billerId", billerId, "token", token, "processorId", processorId,
                "leaseMillis", leaseMillis, "limit", limit,
                "offset", java.util.concurrent.ThreadLocalRandom.current().nextInt(limit));
        Row row = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (shard.jdbc().update(SqlFiles.get("itemconsumer/cis-slot-acquire"), params) == 1) {
                b.saw(CircuitBreaker.State.CLOSED);
                return held(b, new Slot(shard, billerId, token, false, 0));
            }
            row = read(shard, billerId);
            if (row == null || row.open() || !row.held().isZero() || row.freeSlots() == 0) {
                break;
            }
            // a racing caller took the slot this one picked while others are free: pick again
            params = new java.util.HashMap<>(params);
            params.put("offset", java.util.concurrent.ThreadLocalRandom.current().nextInt(limit));
        }
        if (row != null && !row.held().isZero()) {
            String why = "the CIS of biller " + billerId + " asked for no calls before " + row.heldUntil() + " UTC "
                    + "(429 Retry-After)";
            b.block(CisGuard.CIS_HELD, row.held(), why);
            throw new DeferredFailure(CisGuard.CIS_HELD, row.held(), why);
        }
        if (row != null && row.open()) {
            if (!row.openFor().isZero()) {
                b.saw(CircuitBreaker.State.OPEN);
                String why = "the CIS circuit breaker of biller " + billerId + " is OPEN until " + row.openUntil()
                        + " UTC";
                b.block(CisGuard.CIRCUIT_OPEN, row.openFor(), why);
                throw new DeferredFailure(CisGuard.CIRCUIT_OPEN, row.openFor(), why);
            }
            b.saw(CircuitBreaker.State.HALF_OPEN);
            return trial(b, shard, params);
        }
        throw busy(billerId, limit);
    }

    /**
     * The slots a dead process (its heartbeat says so) still holds for the biller, freed now rather than when their
     * leases run out: its rows are released and their calls made again by live processes, which need the slots.
     * Returns how many were freed.
     */
    public int releaseSlotsOf(Shard shard, String billerId, String deadProcessorId) {
        return shard.jdbc().update(SqlFiles.get("itemconsumer/cis-slot-release-processor"),
                Map.of("billerId", billerId, "processorId", deadProcessorId));
    }

    /** Half-open: a trial of the current phase and a slot for it, or deferred. */
    private Slot trial(Biller b, Shard shard, Map<String, Object> params) {
        Long generation = shard.tx().execute(status -> {
            if (shard.jdbc().update(SqlFiles.get("itemconsumer/cis-breaker-trial"), Map.of("billerId", b.id,
                    "halfOpenCalls", settings.getCircuitBreaker().getHalfOpenCalls(), "leaseMillis", leaseMillis)) == 0) {
                return null;
            }
            Row granted = read(shard, b.id);
            return granted == null ? null : granted.generation();
        });
        if (generation == null) {
            // every trial of this phase is out: they decide; until then nobody else calls
            String why = "the CIS circuit breaker of biller " + b.id + " is HALF_OPEN and its trial calls are taken";
            Duration wait = min(settings.getBusyRetryDelay(), settings.getCircuitBreaker().getWaitInOpen());
            b.block(CisGuard.CIRCUIT_OPEN, wait, why);
            throw new DeferredFailure(CisGuard.CIRCUIT_OPEN, wait, why);
        }
        if (shard.jdbc().update(SqlFiles.get("itemconsumer/cis-slot-take"), params) == 0) {
            giveBack(shard, b.id, generation);
            throw busy(b.id, b.limit);
        }
        LOG.info("Trial call {} to the CIS of biller {} (half-open breaker)", generation, b.id);
        return held(b, new Slot(shard, b.id, (String) params.get("token"), true, generation));
    }

    private DeferredFailure busy(String billerId, int limit) {
        return new DeferredFailure(CisGuard.BILLER_BUSY, settings.getBusyRetryDelay(), "biller " + billerId
                + " already has " + limit + " CIS calls in flight (over all processes)");
    }

    private Slot held(Biller b, Slot slot) {
        b.tokens.add(slot.token);
        return slot;
    }

    /** The item is done with its slot (whatever happened): free again for every process. */
    public void release(Slot slot) {
        if (!slot.held.compareAndSet(true, false)) {
            return;
        }
        Biller b = billers.get(slot.billerId);
        try {
            if (slot.trial && slot.trialDecided.compareAndSet(false, true)) {
                giveBack(slot.shard, slot.billerId, slot.generation);
            }
            slot.shard.jdbc().update(SqlFiles.get("itemconsumer/cis-slot-release"),
                    Map.of("billerId", slot.billerId, "token", slot.token));
        } catch (RuntimeException e) {
            LOG.warn("Could not free a CIS slot of biller {} ({}); its lease frees it within {}", slot.billerId,
                    e.toString(), settings.getSlotLease());
        } finally {
            if (b != null) {
                b.tokens.remove(slot.token);
            }
        }
    }

    private void giveBack(Shard shard, String billerId, long generation) {
        shard.jdbc().update(SqlFiles.get("itemconsumer/cis-breaker-trial-return"),
                Map.of("billerId", billerId, "generation", generation));
    }

    /** The CIS answered (success or an answer about the item): a good outcome for the breaker. */
    public void succeeded(Slot slot) {
        Biller b = billers.get(slot.billerId);
        try {
            if (slot.trial) {
                if (slot.trialDecided.compareAndSet(false, true)
                        && slot.shard.jdbc().update(SqlFiles.get("itemconsumer/cis-breaker-trial-succeeded"),
                        Map.of("billerId", slot.billerId, "generation", slot.generation,
                                "halfOpenCalls", settings.getCircuitBreaker().getHalfOpenCalls())) == 1) {
                    Row row = read(slot.shard, slot.billerId);
                    if (row != null && !row.open()) {
                        LOG.info("The CIS circuit breaker of biller {} closed after its trial calls", slot.billerId);
                        b.saw(CircuitBreaker.State.CLOSED);
                    }
                }
            } else if (b != null) {
                b.trips(false);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not record a CIS outcome of biller {}: {}", slot.billerId, e.toString());
        }
    }

    /** The CIS call failed transiently: a bad outcome; it may open the breaker for every process. */
    public void failed(Slot slot) {
        Biller b = billers.get(slot.billerId);
        Map<String, Object> params = Map.of("billerId", slot.billerId, "generation", slot.generation,
                "halfOpenCalls", settings.getCircuitBreaker().getHalfOpenCalls(),
                "waitMillis", (int) Math.min(Integer.MAX_VALUE, settings.getCircuitBreaker().getWaitInOpen().toMillis()));
        try {
            boolean opened;
            if (slot.trial) {
                opened = slot.trialDecided.compareAndSet(false, true) && slot.shard.jdbc().update(
                        SqlFiles.get("itemconsumer/cis-breaker-trial-failed"), params) == 1;
            } else {
                opened = b != null && b.trips(true);
                if (opened && slot.shard.jdbc().update(SqlFiles.get("itemconsumer/cis-breaker-open"), params) == 1) {
                    LOG.warn("The CIS circuit breaker of biller {} opened for every process: the failure rate of "
                            + "this process's last calls crossed {}%", slot.billerId,
                            settings.getCircuitBreaker().getFailureRateThreshold());
                }
            }
            if (opened && b != null) {
                Row row = read(slot.shard, slot.billerId);
                if (row != null && row.open() && !row.openFor().isZero()) {
                    b.saw(CircuitBreaker.State.OPEN);
                    b.block(CisGuard.CIRCUIT_OPEN, row.openFor(), "the CIS circuit breaker of biller "
                            + slot.billerId + " is OPEN until " + row.openUntil() + " UTC");
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not record a CIS failure of biller {}: {}", slot.billerId, e.toString());
        }
    }

    /** The CIS answered 429 with Retry-After: no process calls it before then. */
    public void hold(Slot slot, Duration retryAfter) {
        if (retryAfter == null || retryAfter.isZero() || retryAfter.isNegative()) {
            return;
        }
        Biller b = billers.get(slot.billerId);
        String why = "the CIS of biller " + slot.billerId + " answered 429 with Retry-After " + retryAfter.toSeconds()
                + " s";
        if (b != null && b.blockedFor().compareTo(retryAfter) < 0) {
            b.block(CisGuard.CIS_HELD, retryAfter, why);
        }
        try {
            slot.shard.jdbc().update(SqlFiles.get("itemconsumer/cis-breaker-hold"), Map.of("billerId", slot.billerId,
                    "holdMillis", (int) Math.min(Integer.MAX_VALUE, retryAfter.toMillis())));
        } catch (RuntimeException e) {
            LOG.warn("Could not share the Retry-After hold of biller {}: {}", slot.billerId, e.toString());
        }
    }

    /**
     * Whether the slot's item may call the CIS again now (a quick redelivery): not a trial (its one outcome decides),
     * and the breaker is closed and no hold runs, for every process.
     */
    public boolean allowsAnotherCall(Slot slot) {
        Biller b = billers.get(slot.billerId);
        if (slot.trial || (b != null && !b.blockedFor().isZero())) {
            return false;
        }
        try {
            Row row = read(slot.shard, slot.billerId);
            return row != null && !row.open() && row.held().isZero();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether this process last saw the biller's breaker open (no database round trip). */
    public boolean knownOpen(String billerId) {
        Biller b = billers.get(billerId);
        return b != null && b.seen == CircuitBreaker.State.OPEN;
    }

    /** The shared breaker's state as the database has it now (the state this process last saw if it cannot tell). */
    public CircuitBreaker.State state(String billerId) {
        Biller b = billers.get(billerId);
        if (b == null || b.shard == null) {
            return CircuitBreaker.State.CLOSED;
        }
        try {
            return state(b.shard, billerId);
        } catch (RuntimeException e) {
            return b.seen;
        }
    }

    /** The shared breaker's state as the biller's shard has it now, whichever process asks. */
    public CircuitBreaker.State state(Shard shard, String billerId) {
        Row row = read(shard, billerId);
        if (row == null || !row.open()) {
            return CircuitBreaker.State.CLOSED;
        }
        return row.openFor().isZero() ? CircuitBreaker.State.HALF_OPEN : CircuitBreaker.State.OPEN;
    }

    /** Slots this process holds now for the biller. */
    public int heldSlots(String billerId) {
        Biller b = billers.get(billerId);
        return b == null ? 0 : b.tokens.size();
    }

    // ---- the rows ----------------------------------------------------------------------------------------------

    private Biller biller(String billerId, Shard shard) {
        Biller b = billers.computeIfAbsent(billerId, id -> {
            Biller created = new Biller(id);
            for (CircuitBreaker.State state : List.of(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN,
                    CircuitBreaker.State.HALF_OPEN)) {
                // the name Resilience4j's breakers had, which the alerts and dashboard read: this process's view
                Gauge.builder("resilience4j.circuitbreaker.state", created, x -> x.seen == state ? 1 : 0)
                        .description("The state of the shared CIS circuit breaker as this process last saw it")
                        .tags("name", id, "state", state.name().toLowerCase())
                        .register(meters);
            }
            Gauge.builder("datapump.cis.slots.held", created, x -> x.tokens.size())
                    .description("CIS slots of the biller this process holds now").tags("biller", id)
                    .register(meters);
            return created;
        });
        if (b.shard != shard) {
            b.shard = shard;
        }
        return b;
    }

    /** The biller's slot rows up to its limit and its breaker row exist (checked once per process, biller and limit). */
    private void prepare(Biller b, Shard shard) {
        int limit = b.limit;
        if (b.preparedLimit >= limit) {
            return;
        }
        Map<String, Object> present = shard.jdbc().queryForMap(SqlFiles.get("itemconsumer/cis-limits-present"),
                Map.of("billerId", b.id, "limit", limit));
        if (((Number) present.get("Slots")).intValue() < limit) {
            for (int slotNo = 1; slotNo <= limit; slotNo++) {
                create(shard, "itemconsumer/cis-slot-create", Map.of("billerId", b.id, "slotNo", slotNo));
            }
        }
        if (((Number) present.get("Breakers")).intValue() == 0) {
            create(shard, "itemconsumer/cis-breaker-create", Map.of("billerId", b.id));
        }
        b.preparedLimit = limit;
    }

    private static void create(Shard shard, String statement, Map<String, Object> params) {
        try {
            shard.jdbc().update(SqlFiles.get(statement), params);
        } catch (DataIntegrityViolationException createdByAnotherProcess) {
            // the same row, created at the same moment by another process
        }
    }

    private Row read(Shard shard, String billerId) {
        List<Row> rows = shard.jdbc().query(SqlFiles.get("itemconsumer/cis-breaker-read"),
                Map.of("billerId", billerId, "limit", limitOf(billerId)),
                (rs, n) -> new Row(rs.getString("State"), local(rs.getTimestamp("OpenUntil")), rs.getInt("TrialsLeft"),
                        rs.getLong("Generation"), local(rs.getTimestamp("HeldUntil")), local(rs.getTimestamp("Now")),
                        rs.getInt("FreeSlots")));
        return rows.isEmpty() ? null : rows.get(0);
    }

    private int limitOf(String billerId) {
        Biller b = billers.get(billerId);
        return b == null ? settings.getMaxConcurrentPerBiller() : b.limit;
    }

    /** Renews the leases of the slots this process holds, per biller, every third of a lease. */
    void renew() {
        for (Biller b : billers.values()) {
            List<String> tokens = List.copyOf(b.tokens);
            Shard shard = b.shard;
            if (tokens.isEmpty() || shard == null) {
                continue;
            }
            try {
                for (List<String> chunk : SqlFiles.inListChunks(tokens)) {
                    shard.jdbc().update(SqlFiles.get("itemconsumer/cis-slot-renew"),
                            Map.of("billerId", b.id, "tokens", chunk, "leaseMillis", leaseMillis));
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not renew the CIS slot leases of biller {}: {}", b.id, e.toString());
            }
        }
    }

    @Override
    public void destroy() {
        renewal.shutdownNow();
    }

    private static LocalDateTime local(Timestamp t) {
        return t == null ? null : t.toLocalDateTime();
    }

    private static Duration positive(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
