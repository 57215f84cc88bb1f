package io.datapump.recovery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.datapump.DataPumpProperties;
import io.datapump.sql.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Every pump process says it is alive in the registry's {@code ProcessorHeartbeat} table, every
 * datapump.heartbeat.interval, on a thread of its own (so it keeps beating while Camel drains at shutdown). The
 * sweeper asks {@link #deadProcessors()} for processes that stopped or whose beat is older than
 * datapump.heartbeat.timeout, releases what they held, and then {@link #forget}s them.
 * <p>
 * Staleness is judged by the registry's clock alone. A process judges the others only once its own beats have gone
 * through for a whole timeout without a failure: right after a registry outage (or its own start) every beat is old,
 * and a live process must have had the chance to beat again before it is called dead. A process that marked itself
 * stopped is dead at once.
 */
@Component
public class Heartbeats implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    /** A process that stopped or stopped beating: what the sweeper releases, and how it forgets it afterwards. */
    public record DeadProcessor(String processorId, long beats, boolean stopped) {
    }

    private final NamedParameterJdbcTemplate registry;
    private final String processorId;
    private final String roles;
    private final Duration timeout;
    private final ScheduledExecutorService beat;
    /** System.nanoTime() of the first beat of the current unbroken run of successful beats; 0 while failing. */
    private volatile long beatingSince;
    private volatile boolean stopped;

    public Heartbeats(NamedParameterJdbcTemplate registry, DataPumpProperties properties,
                      @Value("${datapump.roles:}") String roles,
                      @Value("${datapump.run.migrate:false}") boolean migrateOnly) {
        this.registry = registry;
        this.processorId = properties.resolvedProcessorId();
        this.roles = roles.length() > 200 ? roles.substring(0, 200) : roles;
        DataPumpProperties.Heartbeat settings = properties.getHeartbeat();
        this.timeout = settings.getTimeout();
        if (settings.getInterval().isNegative() || settings.getInterval().isZero()
                || settings.getTimeout().compareTo(settings.getInterval().multipliedBy(3)) < 0) {
            throw new IllegalStateException("datapump.heartbeat.timeout (" + settings.getTimeout() + ") must be at "
                    + "least three datapump.heartbeat.interval (" + settings.getInterval() + "): a live process that "
                    + "misses one beat must not be taken for dead");
        }
        this.beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat");
            t.setDaemon(true);
            return t;
        });
        if (migrateOnly) {
            // the migrate role holds no rows and exits when done: nothing to say
            stopped = true;
        } else {
            beat.scheduleWithFixedDelay(this::beat, 0, settings.getInterval().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("This process is processor {} (heartbeat every {}, taken for dead after {})", processorId,
                    settings.getInterval(), timeout);
        }
    }

    public String processorId() {
        return processorId;
    }

    void beat() {
        if (stopped) {
            return;
        }
        try {
            Map<String, Object> params = Map.of("processorId", processorId, "roles", roles);
            if (registry.update(SqlFiles.get("registry/heartbeat-beat"), params) == 0) {
                registry.update(SqlFiles.get("registry/heartbeat-insert"), params);
            }
            if (beatingSince == 0) {
                beatingSince = System.nanoTime();
            }
        } catch (RuntimeException e) {
            if (beatingSince != 0) {
                LOG.warn("Heartbeat of {} could not be written ({}); this process judges no other until its beats "
                        + "go through again for {}", processorId, e.toString(), timeout);
            }
            beatingSince = 0;
        }
    }

    /**
     * The processes the sweeper should release now: those that marked themselves stopped, and — once this process
     * has beaten without a failure for a whole timeout — those whose last beat is older than the timeout.
     */
    public List<DeadProcessor> deadProcessors() {
        boolean judgesStaleBeats = judgesOthers();
        return registry.query(SqlFiles.get("registry/heartbeat-dead"),
                        Map.of("processorId", processorId, "timeoutSeconds", Math.max(1, timeout.toSeconds())),
                        (rs, n) -> new DeadProcessor(rs.getString("ProcessorId"), rs.getLong("Beats"),
                                rs.getTimestamp("StoppedAt") != null))
                .stream().filter(d -> d.stopped() || judgesStaleBeats).toList();
    }

    /**
     * Whether this process may take another's stale beat for death now: only once its own beats have gone through
     * for a whole timeout (right after a registry outage, or its own start, every beat is old).
     */
    public boolean judgesOthers() {
        long since = beatingSince;
        return since != 0 && System.nanoTime() - since >= timeout.toNanos();
    }

    /** The dead process's rows were released everywhere: its heartbeat goes (unless it beat again meanwhile). */
    public void forget(DeadProcessor dead) {
        if (registry.update(SqlFiles.get("registry/heartbeat-forget"),
                Map.of("processorId", dead.processorId(), "beats", dead.beats())) == 1) {
            LOG.info("Processor {} {}; everything it held was released", dead.processorId(),
                    dead.stopped() ? "stopped" : "stopped beating");
        }
    }

    /**
     * The last step of a graceful shutdown (after Camel stopped): no more beats, and the process says it stopped, so
     * any live sweeper (or this process's successor, at its start) releases what it still holds at once.
     */
    @Override
    public void destroy() {
        if (stopped) {
            beat.shutdown();
            return;
        }
        stopped = true;
        beat.shutdown();
        try {
            // a beat under way must not land after the stop mark and clear it
            beat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            registry.update(SqlFiles.get("registry/heartbeat-stop"), Map.of("processorId", processorId));
        } catch (RuntimeException e) {
            LOG.warn("Could not mark processor {} stopped ({}); its rows are released once its heartbeat is older "
                    + "than {}", processorId, e.toString(), timeout);
        }
    }
}
