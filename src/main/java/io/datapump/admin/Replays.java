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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
import io.datapump.recovery.Heartbeats;
import io.datapump.recovery.Republishing.Republish;
import io.datapump.recovery.Republishing;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;
import io.datapump.sql.SqlFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Replay of failed items from the control table: a dry run counts and samples a selection; a real replay runs as a
 * background job at a limited rate, recorded in the registry's Replay table. A job may replay a canary first (the
 * first N items alone; it goes on only when each is Processed), can be cancelled, and saves where it got to with
 * every page: when its process dies, a live one takes it over and resumes it ({@link #resumeOrphans}). Replaying one item takes its row out of
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
    private final Heartbeats heartbeats;
    private final String processorId;
    private final long heartbeatTimeoutSeconds;
    private final ExecutorService jobs = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "replay-job");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService resumer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replay-resumer");
        t.setDaemon(true);
        return t;
    });

    public Replays(BillerRegistry registry, ShardDataSources shards, Republishing republishing, KillDate killDate,
                   NamedParameterJdbcTemplate registryDb,
                   ObjectMapper json, MeterRegistry meters, Archiver archiver, DataPumpProperties properties,
                   Heartbeats heartbeats) {
        this.heartbeats = heartbeats;
        this.processorId = heartbeats.processorId();
        this.heartbeatTimeoutSeconds = Math.max(1, properties.getHeartbeat().getTimeout().toSeconds());
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

    /**
     * Looks for orphaned jobs only once the application is ready: a job resumed while the routes were still starting
     * (a slow start) would find no route to publish its items on, and stop.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void startResuming() {
        long every = settings.getResumeCheck().toMillis();
        resumer.scheduleWithFixedDelay(this::resumeOrphans, every, every, TimeUnit.MILLISECONDS);
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

    /** Up to {@code limit} of the Failed items a selection names (what a page lists), oldest record first. */
    public List<Map<String, Object>> failed(ReplaySelection selection, int limit) {
        selection.validate(settings.getMaxRate());
        List<Map<String, Object>> items = new ArrayList<>();
        for (Biller biller : billers(selection)) {
            if (items.size() < limit) {
                page(biller, selection, 0, limit - items.size()).forEach(c -> items.add(c.sample()));
            }
        }
        return items;
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
        row.put("canary", selection.canaryItems());
        row.put("canaryState", selection.canaryItems() > 0 ? CANARY_REPLAYING : null);
        row.put("runBy", processorId);
        registryDb.update(SqlFiles.get("registry/replay-insert"), row);
        Job job = new Job(id, selection, rate, selection.canaryItems());
        job.canaryState = selection.canaryItems() > 0 ? CANARY_REPLAYING : null;
        jobs.submit(() -> run(job));
        return status(id);
    }

    /**
     * Asks a running job to stop: it stops before its next item (or while it waits for its canary) as Cancelled.
     * 409 when the job is not running.
     */
    public ReplayStatus cancel(String replayId, String actor) {
        ReplayStatus status = status(replayId);
        if (registryDb.update(SqlFiles.get("registry/replay-cancel"), Map.of("replayId", replayId, "actor", actor)) == 0) {
            throw ApiException.conflict("replay " + replayId + " is not running (" + status.status() + ")");
        }
        return status(replayId);
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

    static final String CANARY_REPLAYING = "Replaying";
    static final String CANARY_WAITING = "Waiting";
    static final String CANARY_PASSED = "Passed";

    /** A job as it runs: what it replays, and how far it got (saved with every page, so another process resumes it). */
    static final class Job {
        final String id;
        final ReplaySelection selection;
        final int rate;
        final int canary;
        int replayed;
        int skipped;
        String canaryState;
        final List<String> canaryIds = new ArrayList<>();
        String cursorBiller;
        long cursorRecord;
        long cancelCheckedAt;
        long savedAt;

        Job(String id, ReplaySelection selection, int rate, int canary) {
            this.id = id;
            this.selection = selection;
            this.rate = rate;
            this.canary = canary;
        }
    }

    /** The job ended (Completed, Cancelled, CanaryFailed, Failed): nothing more to do. */
    private static final class Ended extends RuntimeException {
        Ended() {
            super(null, null, false, false);
        }
    }

    private void run(Job job) {
        ReplaySelection selection = job.selection;
        RateLimiter limiter = RateLimiter.of("replay-" + job.id, RateLimiterConfig.custom()
                .limitForPeriod(job.rate).limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofMinutes(5)).build());
        try {
            List<Biller> billers = billers(selection);
            if (selection.byRecordIds() && job.cursorBiller == null) {
                billers.forEach(b -> archiver.restoreFailed(b, selection.recordIds()));
            }
            if (CANARY_WAITING.equals(job.canaryState)) {
                judgeCanary(job); // resumed while its canary was out
            }
            boolean atCursor = job.cursorBiller == null;
            for (Biller biller : billers) {
                long afterId = 0;
                if (!atCursor) {
                    if (!biller.id().equals(job.cursorBiller)) {
                        continue;
                    }
                    atCursor = true;
                    afterId = job.cursorRecord;
                }
                while (true) {
                    final long after = afterId;
                    List<Candidate> page = page(biller, selection, afterId, settings.getPageSize()).stream()
                            .filter(c -> c.recordId() > after).toList();
                    for (Candidate candidate : page) {
                        checkCancel(job, false);
                        if (!limiter.acquirePermission()) {
                            throw new IllegalStateException("rate limiter gave no permit within its timeout");
                        }
                        if (replay(candidate)) {
                            job.replayed++;
                            if (CANARY_REPLAYING.equals(job.canaryState)) {
                                job.canaryIds.add(biller.id() + ":" + candidate.recordId());
                            }
                        } else {
                            job.skipped++;
                        }
                        job.cursorBiller = biller.id();
                        job.cursorRecord = candidate.recordId();
                        afterId = candidate.recordId();
                        if (CANARY_REPLAYING.equals(job.canaryState) && job.canaryIds.size() >= job.canary) {
                            judgeCanary(job);
                        }
                        checkpoint(job);
                    }
                    save(job, "Running", null);
                    if (page.size() < settings.getPageSize() || selection.byRecordIds()) {
                        break;
                    }
                }
            }
            if (CANARY_REPLAYING.equals(job.canaryState) && !job.canaryIds.isEmpty()) {
                judgeCanary(job); // the whole selection was smaller than the canary
            }
            save(job, "Completed", null);
            LOG.info("Replay {} completed: {} replayed, {} skipped", job.id, job.replayed, job.skipped);
        } catch (Ended ended) {
            // its outcome is recorded
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                // this process is stopping: the job stays Running, and a live process resumes it where it was
                save(job, "Running", null);
                LOG.info("Replay {} paused at shutdown after {} item(s); another process resumes it", job.id,
                        job.replayed);
            } else {
                save(job, "Failed", e.toString());
                LOG.warn("Replay {} stopped after {} item(s): {}", job.id, job.replayed, e.toString());
            }
        }
    }

    /**
     * Waits until every canary item is Processed (then the job goes on) or one is Failed again, or the canary
     * timeout passes (then the job ends CanaryFailed and nothing more is replayed).
     */
    private void judgeCanary(Job job) {
        job.canaryState = CANARY_WAITING;
        save(job, "Running", null);
        long deadline = System.nanoTime() + settings.getCanaryTimeout().toNanos();
        while (true) {
            checkCancel(job, true);
            Map<String, Map<String, Object>> states = canaryStates(job);
            for (String item : job.canaryIds) {
                Map<String, Object> row = states.get(item);
                if (row != null && "Failed".equals(row.get("State"))) {
                    save(job, "CanaryFailed", "canary item " + item + " failed again (" + row.get("LastErrorClass")
                            + ": " + row.get("LastError") + "); nothing more was replayed");
                    LOG.warn("Replay {}: canary item {} failed again; the job stopped", job.id, item);
                    throw new Ended();
                }
            }
            if (job.canaryIds.stream().allMatch(i -> states.containsKey(i)
                    && "Processed".equals(states.get(i).get("State")))) {
                job.canaryState = CANARY_PASSED;
                save(job, "Running", null);
                LOG.info("Replay {}: its {} canary item(s) were delivered; replaying the rest", job.id,
                        job.canaryIds.size());
                return;
            }
            if (System.nanoTime() > deadline) {
                save(job, "CanaryFailed", "the canary items were not all Processed within "
                        + settings.getCanaryTimeout() + " (datapump.replay.canary-timeout); nothing more was replayed");
                throw new Ended();
            }
            try {
                TimeUnit.MILLISECONDS.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the canary", e);
            }
        }
    }

    /** The canary items' control rows, by billerId:recordId. */
    private Map<String, Map<String, Object>> canaryStates(Job job) {
        Map<String, List<Long>> byBiller = new LinkedHashMap<>();
        for (String item : job.canaryIds) {
            int colon = item.lastIndexOf(':');
            byBiller.computeIfAbsent(item.substring(0, colon), b -> new ArrayList<>())
                    .add(Long.parseLong(item.substring(colon + 1)));
        }
        Map<String, Map<String, Object>> states = new HashMap<>();
        byBiller.forEach((billerId, ids) -> registry.find(billerId).ifPresent(biller -> shards.forBiller(biller)
                .jdbc().queryForList(SqlFiles.get("status/replay-canary-states"), Map.of("recordIds", ids))
                .forEach(r -> states.put(billerId + ":" + ((Number) r.get("DataPumpRecordId")).longValue(), r))));
        return states;
    }

    /** At most once a second: the job's progress is saved (where it got to, for a live signal and for resuming). */
    private void checkpoint(Job job) {
        long t = System.nanoTime();
        if (t - job.savedAt >= 1_000_000_000L) {
            job.savedAt = t;
            save(job, "Running", null);
        }
    }

    /** Ends the job as Cancelled if an operator asked (looked up at most once a second, or now when {@code now}). */
    private void checkCancel(Job job, boolean now) {
        long t = System.nanoTime();
        if (!now && t - job.cancelCheckedAt < 1_000_000_000L) {
            return;
        }
        job.cancelCheckedAt = t;
        ReplayStatus status = status(job.id);
        if (status.cancelRequestedBy() != null) {
            save(job, "Cancelled", "cancelled by " + status.cancelRequestedBy() + " after " + job.replayed
                    + " item(s)");
            LOG.info("Replay {} cancelled by {} after {} item(s)", job.id, status.cancelRequestedBy(), job.replayed);
            throw new Ended();
        }
        if (!"Running".equals(status.status()) || !processorId.equals(status.runBy())) {
            // another process took it over (this one was taken for dead): it goes on there
            LOG.warn("Replay {} is run by {} now; this process stops it here", job.id, status.runBy());
            throw new Ended();
        }
    }

    private void save(Job job, String status, String error) {
        Map<String, Object> p = new HashMap<>();
        p.put("replayId", job.id);
        p.put("runBy", processorId);
        p.put("replayed", job.replayed);
        p.put("skipped", job.skipped);
        p.put("status", status);
        p.put("error", error);
        p.put("canaryState", job.canaryState);
        p.put("canaryIds", job.canaryIds.isEmpty() ? null : String.join(",", job.canaryIds));
        p.put("cursorBillerId", job.cursorBiller);
        p.put("cursorRecordId", job.cursorBiller == null ? null : job.cursorRecord);
        registryDb.update(SqlFiles.get("registry/replay-progress"), p);
    }

    /**
     * Takes over Running jobs whose process is gone and resumes each where it was: the items it replayed are no
     * longer Failed, so none is replayed twice. Stale heartbeats are trusted only once this process has beaten
     * through a whole timeout itself (as the sweeper does).
     */
    void resumeOrphans() {
        try {
            if (!heartbeats.judgesOthers()) {
                return;
            }
            List<Map<String, Object>> orphans = registryDb.queryForList(SqlFiles.get("registry/replay-orphaned"),
                    Map.of("processorId", processorId, "timeoutSeconds", heartbeatTimeoutSeconds));
            for (Map<String, Object> orphan : orphans) {
                String id = (String) orphan.get("ReplayId");
                Map<String, Object> take = new HashMap<>();
                take.put("replayId", id);
                take.put("processorId", processorId);
                take.put("previous", orphan.get("RunBy"));
                if (registryDb.update(SqlFiles.get("registry/replay-take-over"), take) == 1) {
                    Job job = resumed(id);
                    LOG.info("Replay {} of a process that is gone ({}) resumes here after {} item(s)", id,
                            orphan.get("RunBy"), job.replayed);
                    jobs.submit(() -> run(job));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not look for replay jobs to resume: {}", e.toString());
        }
    }

    private Job resumed(String id) {
        Map<String, Object> row = registryDb.queryForMap(SqlFiles.get("registry/replay-find"), Map.of("replayId", id));
        ReplaySelection selection;
        try {
            selection = json.readValue((String) row.get("Selection"), ReplaySelection.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("replay " + id + " has an unreadable selection", e);
        }
        Job job = new Job(id, selection, ((Number) row.get("RatePerSecond")).intValue(),
                ((Number) row.get("Canary")).intValue());
        job.replayed = ((Number) row.get("Replayed")).intValue();
        job.skipped = ((Number) row.get("Skipped")).intValue();
        job.canaryState = (String) row.get("CanaryState");
        String ids = (String) row.get("CanaryIds");
        if (ids != null && !ids.isBlank()) {
            job.canaryIds.addAll(List.of(ids.split(",")));
        }
        job.cursorBiller = (String) row.get("CursorBillerId");
        Object cursor = row.get("CursorRecordId");
        job.cursorRecord = cursor == null ? 0 : ((Number) cursor).longValue();
        return job;
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

    private ReplayStatus status(java.sql.ResultSet rs) throws java.sql.SQLException {
        Timestamp finished = rs.getTimestamp("FinishedAt");
        return new ReplayStatus(rs.getString("ReplayId"), rs.getString("RequestedBy"),
                rs.getTimestamp("RequestedAt").toInstant(), rs.getString("Source"), rs.getString("Selection"),
                rs.getString("Reason"), rs.getInt("RatePerSecond"), rs.getInt("Selected"), rs.getInt("Replayed"),
                rs.getInt("Skipped"), rs.getString("Status"), finished == null ? null : finished.toInstant(),
                rs.getString("Error"), rs.getInt("Canary"), rs.getString("CanaryState"),
                rs.getString("CanaryIds") == null ? null : List.of(rs.getString("CanaryIds").split(",")),
                rs.getString("RunBy"), rs.getString("CancelRequestedBy"));
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
        resumer.shutdownNow();
        jobs.shutdownNow();
    }
}
