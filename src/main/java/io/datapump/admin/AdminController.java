package io.datapump.admin;

import java.net.URI;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Failure groups, replay (control table and dead-letter queue), per-biller rerun, and the audit trail. */
@RestController
@RequestMapping("/api")
public class AdminController {

    private final FailureGroups failureGroups;
    private final Replays replays;
    private final DeadLetterReplay deadLetterReplay;
    private final Rerun rerun;
    private final BillerSettings settings;
    private final RunReports runReports;
    private final AdminAudit audit;
    private final ObjectMapper json;

    public AdminController(FailureGroups failureGroups, Replays replays, DeadLetterReplay deadLetterReplay,
                           Rerun rerun, BillerSettings settings, RunReports runReports, AdminAudit audit,
                           ObjectMapper json) {
        this.settings = settings;
        this.runReports = runReports;
        this.failureGroups = failureGroups;
        this.replays = replays;
        this.deadLetterReplay = deadLetterReplay;
        this.rerun = rerun;
        this.audit = audit;
        this.json = json;
    }

    @GetMapping("/failures")
    public Map<String, List<FailureGroup>> failures() {
        return Map.of("groups", failureGroups.all());
    }

    /** Dry run: 200 with count and sample. Otherwise: 202 with the job's status; poll its Location. */
    @PostMapping("/replay")
    public ResponseEntity<?> replay(@RequestBody ReplaySelection selection, HttpServletRequest request)
            throws JsonProcessingException {
        String actor = AdminAudit.actor(request);
        String details = json.writeValueAsString(selection);
        try {
            if (selection.isDryRun()) {
                Map<String, Object> result = replays.dryRun(selection);
                audit.record(actor, "replay-dry-run", selection.billerId(), details, "count=" + result.get("count"));
                return ResponseEntity.ok(result);
            }
            ReplayStatus status = replays.start(selection, actor);
            audit.record(actor, "replay", selection.billerId(), details,
                    "replay " + status.replayId() + " selected=" + status.selected());
            return ResponseEntity.accepted().location(URI.create("/api/replays/" + status.replayId())).body(status);
        } catch (ApiException e) {
            audit.record(actor, selection.isDryRun() ? "replay-dry-run" : "replay", selection.billerId(), details,
                    "refused: " + e.getMessage());
            throw e;
        }
    }

    @GetMapping("/replays")
    public Map<String, List<ReplayStatus>> replays(@RequestParam(name = "limit", defaultValue = "50") int limit) {
        return Map.of("replays", replays.recent(Math.min(Math.max(limit, 1), 500)));
    }

    @GetMapping("/replays/{id}")
    public ReplayStatus replayStatus(@PathVariable("id") String id) {
        return replays.status(id);
    }

    /** Asks a running replay job to stop before its next item; 409 when it is not running. */
    @PostMapping("/replays/{id}/cancel")
    public ReplayStatus cancelReplay(@PathVariable("id") String id, HttpServletRequest request) {
        String actor = AdminAudit.actor(request);
        try {
            ReplayStatus status = replays.cancel(id, actor);
            audit.record(actor, "replay-cancel", id, null, "cancel requested");
            return status;
        } catch (ApiException e) {
            audit.record(actor, "replay-cancel", id, null, "refused: " + e.getMessage());
            throw e;
        }
    }

    /** Replays the item messages on a lane's dead-letter queue (dryRun: count and sample, where browsable). */
    @PostMapping("/replay/dead-letters")
    public Map<String, Object> replayDeadLetters(@RequestParam(name = "lane", defaultValue = "production") String lane,
                                                @RequestParam(name = "limit", defaultValue = "1000") int limit,
                                                @RequestParam(name = "dryRun", defaultValue = "false") boolean dryRun,
                                                HttpServletRequest request) {
        if (limit < 1 || limit > 100_000) {
            throw ApiException.badRequest("limit must be between 1 and 100000");
        }
        String actor = AdminAudit.actor(request);
        Map<String, Object> result = dryRun ? deadLetterReplay.dryRun(lane, limit) : deadLetterReplay.drain(lane, limit);
        audit.record(actor, dryRun ? "dead-letter-replay-dry-run" : "dead-letter-replay", lane, "limit=" + limit,
                result.toString());
        return result;
    }

    @PostMapping("/billers/{id}/rerun")
    public Map<String, Object> rerun(@PathVariable("id") String billerId,
                                     @RequestParam(name = "includeFailed", defaultValue = "false") boolean includeFailed,
                                     HttpServletRequest request) throws JsonProcessingException {
        String actor = AdminAudit.actor(request);
        try {
            Map<String, Object> result = rerun.rerun(billerId, includeFailed, actor);
            audit.record(actor, "rerun", billerId, "includeFailed=" + includeFailed, "pending=" + result.get("pending"));
            return result;
        } catch (ApiException e) {
            audit.record(actor, "rerun", billerId, "includeFailed=" + includeFailed, "refused: " + e.getMessage());
            throw e;
        }
    }

