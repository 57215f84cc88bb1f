package io.datapump.console;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import io.datapump.admin.AdminAudit;
import io.datapump.admin.ApiException;
import io.datapump.admin.DeadLetterMessages;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dead-letter and parked queues at /ops/dead-letters: browse a lane's queue (failure headers, masked body),
 * choose messages, see what replaying or discarding them will do, then do it. Same service as the API, so the same
 * audit entries.
 */
@Controller
@RequestMapping("/ops/dead-letters")
public class DeadLetterPages {

    private static final int PAGE_SIZE = 100;

    private final DeadLetterMessages messages;

    public DeadLetterPages(DeadLetterMessages messages) {
        this.messages = messages;
    }

    @GetMapping
    public String browse(@RequestParam(name = "lane", defaultValue = "production") String lane,
                         @RequestParam(name = "queue", defaultValue = "dead-letter") String queue,
                         @RequestParam(name = "billerId", required = false) String billerId, Model model,
                         HttpServletRequest request) {
        page(model, request, lane, queue);
        model.addAttribute("billerId", billerId);
        model.addAttribute("letters", messages.browse(lane, queue, billerId, PAGE_SIZE));
        model.addAttribute("pageSize", PAGE_SIZE);
        return "ops/dead-letters";
    }

    /** What the chosen action will do, message by message, to be confirmed (a discard needs a reason). */
    @PostMapping("/confirm")
    public String confirm(@RequestParam("lane") String lane, @RequestParam("queue") String queue,
                          @RequestParam("action") String action,
                          @RequestParam(name = "messageIds", required = false) List<String> messageIds, Model model,
                          HttpServletRequest request) {
        page(model, request, lane, queue);
        if (!"replay".equals(action) && !"discard".equals(action)) {
            throw ApiException.badRequest("action must be replay or discard");
        }
        if (messageIds == null || messageIds.isEmpty()) {
            throw ApiException.badRequest("choose at least one message");
        }
        model.addAttribute("action", action);
        model.addAttribute("messageIds", messageIds);
        model.addAttribute("chosen", messages.find(lane, queue, messageIds));
        return "ops/dead-letters-confirm";
    }

    @PostMapping("/{action:replay|discard}")
    public String act(@PathVariable("action") String action, @RequestParam("lane") String lane,
                      @RequestParam("queue") String queue, @RequestParam("messageIds") List<String> messageIds,
                      @RequestParam(name = "reason", required = false) String reason, Model model,
                      HttpServletRequest request) {
        page(model, request, lane, queue);
        String actor = AdminAudit.actor(request);
        model.addAttribute("outcome", "replay".equals(action)
                ? messages.replay(lane, queue, messageIds, reason, actor)
                : messages.discard(lane, queue, messageIds, reason, actor));
        return "ops/dead-letters-done";
    }

    private void page(Model model, HttpServletRequest request, String lane, String queue) {
        OpsPages.page(model, request, "dead-letters");
        model.addAttribute("lane", lane);
        model.addAttribute("queue", queue);
        model.addAttribute("queues", messages.queueNames(lane));
    }
}
