package io.datapump.admin;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A lane's dead-letter and parked queues, message by message: browse, replay chosen ones, discard chosen ones. */
@RestController
@RequestMapping("/api/dead-letters")
public class DeadLetterController {

    /** Messages chosen by their queue message ids (from a browse), with the reason for the audit trail. */
    public record Choice(List<String> messageIds, String reason) {
    }

    private final DeadLetterMessages messages;

    public DeadLetterController(DeadLetterMessages messages) {
        this.messages = messages;
    }

    /** Up to {@code limit} messages of a queue (dead-letter, broker-1…, parked), left where they are. */
    @GetMapping("/{lane}/{queue}")
    public Map<String, Object> browse(@PathVariable("lane") String lane, @PathVariable("queue") String queue,
                                      @RequestParam(name = "billerId", required = false) String billerId,
                                      @RequestParam(name = "limit", defaultValue = "50") int limit) {
        List<DeadLetterMessages.Letter> letters = messages.browse(lane, queue, billerId, limit);
        return Map.of("lane", lane, "queue", queue, "queues", messages.queueNames(lane), "count", letters.size(),
                "messages", letters);
    }

    @PostMapping("/{lane}/{queue}/replay")
    public DeadLetterMessages.Outcome replay(@PathVariable("lane") String lane, @PathVariable("queue") String queue,
                                             @RequestBody Choice choice, HttpServletRequest request) {
        return messages.replay(lane, queue, choice.messageIds(), choice.reason(), AdminAudit.actor(request));
    }

    @PostMapping("/{lane}/{queue}/discard")
    public DeadLetterMessages.Outcome discard(@PathVariable("lane") String lane, @PathVariable("queue") String queue,
                                              @RequestBody Choice choice, HttpServletRequest request) {
        return messages.discard(lane, queue, choice.messageIds(), choice.reason(), AdminAudit.actor(request));
    }
}
