package io.datapump.recovery;

import java.time.Duration;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.datapump.DataPumpProperties;
import io.datapump.control.ControlRecords.Take;
import io.datapump.control.ControlRecords;
import io.datapump.message.DataPumpHeaders;
import io.datapump.message.ItemMessage;
import io.datapump.message.ItemPublishing;
import io.datapump.registry.Biller;
import io.datapump.shard.ShardDataSources;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes one item again for the sweeper and for replay (route republish-item in routes/recovery.camel.yaml), in
 * three steps that never let a consumer see the message before the row accepts it:
 * <ol>
 * <li>{@link #take}: in one shard transaction, committed, the row moves to {@code Fetched} under a new claim token
 * held by this process (the abandoned attempt recorded with it) — a state every item consumer accepts;</li>
 * <li>the item message is published (committed on the broker);</li>
 * <li>{@link #markQueued}: {@code Fetched -> Queued} by that claim token, unless a consumer has taken it already.</li>
 * </ol>
 * A crash after step 1 leaves the row {@code Fetched} by a process that is gone: the sweeper releases it again
 * (heartbeat timeout, or fetched lease as the backstop). After step 2 the message is on its topic and the row
 * accepts it. So a row in {@code Queued} always has a message on its topic.
 */
@Component("republishing")
public class Republishing {

    /**
     * One row to publish again: the message it gets, where it comes from, the claim token that must still hold it
     * (ABANDONED, UNPUBLISHED) and why (recorded as the abandoned attempt's error).
     */
    public record Republish(Biller biller, ItemMessage item, Take from, String heldToken, String reason) {
    }

    static final String ENDPOINT = "direct:republish-item";
    private static final String REQUEST = "DataPumpRepublish";
    private static final String CLAIM_TOKEN = "DataPumpRepublishToken";

    private final ShardDataSources shards;
    private final ItemPublishing publishing;
    private final ProducerTemplate producer;
    private final ControlRecords controlRecords;
    private final Duration queuedLease;

    public Republishing(ShardDataSources shards, ItemPublishing publishing, ProducerTemplate producer,
                        ControlRecords controlRecords, DataPumpProperties properties) {
        this.shards = shards;
        this.publishing = publishing;
        this.producer = producer;
        this.controlRecords = controlRecords;
        this.queuedLease = properties.getSweeper().getQueuedLease();
    }

    /**
     * Runs the three steps for one row; returns false when the row was no longer where the request expected it
     * (another sweeper, replay or consumer got there first). A failed publish throws; the row then stays Fetched and
     * is released again by the sweeper.
     */
    public boolean republish(Republish request) {
        Exchange done = producer.send(ENDPOINT, e -> e.getMessage().setBody(request));
        if (done.getException() != null) {
            throw new IllegalStateException("could not publish item " + request.item().key() + " again",
                    done.getException());
        }
        return done.getProperty(CLAIM_TOKEN) != null;
    }

    /** Step 1: the row to Fetched under a new claim token, committed; prepares the message if it was taken. */
    public void take(Exchange exchange) throws JsonProcessingException, InvalidPayloadException {
        Republish request = exchange.getMessage().getMandatoryBody(Republish.class);
        exchange.setProperty(REQUEST, request);
        exchange.removeProperty(DataPumpHeaders.PUBLISH_URI);
        String token = UUID.randomUUID().toString();
        if (controlRecords.take(shards.forBiller(request.biller()), request.item().recordId(), request.from(), token,
                request.heldToken(), queuedLease, request.reason())) {
            exchange.setProperty(CLAIM_TOKEN, token);
            publishing.prepare(exchange, request.item(), null);
        }
    }

    /** Step 3: the message is on its topic; Fetched -> Queued unless a consumer has taken the row already. */
    public void markQueued(Exchange exchange) {
        Republish request = exchange.getProperty(REQUEST, Republish.class);
        controlRecords.markQueued(shards.forBiller(request.biller()), exchange.getProperty(CLAIM_TOKEN, String.class));
    }
}
