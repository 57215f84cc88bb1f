package io.datapump.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.itemconsumer.DirectItemSchemas;
import io.datapump.itemconsumer.ItemGuard;
import io.datapump.message.DataPumpHeaders;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemType;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;

/**
 * Replay from a lane's dead-letter queue: each item message taken off the queue is replayed through the same path as
 * a control-table replay (its row Failed -> Queued, a fresh message published), so an item replayed both ways is
 * delivered once. Messages whose row is no longer Failed (already replayed, or delivered since) are dropped and
 * counted; dead-lettered biller messages are dropped (the publisher re-drives their biller); messages that name no
 * item are moved to the lane's parked queue for a person to read. A message a source published directly that was
 * refused before admission is published again as it was when it would be accepted now, and parked otherwise.
 */
@Service
public class DeadLetterReplay {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);
    private static final java.time.Duration RECEIVE_TIMEOUT = java.time.Duration.ofSeconds(1);

    private final Replays replays;
    private final DeadLetterQueues queues;
    private final ProducerTemplate producer;
    private final Environment environment;
    private final ObjectMapper json;
    private final DirectItemSchemas schemas;
    private final ItemGuard itemGuard;

    public DeadLetterReplay(Replays replays, DeadLetterQueues queues, ProducerTemplate producer,
                            Environment environment, ObjectMapper json, DirectItemSchemas schemas,
                            ItemGuard itemGuard) {
        this.schemas = schemas;
        this.itemGuard = itemGuard;
        this.replays = replays;
        this.queues = queues;
        this.producer = producer;
        this.environment = environment;
        this.json = json;
    }

    /** Counts and samples the queue without taking anything off it (browsed locally, peeked on Service Bus). */
    public Map<String, Object> dryRun(String lane, int limit) {
        List<Exchange> messages = queues.open(uri(lane, "dead-letter-in"), m -> { }).peek(limit);
        if (messages == null) {
            throw ApiException.badRequest("this transport cannot browse its dead-letter queue; run without dryRun, "
                    + "or dry-run the control-table replay (POST /api/replay)");
        }
        List<Map<String, Object>> sample = new ArrayList<>();
        for (Exchange e : messages.subList(0, Math.min(Replays.SAMPLE_SIZE, messages.size()))) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("billerId", e.getMessage().getHeader(DataPumpHeaders.BILLER_ID));
            s.put("recordId", e.getMessage().getHeader(DataPumpHeaders.RECORD_ID));
            s.put("errorClass", e.getMessage().getHeader(DataPumpHeaders.FAILURE_CLASS));
            sample.add(s);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("dryRun", true);
        result.put("lane", lane);
        result.put("count", messages.size());
        result.put("sample", sample);
        return result;
    }

    /**
     * Takes up to {@code limit} messages off the lane's dead-letter queue, then off what the broker itself gave up
     * on (datapump.endpoints.&lt;lane&gt;.broker-dead-letter-in: Artemis's dead-letter address, or the Service Bus
     * subscriptions' dead-letter sub-queues), and replays them.
     */
    /** Whether the message was dead-lettered after the given instant (i.e. it failed again during this drain). */
    static boolean deadLetteredSince(Exchange message, java.time.Instant instant) {
        String lastFailure = message.getMessage().getHeader(DataPumpHeaders.FAILURE_LAST_AT, String.class);
        try {
            return lastFailure != null && java.time.Instant.parse(lastFailure).isAfter(instant);
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    public Map<String, Object> drain(String lane, int limit) {
        List<String> sources = new ArrayList<>();
        sources.add(uri(lane, "dead-letter-in"));
        sources.addAll(brokerDeadLetterSources(lane));
        int received = 0;
        int replayed = 0;
        int skipped = 0;
        int parked = 0;
        int leftForLater = 0;
        // a replayed item that fails again is dead-lettered again while this drain runs: it is put back and the
        // drain of that queue ends, instead of replaying the same item up to the limit
        java.time.Instant started = java.time.Instant.now();
        java.util.function.Consumer<Exchange> putBack = m -> producer.send(uri(lane, "dead-letter-out"), m);
        for (String in : sources) {
            DeadLetterQueues.Queue queue = queues.open(in, putBack);
            while (received < limit) {
                DeadLetterQueues.Taken taken = queue.take(RECEIVE_TIMEOUT);
                if (taken == null) {
                    break;
                }
                Exchange message = taken.message();
                if (deadLetteredSince(message, started)) {
                    taken.giveBack();
                    leftForLater++;
                    break;
                }
                received++;
                Result result;
                try {
                    result = handle(lane, message);
                } catch (RuntimeException e) {
                    // not replayed: the message stays (or goes back) on the queue for the next drain
                    taken.giveBack();
                    throw e;
                }
                taken.done();
                switch (result) {
                    case REPLAYED -> replayed++;
                    case PARKED -> parked++;
                    default -> skipped++;
                }
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("lane", lane);
        result.put("received", received);
        result.put("replayed", replayed);
        result.put("skipped", skipped);
        result.put("parked", parked);
        result.put("failedAgain", leftForLater);
        LOG.info("Dead-letter replay, lane {}: {}", lane, result);
        return result;
    }

    /** What became of one message taken off a queue. */
    enum Result { REPLAYED, SKIPPED, PARKED }

    /**
     * The queues of a lane an operator can read, by the name the pages and the API use: the pump's dead-letter
     * queue ({@code dead-letter}), what the broker itself gave up on ({@code broker-1}, {@code broker-2}, … in the
     * order of datapump.endpoints.&lt;lane&gt;.broker-dead-letter-in) and the parked queue ({@code parked}).
     */
    Map<String, String> queues(String lane) {
        Map<String, String> queues = new LinkedHashMap<>();
        queues.put("dead-letter", uri(lane, "dead-letter-in"));
        List<String> brokers = brokerDeadLetterSources(lane);
        for (int i = 0; i < brokers.size(); i++) {
            queues.put("broker-" + (i + 1), brokers.get(i));
        }
        queues.put("parked", uri(lane, "parked-in"));
        return queues;
    }

    /** Where a message taken off the named queue goes back to when it could not be handled. */
    java.util.function.Consumer<Exchange> putBack(String lane, String queue) {
        String out = uri(lane, "parked".equals(queue) ? "parked-out" : "dead-letter-out");
        return m -> producer.send(out, m);
    }

    /** Replays one message taken off a lane's queue, as the drain does. */
    Result handle(String lane, Exchange message) {
        ItemMessage direct = directNotAdmitted(message);
        if (direct != null) {
            // a source's message the pump refused before giving it a record id (e.g. its biller was not yet in
            // direct mode): checked as the route that refused it would check it, then published again as it was to
            // that route's topic if it would be accepted now (its sourceItemId keeps it from being delivered twice);
            // otherwise parked with the reason, so it does not come straight back to this queue
            String routeItem = routeItemKey(message);
            ItemType type = routeItem != null ? ItemType.fromKey(routeItem).orElseThrow()
                    : ItemType.fromCode(direct.itemType()).orElseThrow();
            String refusal = directRefusal(message, direct, type, lane);
            if (refusal != null) {
                LOG.info("Dead-letter replay: direct item {} of biller {} is still refused ({}); parked",
                        direct.sourceItemId(), direct.billerId(), refusal);
                message.getMessage().setHeader(DataPumpHeaders.FAILURE_MESSAGE, refusal);
                producer.send(uri(lane, "parked-out"), message);
                return Result.PARKED;
            }
            producer.send(uri(lane, type.key() + "-out"), message);
            return Result.REPLAYED;
        }
        ItemMessage item = item(message);
        if (item != null) {
            return replays.replayRecord(item.billerId(), item.recordId()) == Replays.Outcome.REPLAYED
                    ? Result.REPLAYED : Result.SKIPPED;
        }
        if (message.getMessage().getHeader(DataPumpHeaders.BILLER_ID) != null
                && message.getMessage().getHeader(DataPumpHeaders.RECORD_ID) == null) {
            // a dead-lettered biller message: its rows are still pending and the publisher publishes it again
            return Result.SKIPPED;
        }
        producer.send(uri(lane, "parked-out"), message);
        return Result.PARKED;
    }

    /** The item key (payment, paperless-registration) of the route that dead-lettered the message, if it says. */
    private static String routeItemKey(Exchange message) {
        Object route = message.getMessage().getHeader(DataPumpHeaders.FAILURE_ROUTE);
        if (route == null) {
            return null;
        }
        for (ItemType type : ItemType.values()) {
            if (route.toString().startsWith("item-consumer-" + type.key() + "-")) {
                return type.key();
            }
        }
        return null;
    }

    /** Why the item consumer would refuse the direct item again now, or null if it would accept it. */
    private String directRefusal(Exchange message, ItemMessage direct, ItemType type, String lane) {
        try {
            schemas.check(message.getMessage().getBody(String.class), type);
            itemGuard.check(direct, lane, type.code());
            return null;
        } catch (Exception stillRefused) {
            return stillRefused.getMessage();
        }
    }

    /** A directly published item that was dead-lettered before it got a record id (null for anything else). */
    private ItemMessage directNotAdmitted(Exchange message) {
        Object recordId = message.getMessage().getHeader(DataPumpHeaders.RECORD_ID);
        if (recordId != null && !"0".equals(recordId.toString())) {
            return null;
        }
        try {
            ItemMessage parsed = json.readValue(message.getMessage().getBody(String.class), ItemMessage.class);
            return parsed.directFromSource() && parsed.billerId() != null
                    && ItemType.fromCode(parsed.itemType()).isPresent() ? parsed : null;
        } catch (Exception notAnItem) {
            return null;
        }
    }

    private ItemMessage item(Exchange message) {
        Object billerId = message.getMessage().getHeader(DataPumpHeaders.BILLER_ID);
        Object recordId = message.getMessage().getHeader(DataPumpHeaders.RECORD_ID);
        if (billerId != null && recordId != null) {
            try {
                ItemMessage parsed = json.readValue(message.getMessage().getBody(String.class), ItemMessage.class);
                // a direct item's original message has no record id; the dead-letter header has the pump's
                return parsed.recordId() == 0 ? new ItemMessage(parsed.billerId(), parsed.lane(), parsed.itemType(),
                        Long.parseLong(recordId.toString()), parsed.sourceId(), parsed.correlationId(),
                        parsed.enqueuedAt(), parsed.deadline(), parsed.retry(), parsed.sourceItemId()) : parsed;
            } catch (Exception unreadable) {
                return new ItemMessage(billerId.toString(), null, null, Long.parseLong(recordId.toString()), 0, null,
                        null, null, 0);
            }
        }
        try {
            ItemMessage parsed = json.readValue(message.getMessage().getBody(String.class), ItemMessage.class);
            return parsed.billerId() != null && parsed.recordId() > 0 ? parsed : null;
        } catch (Exception notAnItem) {
            return null;
        }
    }

    private List<String> brokerDeadLetterSources(String lane) {
        List<String> sources = new ArrayList<>();
        for (int i = 0; ; i++) {
            String uri = environment.getProperty("datapump.endpoints." + lane + ".broker-dead-letter-in[" + i + "]");
            if (uri == null) {
                return sources;
            }
            sources.add(uri);
        }
    }

    private String uri(String lane, String role) {
        if (!"production".equals(lane) && !"demo".equals(lane)) {
            throw ApiException.badRequest("lane must be production or demo");
        }
        return environment.getRequiredProperty("datapump.endpoints." + lane + "." + role);
    }
}
