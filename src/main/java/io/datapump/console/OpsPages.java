package io.datapump.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.admin.AdminAudit;
import io.datapump.admin.ApiException;
import io.datapump.admin.BillerSettings;
import io.datapump.admin.FailureGroups;
import io.datapump.admin.ReplaySelection;
import io.datapump.admin.ReplayStatus;
import io.datapump.admin.Replays;
import io.datapump.admin.Rerun;
import io.datapump.api.BillerStatusService;
import io.datapump.api.ItemSearch;
import io.datapump.control.ItemHistory;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;
import io.datapump.shard.ShardDataSources;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The operations pages at /ops, server-rendered (Thymeleaf, htmx for the live parts): billers, failure groups and
 * their items, one item's timeline, search, replay (dry run, confirm, canary, live progress, cancel) and the audit
 * trail. Viewers read; operators act (the security rules and the pages agree: a viewer sees no action buttons).
 * Every action goes through the same services as the admin API and is audited the same way.
 */
@Controller
@RequestMapping("/ops")
public class OpsPages {

    private final BillerStatusService status;
    private final FailureGroups failureGroups;
    private final Replays replays;
    private final BillerSettings settings;
    private final ItemHistory history;
    private final ItemSearch search;
    private final BillerRegistry registry;
    private final ShardDataSources shards;
    private final AdminAudit audit;
    private final ObjectMapper json;
    private final Rerun rerun;

    public OpsPages(BillerStatusService status, FailureGroups failureGroups, Replays replays, BillerSettings settings,
                    ItemHistory history, ItemSearch search, BillerRegistry registry, ShardDataSources shards,
                    AdminAudit audit, ObjectMapper json, Rerun rerun) {
        this.rerun = rerun;
        this.status = status;
        this.failureGroups = failureGroups;
        this.replays = replays;
        this.settings = settings;
        this.history = history;
        this.search = search;
        this.registry = registry;
        this.shards = shards;
        this.audit = audit;
        this.json = json;
    }

    @GetMapping
    public String home() {
        return "redirect:/ops/billers";
    }

    @GetMapping("/billers")
    public String billers(Model model, HttpServletRequest request) {
        page(model, request, "billers");
        model.addAttribute("billers", status.all());
        return "ops/billers";
    }

    @PostMapping("/billers/{id}/{action:pause|resume}")
    public String pause(@PathVariable("id") String billerId, @PathVariable("action") String action,
                        HttpServletRequest request) {
        String actor = AdminAudit.actor(request);
        try {
            Map<String, Object> result = settings.setPaused(billerId, action.equals("pause"));
            audit.record(actor, action, billerId, "from /ops", Boolean.TRUE.equals(result.get("changed"))
                    ? "done" : "unchanged");
        } catch (ApiException e) {
            audit.record(actor, action, billerId, "from /ops", "refused: " + e.getMessage());
            throw e;
        }
        return "redirect:/ops/billers";
    }

    /** Claims the biller's pending work now (the API's rerun, without its failed items). */
    @PostMapping("/billers/{id}/rerun")
    public String rerun(@PathVariable("id") String billerId, HttpServletRequest request)
            throws JsonProcessingException {
        String actor = AdminAudit.actor(request);
        try {
            Map<String, Object> result = rerun.rerun(billerId, false, actor);
            audit.record(actor, "rerun", billerId, "includeFailed=false (from /ops)", "pending=" + result.get("pending"));
        } catch (ApiException e) {
            audit.record(actor, "rerun", billerId, "includeFailed=false (from /ops)", "refused: " + e.getMessage());
            throw e;
        }
        return "redirect:/ops/billers";
    }

    @GetMapping("/failures")
    public String failures(Model model, HttpServletRequest request) {
        page(model, request, "failures");
        List<io.datapump.admin.FailureGroup> groups = failureGroups.all();
        model.addAttribute("groups", groups);
        model.addAttribute("failingBillers", groups.stream().map(io.datapump.admin.FailureGroup::billerId).distinct()
                .toList());
        return "ops/failures";
    }