    /** Pauses a biller: the publisher skips it from its next cycle; items already in flight finish. */
    @PostMapping("/billers/{id}/pause")
    public Map<String, Object> pause(@PathVariable("id") String billerId, HttpServletRequest request) {
        return pauseOrResume(billerId, true, request);
    }

    /** Resumes a paused biller: the next publisher cycle picks its pending work up. */
    @PostMapping("/billers/{id}/resume")
    public Map<String, Object> resume(@PathVariable("id") String billerId, HttpServletRequest request) {
        return pauseOrResume(billerId, false, request);
    }

    private Map<String, Object> pauseOrResume(String billerId, boolean paused, HttpServletRequest request) {
        String actor = AdminAudit.actor(request);
        String action = paused ? "pause" : "resume";
        try {
            Map<String, Object> result = settings.setPaused(billerId, paused);
            audit.record(actor, action, billerId, null, Boolean.TRUE.equals(result.get("changed")) ? "done" : "unchanged");
            return result;
        } catch (ApiException e) {
            audit.record(actor, action, billerId, null, "refused: " + e.getMessage());
            throw e;
        }
    }

    /**
     * Onboards a biller: its shard's pump tables are migrated, then its registry row is inserted (toggle off unless
     * {@code enabled}). 201 with the row; 400 for what the pump could not use, 409 for an id the registry has, 502
     * when the shard cannot be reached, 422 when it cannot be migrated (no row then).
     */
    @PostMapping("/billers")
    public ResponseEntity<Map<String, Object>> onboardBiller(@RequestBody BillerSettings.NewBiller biller,
                                                             HttpServletRequest request)
            throws JsonProcessingException {
        String actor = AdminAudit.actor(request);
        String details = json.writeValueAsString(biller);
        String target = biller == null ? null : biller.id();
        try {
            Map<String, Object> result = settings.onboard(biller);
            audit.record(actor, "biller-onboard", target, details, onboarded(result));
            return ResponseEntity.created(URI.create("/api/billers/" + result.get("billerId"))).body(result);
        } catch (ApiException e) {
            audit.record(actor, "biller-onboard", target, details, "refused: " + e.getMessage());
            throw e;
        }
    }

    /** The audit outcome of an onboarding. */
    public static String onboarded(Map<String, Object> result) {
        return "onboarded; shard migrated: " + result.get("shard");
    }

    /**
     * Changes a biller's registry row: any of name, cisBaseUrl, enabled (the data-pump toggle), mode, cisAuth
     * (kind and the secret's name; never a secret) and cisMaxConcurrent (0: the global limit). 400 with the reason for what the pump could not use.
     */
    @PatchMapping("/billers/{id}")
    public Map<String, Object> changeBiller(@PathVariable("id") String billerId,
                                            @RequestBody BillerSettings.Change change, HttpServletRequest request)
            throws JsonProcessingException {
        String actor = AdminAudit.actor(request);
        String details = json.writeValueAsString(change);
        try {
            Map<String, Object> result = settings.change(billerId, change);
            audit.record(actor, "biller-change", billerId, details, "before " + json.writeValueAsString(
                    result.get("before")));
            return result;
        } catch (ApiException e) {
            audit.record(actor, "biller-change", billerId, details, "refused: " + e.getMessage());
            throw e;
        }
    }

    /** Run reports, newest first: ?kind=publisher-cycle|biller-batch&billerId=&since=<ISO instant>&limit= */
    @GetMapping("/runs")
    public Map<String, Object> runs(@RequestParam(name = "kind", required = false) String kind,
                                    @RequestParam(name = "billerId", required = false) String billerId,
                                    @RequestParam(name = "since", required = false) String since,
                                    @RequestParam(name = "limit", defaultValue = "100") int limit) {
        java.time.Instant from;
        try {
            from = since == null || since.isBlank() ? null : java.time.Instant.parse(since);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("since must be an ISO-8601 instant, e.g. 2026-11-22T10:00:00Z");
        }
        return Map.of("runs", runReports.recent(kind, billerId, from, Math.min(Math.max(limit, 1), 1000)));
    }

    @GetMapping("/audit")
    public Map<String, Object> audit(@RequestParam(name = "limit", defaultValue = "100") int limit) {
        return Map.of("entries", audit.recent(Math.min(Math.max(limit, 1), 1000)));
    }
}
