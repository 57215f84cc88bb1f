package io.datapump.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.datapump.message.DataPumpHeaders;
import io.datapump.message.PersonalDataMasker;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The dead-letter and parked queues of a lane, message by message: browse them (failure headers and a masked body),
 * replay chosen messages (each as the dead-letter drain replays it, so an item is still delivered once), or discard
 * chosen messages with a reason. Every action is audited with the items it touched. Discarding removes the message
 * only: an item's control row stays Failed, in its failure group, and can still be replayed from the table.
 */
@Service
public class DeadLetterMessages {

    /** The most messages one page shows, and one action may choose. */
    public static final int MAX_MESSAGES = 200;
    /** How many messages a browse for one biller looks through. */
    public static final int SCAN_LIMIT = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterMessages.class);
    private static final Duration RECEIVE_TIMEOUT = Duration.ofSeconds(1);

    /** One message as an operator sees it: failure headers, the other headers and the body, masked. */
    public record Letter(String messageId, String billerId, Long recordId, String itemType, String errorClass,
                         String failureMessage, String failedAt, String failedRoute, Map<String, String> headers,
                         String body) {
    }

    /** What an action did: how many were chosen, what became of them, and the ids it did not find. */
    public record Outcome(String lane, String queue, String action, int chosen, int replayed, int skipped, int parked,
                          int discarded, List<String> notFound) {
    }

    private final DeadLetterQueues queues;
    private final DeadLetterReplay replay;
    private final AdminAudit audit;

    public DeadLetterMessages(DeadLetterQueues queues, DeadLetterReplay replay, AdminAudit audit) {
        this.queues = queues;
        this.replay = replay;
        this.audit = audit;
    }

    /** The names of the lane's queues an operator can read: dead-letter, broker-1…, parked. */
    public List<String> queueNames(String lane) {
        return new ArrayList<>(replay.queues(lane).keySet());
    }

    /**
     * Up to {@code limit} messages of one queue, left where they are; with a biller id, that biller's among the first
     * {@link #SCAN_LIMIT} on the queue.
     */
    public List<Letter> browse(String lane, String queue, String billerId, int limit) {
        checkLimit(limit);
        boolean filtered = billerId != null && !billerId.isBlank();
        List<Exchange> messages = queues.open(uri(lane, queue), m -> { }).peek(filtered ? SCAN_LIMIT : limit);
        if (messages == null) {
            throw ApiException.badRequest("this transport cannot browse queue '" + queue + "'");
        }
        return messages.stream().map(DeadLetterMessages::letter)
                .filter(l -> !filtered || billerId.strip().equals(l.billerId())).limit(limit).toList();
    }

    /** The chosen messages that are on the queue (among its first {@link #SCAN_LIMIT}), in the order chosen. */
    public List<Letter> find(String lane, String queue, List<String> messageIds) {
        Set<String> ids = chosen(messageIds);
        List<Exchange> messages = queues.open(uri(lane, queue), m -> { }).peek(SCAN_LIMIT);
        Map<String, Letter> onQueue = new LinkedHashMap<>();
        if (messages != null) {
            messages.stream().map(DeadLetterMessages::letter).filter(l -> ids.contains(l.messageId()))
                    .forEach(l -> onQueue.putIfAbsent(l.messageId(), l));
        }
        return ids.stream().filter(onQueue::containsKey).map(onQueue::get).toList();
    }

    /**
     * Replays the chosen messages: an item message brings its item back (Failed -> Queued, published again), one
     * whose item is no longer Failed is dropped (skipped), one that names no item is parked (from the parked queue:
     * parked again, as a new message).
     */
    public Outcome replay(String lane, String queue, List<String> messageIds, String reason, String actor) {
        Set<String> ids = chosen(messageIds);
        Map<String, DeadLetterQueues.Taken> taken = queues.open(uri(lane, queue), replay.putBack(lane, queue))
                .take(ids, RECEIVE_TIMEOUT);
        int replayed = 0;
        int skipped = 0;
        int parked = 0;
        List<String> items = new ArrayList<>();
        for (Map.Entry<String, DeadLetterQueues.Taken> e : taken.entrySet()) {
            DeadLetterReplay.Result result;
            try {
                result = replay.handle(lane, e.getValue().message());
            } catch (RuntimeException failed) {
                // not replayed: it stays (or goes back) on the queue; what was not yet handled goes back too
                e.getValue().giveBack();
                taken.entrySet().stream().dropWhile(t -> t != e).skip(1).forEach(t -> t.getValue().giveBack());
                audit.record(actor, "dead-letter-replay-selected", lane + "/" + queue, details(reason, items),
                        "failed after " + (replayed + skipped + parked) + ": " + failed.getMessage());
                throw failed;
            }
            e.getValue().done();
            items.add(describe(e.getValue().message()) + "=" + result.name().toLowerCase());
            switch (result) {
                case REPLAYED -> replayed++;
                case PARKED -> parked++;
                default -> skipped++;
            }
        }
        Outcome outcome = new Outcome(lane, queue, "replay", ids.size(), replayed, skipped, parked, 0,
                notFound(ids, taken));
        audit.record(actor, "dead-letter-replay-selected", lane + "/" + queue, details(reason, items),
                summary(outcome));
        LOG.info("Dead-letter messages replayed by {}: {}", actor, outcome);
        return outcome;
    }

    /** Removes the chosen messages for good; the reason is required and kept in the audit trail. */
    public Outcome discard(String lane, String queue, List<String> messageIds, String reason, String actor) {
        if (reason == null || reason.isBlank()) {
            throw ApiException.badRequest("say why these messages are discarded: reason");
        }
        Set<String> ids = chosen(messageIds);
        Map<String, DeadLetterQueues.Taken> taken = queues.open(uri(lane, queue), replay.putBack(lane, queue))
                .take(ids, RECEIVE_TIMEOUT);
        List<String> items = new ArrayList<>();
        taken.values().forEach(t -> {
            t.done();
            items.add(describe(t.message()));
        });
        Outcome outcome = new Outcome(lane, queue, "discard", ids.size(), 0, 0, 0, taken.size(), notFound(ids, taken));
        audit.record(actor, "dead-letter-discard", lane + "/" + queue, details(reason, items), summary(outcome));
        LOG.info("Dead-letter messages discarded by {} ({}): {}", actor, reason, items);
        return outcome;
    }

    static Letter letter(Exchange e) {
        PersonalDataMasker masker = PersonalDataMasker.current();
        Map<String, String> headers = new TreeMap<>();
        e.getMessage().getHeaders().forEach((name, value) -> {
            if (value != null && !name.equals(DeadLetterQueues.QUEUE_MESSAGE_ID)) {
                headers.put(name, masker.isSensitiveName(name) ? PersonalDataMasker.MASK : masker.mask(value.toString()));
            }
        });
        String body = e.getMessage().getBody(String.class);
        return new Letter(e.getMessage().getHeader(DeadLetterQueues.QUEUE_MESSAGE_ID, String.class),
                header(e, DataPumpHeaders.BILLER_ID), recordId(e), header(e, DataPumpHeaders.ITEM_TYPE),
                header(e, DataPumpHeaders.FAILURE_CLASS), masked(header(e, DataPumpHeaders.FAILURE_MESSAGE)),
                header(e, DataPumpHeaders.FAILURE_LAST_AT), header(e, DataPumpHeaders.FAILURE_ROUTE), headers,
                body == null ? null : masker.mask(body));
    }

    private String uri(String lane, String queue) {
        String uri = replay.queues(lane).get(queue);
        if (uri == null) {
            throw ApiException.badRequest("queue must be one of " + replay.queues(lane).keySet());
        }
        return uri;
    }

    private static Set<String> chosen(List<String> messageIds) {
        if (messageIds == null || messageIds.isEmpty()) {
            throw ApiException.badRequest("choose the messages: messageIds");
        }
        if (messageIds.size() > MAX_MESSAGES) {
            throw ApiException.badRequest("at most " + MAX_MESSAGES + " messages at a time");
        }
        for (String id : messageIds) {
            if (!DeadLetterQueues.isQueueMessageId(id)) {
                throw ApiException.badRequest("not a message id of a browsed queue: '" + id + "'");
            }
        }
        return new LinkedHashSet<>(messageIds);
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_MESSAGES) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_MESSAGES);
        }
    }

    private static List<String> notFound(Set<String> ids, Map<String, DeadLetterQueues.Taken> taken) {
        return ids.stream().filter(id -> !taken.containsKey(id)).toList();
    }

    /** billerId:recordId of an item message, or its queue message id. */
    private static String describe(Exchange message) {
        String billerId = header(message, DataPumpHeaders.BILLER_ID);
        Long recordId = recordId(message);
        return billerId != null && recordId != null ? billerId + ":" + recordId
                : message.getMessage().getHeader(DeadLetterQueues.QUEUE_MESSAGE_ID, String.class);
    }

    private static String details(String reason, List<String> items) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason == null ? "" : reason);
        details.put("messages", items);
        return details.toString();
    }

    private static String summary(Outcome o) {
        return "chosen=" + o.chosen() + " replayed=" + o.replayed() + " skipped=" + o.skipped() + " parked="
                + o.parked() + " discarded=" + o.discarded() + " notFound=" + o.notFound().size();
    }

    private static String header(Exchange e, String name) {
        Object value = e.getMessage().getHeader(name);
        return value == null ? null : value.toString();
    }

    private static String masked(String text) {
        return text == null ? null : PersonalDataMasker.current().mask(text);
    }

    private static Long recordId(Exchange e) {
        Object value = e.getMessage().getHeader(DataPumpHeaders.RECORD_ID);
        try {
            return value == null ? null : Long.valueOf(value.toString());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}