    /** The items of one failure group (up to 100), and the replay form. */
    @GetMapping("/failures/items")
    public String groupItems(@RequestParam("billerId") String billerId, @RequestParam("itemType") String itemType,
                             @RequestParam("errorClass") String errorClass, Model model, HttpServletRequest request) {
        page(model, request, "failures");
        ReplaySelection selection = new ReplayForm(billerId, itemType, errorClass, null, null, null, null, null, null)
                .selection(false);
        model.addAttribute("billerId", billerId);
        model.addAttribute("itemType", itemType);
        model.addAttribute("errorClass", errorClass);
        model.addAttribute("items", replays.failed(selection, 100));
        return "ops/group";
    }

    /** One item's control row and every attempt. */
    @GetMapping("/items/{billerId}/{recordId}")
    public String item(@PathVariable("billerId") String billerId, @PathVariable("recordId") long recordId,
                       Model model, HttpServletRequest request) {
        page(model, request, "search");
        Biller biller = registry.findFresh(billerId)
                .orElseThrow(() -> ApiException.notFound("unknown biller '" + billerId + "'"));
        Optional<ItemHistory.Item> item = history.of(shards.forBiller(biller), recordId);
        model.addAttribute("billerId", billerId);
        model.addAttribute("recordId", recordId);
        model.addAttribute("item", item.orElse(null));
        return "ops/item";
    }

    /**
     * Search by what the operator has: billerId:recordId, an idempotency key (datapump-…), a correlation id, a trace
     * id or a direct source's item id.
     */
    @GetMapping("/search")
    public String search(@RequestParam(name = "q", required = false) String q, Model model,
                         HttpServletRequest request) {
        page(model, request, "search");
        model.addAttribute("q", q);
        List<ItemSearch.Found> found = new ArrayList<>();
        List<String> unreachable = new ArrayList<>();
        if (q != null && !q.isBlank()) {
            String clue = q.strip();
            int colon = clue.lastIndexOf(':');
            if (colon > 0 && clue.substring(colon + 1).matches("\\d{1,18}")) {
                return "redirect:/ops/items/" + clue.substring(0, colon) + "/" + clue.substring(colon + 1);
            }
            ItemSearch.Found byKey = search.byIdempotencyKey(clue);
            if (byKey != null) {
                found.add(byKey);
            } else {
                ItemSearch.Result r = search.byAnyId(clue);
                found.addAll(r.items());
                unreachable.addAll(r.unreachable());
            }
        }
        model.addAttribute("found", found);
        model.addAttribute("unreachable", unreachable);
        return "ops/search";
    }

    /**
     * The replay form, as a failure group's page, the failures page's selection form, the dry run and the
     * confirmation post it: one biller's failed items, narrowed by item type, error class, record ids ("12, 15 20")
     * and a time window (failed from/to, UTC, as a browser's datetime-local sends it).
     */
    public record ReplayForm(String billerId, String itemType, String errorClass, String recordIds, String failedFrom,
                             String failedTo, Integer rate, Integer canary, String reason) {
        ReplaySelection selection(boolean dryRun) {
            if (billerId == null || billerId.isBlank()) {
                throw ApiException.badRequest("a replay from the pages is of one biller's failed items: billerId");
            }
            return new ReplaySelection(billerId.strip(), ids(recordIds), blankToNull(itemType),
                    blankToNull(errorClass), instant(failedFrom, "failed from"), instant(failedTo, "failed to"), null,
                    dryRun, rate, canary == null || canary == 0 ? null : canary, blankToNull(reason));
        }

        private static List<Long> ids(String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            List<Long> ids = new ArrayList<>();
            for (String id : text.strip().split("[,;\\s]+")) {
                if (!id.matches("\\d{1,18}")) {
                    throw ApiException.badRequest("record ids are numbers separated by commas or spaces, not '" + id
                            + "'");
                }
                ids.add(Long.parseLong(id));
            }
            return ids;
        }

        private static java.time.Instant instant(String text, String what) {
            if (text == null || text.isBlank()) {
                return null;
            }
            try {
                // the confirmation page posts back the instant the dry run parsed (2026-12-06T03:00:00Z)
                return text.strip().endsWith("Z") ? java.time.Instant.parse(text.strip())
                        : java.time.LocalDateTime.parse(text.strip()).toInstant(java.time.ZoneOffset.UTC);
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiException.badRequest(what + " must be a UTC date and time like 2026-12-06T03:00, not '"
                        + text + "'");
            }
        }
    }

