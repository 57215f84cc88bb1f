package io.datapump.pump;

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
 * Prepares an exchange to publish an item message outside the biller consumer (durable retries, the sweeper,
 * replay): JSON body, routing headers, an optional delivery time, and the item topic's endpoint URI in
 * {@link DataPumpHeaders#PUBLISH_URI} for the route's {@code toD}.
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

    /** For a split over item messages: publish the body now. */
    public void prepareBody(Exchange exchange) throws JsonProcessingException {
        prepare(exchange, exchange.getMessage().getBody(ItemMessage.class), null);
    }

    public void prepare(Exchange exchange, ItemMessage item, Instant deliverAt) throws JsonProcessingException {
        ItemType type = ItemType.fromCode(item.itemType()).orElseThrow(() -> new UnknownItemTypeException(item.itemType()));
        Message message = exchange.getMessage();
        message.setBody(json.writeValueAsString(item));
        message.removeHeaders("*");
        message.setHeader(DataPumpHeaders.BILLER_ID, item.billerId());
        message.setHeader(DataPumpHeaders.LANE, item.lane());
        message.setHeader(DataPumpHeaders.ITEM_TYPE, item.itemType());
        message.setHeader(DataPumpHeaders.RECORD_ID, item.recordId());
        if (deliverAt != null) {
            message.setHeader(ARTEMIS_SCHEDULED_DELIVERY, deliverAt.toEpochMilli());
            message.setHeader(SERVICE_BUS_SCHEDULED_ENQUEUE, OffsetDateTime.ofInstant(deliverAt, ZoneOffset.UTC));
        }
        exchange.setProperty(DataPumpHeaders.PUBLISH_URI, uri(item.lane(), type));
    }

    /** The item topic endpoint of a lane and type, as the active profile configures it. */
    public String uri(String lane, ItemType type) {
        return environment.getRequiredProperty("datapump.endpoints." + lane + "." + type.key() + "-out");
    }
}
