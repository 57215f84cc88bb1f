package io.datapump.message;

import io.datapump.failure.UnknownItemTypeException;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Prepares item messages published outside the biller consumer (durable retries, redrives, the sweeper and replay
 * through recovery.Republishing): JSON body, routing headers, an optional delivery time, and the item topic of the
 * item's lane and type. Also prepares a biller message that must wait for its shard.
 */
@Component("itemPublishing")
public class ItemPublishing {

    /** ActiveMQ Artemis: absolute delivery time in epoch millis (ignored by other transports). */
    public static final String ARTEMIS_SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    /** camel-azure-servicebus: scheduled enqueue time (the azure endpoints use producerOperation=scheduleMessages). */
    public static final String SERVICE_BUS_SCHEDULED_ENQUEUE = "CamelAzureServiceBusScheduledEnqueueTime";

    private final ObjectMapper json;
    private final Environment environment;

    public ItemPublishing(ObjectMapper json, Environment environment) {
        this.json = json;
        this.environment = environment;
    }

    public void prepare(Exchange exchange, ItemMessage item, Instant deliverAt) throws JsonProcessingException {
        ItemType type = ItemType.fromCode(item.itemType()).orElseThrow(() -> new UnknownItemTypeException(item.itemType()));
        Message message = exchange.getMessage();
        message.setBody(json.writeValueAsString(item));
        message.removeHeaders("*");
        routingHeaders(message, item);
        if (deliverAt != null) {
            deliverAt(message, deliverAt);
        }
        exchange.setProperty(DataPumpHeaders.PUBLISH_URI, uri(item.lane(), type, deliverAt != null));
    }

    /**
     * The biller consumer's step for each claimed item (the exchange's body): its routing headers, which the route's
     * choice by item type reads.
     */
    public void routingHeaders(Exchange exchange) {
        routingHeaders(exchange.getMessage(), exchange.getMessage().getBody(ItemMessage.class));
    }

    private static void routingHeaders(Message message, ItemMessage item) {
        message.setHeader(DataPumpHeaders.BILLER_ID, item.billerId());
        message.setHeader(DataPumpHeaders.LANE, item.lane());
        message.setHeader(DataPumpHeaders.ITEM_TYPE, item.itemType());
        message.setHeader(DataPumpHeaders.RECORD_ID, item.recordId());
    }

    /** Prepares the biller message to go again on {@code lane}'s biller topic, delivered at {@code deliverAt}. */
    public void prepare(Exchange exchange, BillerMessage biller, String lane, Instant deliverAt)
            throws JsonProcessingException {
        Message message = exchange.getMessage();
        message.setBody(json.writeValueAsString(biller));
        message.removeHeaders("*");
        message.setHeader(DataPumpHeaders.BILLER_ID, biller.billerId());
        message.setHeader(DataPumpHeaders.LANE, lane);
        deliverAt(message, deliverAt);
        exchange.setProperty(DataPumpHeaders.PUBLISH_URI,
                environment.getRequiredProperty("datapump.endpoints." + lane + ".biller-retry-out"));
    }

    /** Sets the delivery time in the header each transport reads (the other transport ignores it). */
    public static void deliverAt(Message message, Instant at) {
        message.setHeader(ARTEMIS_SCHEDULED_DELIVERY, at.toEpochMilli());
        message.setHeader(SERVICE_BUS_SCHEDULED_ENQUEUE, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
    }

    /** The item topic endpoint of a lane and type (the scheduling one for a delayed delivery). */
    public String uri(String lane, ItemType type, boolean scheduled) {
        return environment.getRequiredProperty("datapump.endpoints." + lane + "." + type.key()
                + (scheduled ? "-retry-out" : "-out"));
    }
}
