package io.datapump.example;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.ProducerTemplate;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Example for source teams: publishes one work item straight to the Data Pump's item topic, for a biller in
 * {@code direct} mode (docs/direct-publishing.md). Copy it; it depends on nothing of the pump's but its contract:
 * <ul>
 * <li>the endpoint: {@code datapump.endpoints.<lane>.<item>-out}, the same property the pump publishes with
 * (locally {@code jms:topic:data-pump-payment-created}, on Azure {@code azure-servicebus:data-pump-payment-created}
 * with the same credentials set-up as the pump);</li>
 * <li>the body: JSON matching {@code src/main/resources/schemas/<item>.schema.json};</li>
 * <li>the application properties (JMS properties / Service Bus application properties) used for routing and
 * subscription filters: {@code DataPumpBillerId}, {@code DataPumpItemType}, {@code DataPumpLane}.</li>
 * </ul>
 * Publish only after the source row (the payment, the registration) is committed: the pump reads it to enrich the
 * CIS request. Publishing the same {@code sourceItemId} again is safe (at most one CIS delivery), so retry freely
 * when a send fails or its outcome is unknown.
 */
@Component
public class DirectItemPublisher {

    /** Item type keys (topics, endpoint properties, schemas) and the codes in the message. */
    public static final Map<String, String> ITEM_TYPES = Map.of(
            "payment", "Payment",
            "paperless-registration", "PaperlessRegistration");

    private final ProducerTemplate producer;
    private final Environment environment;
    private final ObjectMapper json;

    public DirectItemPublisher(ProducerTemplate producer, Environment environment, ObjectMapper json) {
        this.producer = producer;
        this.environment = environment;
        this.json = json;
    }

    /**
     * One item a source publishes.
     *
     * @param sourceItemId the source's unique id of this work item within the biller: the deduplication key
     * @param billerId     the biller as the pump's registry knows it
     * @param lane         {@code production} or {@code demo}: the biller's lane
     * @param item         {@code payment} or {@code paperless-registration}
     * @param sourceId     the id of the committed source row (PaymentId, PaperlessRegistrationId)
     */
    public record DirectItem(String sourceItemId, String billerId, String lane, String item, long sourceId) {
    }

    /** Publishes the item; returns the JSON body that was sent. */
    public String publish(DirectItem item) {
        String body = body(item);
        producer.sendBodyAndHeaders(endpoint(item), body, headers(item));
        return body;
    }

    /** The message body, as the schema describes it. */
    public String body(DirectItem item) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("sourceItemId", item.sourceItemId());
        message.put("billerId", item.billerId());
        message.put("lane", item.lane());
        message.put("itemType", itemType(item));
        message.put("sourceId", item.sourceId());
        message.put("correlationId", item.sourceItemId());
        message.put("enqueuedAt", Instant.now().toString());
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The application properties the pump and subscription rules route on. */
    public Map<String, Object> headers(DirectItem item) {
        return Map.of(
                "DataPumpBillerId", item.billerId(),
                "DataPumpItemType", itemType(item),
                "DataPumpLane", item.lane());
    }

    /** The item topic of the item's lane and type: the same endpoint configuration the pump uses. */
    public String endpoint(DirectItem item) {
        itemType(item);
        return environment.getRequiredProperty("datapump.endpoints." + item.lane() + "." + item.item() + "-out");
    }

    private static String itemType(DirectItem item) {
        String code = ITEM_TYPES.get(item.item());
        if (code == null) {
            throw new IllegalArgumentException("unknown item '" + item.item() + "'; known: " + ITEM_TYPES.keySet());
        }
        return code;
    }
}
