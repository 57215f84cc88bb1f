package io.datapump.admin;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;

import io.datapump.DataPumpProperties;
import io.datapump.control.ControlRecords;
import io.datapump.message.ItemMessage;
import io.datapump.message.KillDate;
import io.datapump.recovery.Archiver;
import io.datapump.recovery.Republishing.Republish;
import io.datapump.recovery.Republishing;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.sql.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Replay of failed items from the control table: a dry run counts and samples a selection; a real replay runs as a
 * background job at a limited rate, recorded in the registry's Replay table. Replaying one item takes its row out of
 * Failed and publishes a fresh item message (new kill date, no retries spent) through {@link Republishing}, so two
 * replays of the same item (from the table and from a dead-letter message) never both publish it.
 */
@Service
public class Replays implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(Replays.class);
    static final int SAMPLE_SIZE = 10;

    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final Republishing republishing;
    private final KillDate killDate;
    private final NamedParameterJdbcTemplate registryDb;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final Archiver archiver;
    private final DataPumpProperties.Replay settings;
    private final ExecutorService jobs = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "replay-job");
        t.setDaemon(true);
        return t;
    });

    public Replays(BillerRegistry registry, ShardDataSources shards, Republishing republishing, KillDate killDate,
                   NamedParameterJdbcTemplate registryDb,
                   ObjectMapper json, MeterRegistry meters, Archiver archiver, DataPumpProperties properties) {
        this.archiver = archiver;
        this.registry = registry;
        this.shards = shards;
        this.republishing = republishing;
        this.killDate = killDate;
        this.registryDb = registryDb;
        this.json = json;
        this.meters = meters;
        this.settings = properties.getReplay();
    }

    /** One Failed row selected for replay. */
    record Candidate(Biller biller, long recordId, String itemType, long sourceId, String errorClass, Instant failedAt) {
        Map<String, Object> sample() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("billerId", biller.id());
            m.put("recordId", recordId);
            m.put("itemType", itemType);
            m.put("errorClass", errorClass);
            m.put("failedAt", failedAt);
            return m;
        }
    }

    /** The count and a sample of what a selection would replay; nothing changes. */
    public Map<String, Object> dryRun(ReplaySelection selection) {
        selection.validate(settings.getMaxRate());
        long count = 0;
        List<Map<String, Object>> sample = new ArrayList<>();
        for (Biller biller : billers(selection)) {
            count += count(biller, selection);
            if (sample.size() < SAMPLE_SIZE) {
                page(biller, selection, 0, SAMPLE_SIZE - sample.size()).forEach(c -> sample.add(c.sample()));
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("dryRun", true);
        result.put("count", count);
        result.put("sample", sample);
        return result;
    }

    /** Starts a replay job; returns its status (Running) at once. */
    public ReplayStatus start(ReplaySelection selection, String actor) {
        selection.validate(settings.getMaxRate());
        List<Biller> billers = billers(selection);
        long selected = billers.stream().mapToLong(b -> count(b, selection)).sum();
        int rate = selection.rate() == null ? settings.getDefaultRate() : selection.rate();
        String id = UUID.randomUUID().toString();
        Map<String, Object> row = new HashMap<>();
        row.put("replayId", id);
        row.put("requestedBy", actor);
        row.put("source", "control-table");
        row.put("selection", toJson(selection));
        row.put("reason", selection.reason());
        row.put("rate", rate);
        row.put("selected", (int) Math.min(Integer.MAX_VALUE, selected));
        registryDb.update(SqlFiles.get("registry/replay-insert"), row);
        jobs.submit(() -> run(id, selection, billers, rate));
        return status(id);
    }

    public ReplayStatus status(String replayId) {
        List<ReplayStatus> found = registryDb.query(SqlFiles.get("registry/replay-find"), Map.of("replayId", replayId),
                (rs, n) -> status(rs));
        if (found.isEmpty()) {
            throw ApiException.notFound("no replay " + replayId);
        }
        return found.get(0);
    }

    public List<ReplayStatus> recent(int limit) {
        return registryDb.query(SqlFiles.get("registry/replay-list"), Map.of("limit", limit), (rs, n) -> status(rs));
    }

    /** Outcome of replaying one named item. */
    public enum Outcome { REPLAYED, NOT_FAILED, UNKNOWN }

    /** Replays one item by biller and record id (used for dead-letter messages); a row that is not Failed stays. */
    public Outcome replayRecord(String billerId, long recordId) {
        Biller biller = registry.find(billerId).orElse(null);
        if (biller == null) {
            return Outcome.UNKNOWN;
        }
        List<Map<String, Object>> rows = shards.forBiller(biller).jdbc()
                .queryForList(SqlFiles.get("status/replay-item"), Map.of("recordId", recordId));
        if (rows.isEmpty()) {
            return Outcome.UNKNOWN;
        }
        Candidate candidate = candidate(biller, rows.get(0));
        return replay(candidate) ? Outcome.REPLAYED : Outcome.NOT_FAILED;
    }

    private void run(String id, ReplaySelection selection, List<Biller> billers, int rate) {
        if (selection.byRecordIds()) {
            billers.forEach(b -> archiver.restoreFailed(b, selection.recordIds()));
        }
        RateLimiter limiter = RateLimiter.of("replay-" + id, RateLimiterConfig.custom()
                .limitForPeriod(rate).limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ofMinutes(5))
                .build());
        int replayed = 0;
        int skipped = 0;
        try {
            for (Biller biller : billers) {
                long afterId = 0;
                while (true) {
                    List<Candidate> page = page(biller, selection, afterId, settings.getPageSize());
                    for (Candidate candidate : page) {
                        if (!limiter.acquirePermission()) {
                            throw new IllegalStateException("rate limiter gave no permit within its timeout");
                        }
                        if (replay(candidate)) {
                            replayed++;
                        } else {
                            skipped++;
                        }
                        afterId = candidate.recordId();
                    }
                    progress(id, replayed, skipped, "Running", null);
                    if (page.size() < settings.getPageSize() || selection.byRecordIds()) {
                        break;
                    }
                }
            }
            progress(id, replayed, skipped, "Completed", null);
            LOG.info("Replay {} completed: {} replayed, {} skipped", id, replayed, skipped);
        } catch (RuntimeException e) {
            boolean interrupted = Thread.currentThread().isInterrupted();
            progress(id, replayed, skipped, interrupted ? "Interrupted" : "Failed", e.toString());
            LOG.warn("Replay {} stopped after {} item(s): {}", id, replayed, e.toString());
        }
    }

    /**
     * Failed -> a fresh item message (new kill date, no retries spent), through the republishing steps (the row is
     * committed Fetched before the message exists); false when the row is not Failed.
     */
    private boolean replay(Candidate c) {
        String lane = c.biller().lane().id();
        ItemMessage item = new ItemMessage(c.biller().id(), lane, c.itemType(), c.recordId(), c.sourceId(),
                UUID.randomUUID().toString(), Instant.now(), killDate.deadline(lane), 0);
        if (!republishing.republish(new Republish(c.biller(), item, ControlRecords.Take.FAILED, null, "replay"))) {
            return false;
        }
        meters.counter("datapump.items.replayed", "biller", c.biller().id(), "lane", lane).increment();
        return true;
    }

    private List<Biller> billers(ReplaySelection selection) {
        if (selection.billerId() == null) {
            return registry.reload();
        }
        return List.of(registry.find(selection.billerId())
                .orElseThrow(() -> ApiException.notFound("unknown biller '" + selection.billerId() + "'")));
    }

    private long count(Biller biller, ReplaySelection s) {
        if (s.byRecordIds()) {
            return page(biller, s, 0, s.recordIds().size()).size();
        }
        Long n = shards.forBiller(biller).jdbc().queryForObject(SqlFiles.get("status/replay-count"), filters(s), Long.class);
        return n == null ? 0 : n;
    }

    private List<Candidate> page(Biller biller, ReplaySelection s, long afterId, int limit) {
        if (s.byRecordIds()) {
            List<Candidate> found = new ArrayList<>();
            for (List<Long> chunk : SqlFiles.inListChunks(s.recordIds())) {
                shards.forBiller(biller).jdbc().queryForList(SqlFiles.get("status/replay-select-ids"),
                        Map.of("recordIds", chunk)).forEach(r -> found.add(candidate(biller, r)));
            }
            // archived failures can be replayed by id too
            for (List<Long> chunk : SqlFiles.inListChunks(s.recordIds())) {
                shards.forBiller(biller).jdbc().queryForList(SqlFiles.get("control/archived-failed-ids"),
                        Map.of("recordIds", chunk)).forEach(r -> found.add(candidate(biller, r)));
            }
            return found.stream().limit(limit).toList();
        }
        Map<String, Object> params = filters(s);
        params.put("afterId", afterId);
        params.put("limit", limit);
        return shards.forBiller(biller).jdbc().queryForList(SqlFiles.get("status/replay-select"), params).stream()
                .map(r -> candidate(biller, r)).toList();
    }

    private static Map<String, Object> filters(ReplaySelection s) {
        Map<String, Object> p = new HashMap<>();
        p.put("itemType", s.itemType());
        p.put("errorClass", s.errorClass());
        p.put("failedFrom", s.failedFrom() == null ? null : Timestamp.from(s.failedFrom()));
        p.put("failedTo", s.failedTo() == null ? null : Timestamp.from(s.failedTo()));
        return p;
    }

    private static Candidate candidate(Biller biller, Map<String, Object> r) {
        return new Candidate(biller, ((Number) r.get("DataPumpRecordId")).longValue(), (String) r.get("ItemType"),
                ((Number) r.get("SourceId")).longValue(), (String) r.get("LastErrorClass"),
                ((Timestamp) r.get("StateChangedAt")).toInstant());
    }

    private void progress(String id, int replayed, int skipped, String status, String error) {
        Map<String, Object> p = new HashMap<>();
        p.put("replayId", id);
        p.put("replayed", replayed);
        p.put("skipped", skipped);
        p.put("status", status);
        p.put("error", error);
        registryDb.update(SqlFiles.get("registry/replay-progress"), p);
    }

    private ReplayStatus status(java.sql.ResultSet rs) throws java.sql.SQLException {
        Timestamp finished = rs.getTimestamp("FinishedAt");
        return new ReplayStatus(rs.getString("ReplayId"), rs.getString("RequestedBy"),
                rs.getTimestamp("RequestedAt").toInstant(), rs.getString("Source"), rs.getString("Selection"),
                rs.getString("Reason"), rs.getInt("RatePerSecond"), rs.getInt("Selected"), rs.getInt("Replayed"),
                rs.getInt("Skipped"), rs.getString("Status"), finished == null ? null : finished.toInstant(),
                rs.getString("Error"));
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void destroy() {
        jobs.shutdownNow();
    }
}