    /** Step 1 of a replay: what it would do (count, sample, rate, canary), to be confirmed. */
    @PostMapping("/replay/dry-run")
    public String dryRun(ReplayForm form, Model model, HttpServletRequest request) throws JsonProcessingException {
        page(model, request, "replays");
        ReplaySelection selection = form.selection(true);
        Map<String, Object> dry = replays.dryRun(selection);
        audit.record(AdminAudit.actor(request), "replay-dry-run", form.billerId(), json.writeValueAsString(selection),
                "count=" + dry.get("count") + " (from /ops)");
        model.addAttribute("selection", selection);
        model.addAttribute("dry", dry);
        return "ops/confirm";
    }

    /** Step 2: the confirmed replay starts; its page shows the progress. */
    @PostMapping("/replay")
    public String replay(ReplayForm form, HttpServletRequest request) throws JsonProcessingException {
        ReplaySelection selection = form.selection(false);
        String actor = AdminAudit.actor(request);
        ReplayStatus job = replays.start(selection, actor);
        audit.record(actor, "replay", form.billerId(), json.writeValueAsString(selection),
                "replay " + job.replayId() + " selected=" + job.selected() + " (from /ops)");
        return "redirect:/ops/replays/" + job.replayId();
    }

    @GetMapping("/replays")
    public String replayList(Model model, HttpServletRequest request) {
        page(model, request, "replays");
        model.addAttribute("jobs", replays.recent(50));
        return "ops/replays";
    }

    @GetMapping("/replays/{id}")
    public String replayJob(@PathVariable("id") String id, Model model, HttpServletRequest request) {
        page(model, request, "replays");
        model.addAttribute("job", replays.status(id));
        return "ops/replay";
    }

    /** The live part of a replay's page (htmx polls it while the job runs). */
    @GetMapping("/replays/{id}/progress")
    public String replayProgress(@PathVariable("id") String id, Model model, HttpServletRequest request) {
        model.addAttribute("operator", request.isUserInRole("OPERATOR"));
        model.addAttribute("job", replays.status(id));
        return "ops/replay :: progress";
    }

    @PostMapping("/replays/{id}/cancel")
    public String cancel(@PathVariable("id") String id, HttpServletRequest request) {
        String actor = AdminAudit.actor(request);
        try {
            replays.cancel(id, actor);
            audit.record(actor, "replay-cancel", id, "from /ops", "cancel requested");
        } catch (ApiException e) {
            audit.record(actor, "replay-cancel", id, "from /ops", "refused: " + e.getMessage());
            throw e;
        }
        return "redirect:/ops/replays/" + id;
    }

    @GetMapping("/audit")
    public String audit(Model model, HttpServletRequest request) {
        page(model, request, "audit");
        model.addAttribute("entries", audit.recent(200));
        return "ops/audit";
    }

    /** What every page's menu needs: its section, whether the user may act, and who they are. */
    static void page(Model model, HttpServletRequest request, String section) {
        model.addAttribute("section", section);
        model.addAttribute("operator", request.isUserInRole("OPERATOR"));
        model.addAttribute("user", request.getUserPrincipal() == null ? "" : request.getUserPrincipal().getName());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
