package io.datapump.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.datapump.DataPumpProperties;
import io.datapump.failure.UnknownBillerException;
import io.datapump.sql.SqlFiles;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads the biller registry (the central Biller table). Item consumers look billers up through a snapshot cached for
 * datapump.registry.cache-ttl; the publisher and the status API read it fresh.
 */
@Component
public class BillerRegistry {

    private final JdbcTemplate registry;
    private final DataPumpProperties properties;
    private final Clock clock;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Instant.EPOCH);

    private record Snapshot(Map<String, Biller> byId, Instant loadedAt) {
    }

    public BillerRegistry(JdbcTemplate registry, DataPumpProperties properties) {
        this.registry = registry;
        this.properties = properties;
        this.clock = Clock.systemUTC();
    }

    /** Every biller, read from the registry now. */
    public List<Biller> reload() {
        List<Biller> billers = registry.query(SqlFiles.get("registry/billers"), (rs, n) -> new Biller(
                rs.getString("BillerId"),
                rs.getString("Name"),
                Lane.of(rs.getString("Lane")),
                rs.getBoolean("DataPumpV2Enabled"),
                rs.getBoolean("Paused"),
                rs.getString("ShardJdbcUrl"),
                rs.getString("CisBaseUrl"),
                BillerMode.of(rs.getString("Mode")),
                new CisAuth(CisAuth.Kind.of(rs.getString("CisAuth")), rs.getString("CisSecretRef"),
                        rs.getString("CisAuthHeader"), rs.getString("CisTokenUrl"), rs.getString("CisClientId"),
                        rs.getString("CisScope")),
                rs.getObject("CisMaxConcurrent", Integer.class)));
        Map<String, Biller> byId = new LinkedHashMap<>();
        billers.forEach(b -> byId.put(b.id(), b));
        snapshot = new Snapshot(Map.copyOf(byId), clock.instant());
        return billers;
    }

    /** Billers with the feature toggle on and not paused, whatever their mode. */
    public List<Biller> active() {
        return reload().stream().filter(Biller::active).toList();
    }

    /** The billers the publisher should scan now: active and in adapter mode (direct billers publish themselves). */
    public List<Biller> polled() {
        return reload().stream().filter(Biller::polled).toList();
    }

    /** A biller from the cached snapshot (refreshed when older than the cache TTL). */
    public Optional<Biller> find(String billerId) {
        Snapshot current = snapshot;
        Instant now = clock.instant();
        boolean expired = current.loadedAt().plus(properties.getRegistry().getCacheTtl()).isBefore(now);
        // a biller added since the last load is picked up at once, but a flood of unknown ids reloads at most 1/s
        boolean missing = billerId != null && !current.byId().containsKey(billerId)
                && current.loadedAt().plusSeconds(1).isBefore(now);
        if (expired || missing) {
            reload();
            current = snapshot;
        }
        return Optional.ofNullable(current.byId().get(billerId));
    }

    /**
     * A biller as the registry has it now, for decisions a stale snapshot would get wrong (a biller switched to
     * direct mode moments ago): the snapshot is reloaded unless it is under a second old, so a flood of messages
     * reloads it at most once a second.
     */
    public Optional<Biller> findFresh(String billerId) {
        if (snapshot.loadedAt().plusSeconds(1).isBefore(clock.instant())) {
            reload();
        }
        return Optional.ofNullable(snapshot.byId().get(billerId));
    }

    /** Like {@link #find} but an unknown biller is an error. */
    public Biller require(String billerId) {
        return find(billerId).orElseThrow(() -> new UnknownBillerException(billerId));
    }
}
