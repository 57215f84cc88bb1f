package io.datapump.itemconsumer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.message.ItemMessage;
import io.datapump.message.ItemType;
import io.datapump.registry.Biller;
import io.datapump.shard.ShardDataSources;
import io.datapump.tracing.TraceIds;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The first step of the item consumer: turns a consumed item message into its {@link ItemContext}. The JSON is
 * parsed once; a message a source published directly is checked against its schema first; then the item must
 * name a known, enabled biller and have arrived on its lane's and type's route ({@link ItemGuard}). The parsed
 * message is kept in the variable {@value #PARSED} as soon as it reads, so the error handling can mark a refused
 * item Failed; the context goes in {@value ItemContext#VARIABLE} once the item is admitted.
 */
@Component("admission")
public class Admission {

    private static final Logger LOG = LoggerFactory.getLogger("io.datapump.items");

    /** The variable holding the parsed message while (and after) it is checked. */
    public static final String PARSED = "itemMessage";

    private final ObjectMapper json;
    private final DirectItemSchemas schemas;
    private final ItemGuard guard;
    private final ShardDataSources shards;

    public Admission(ObjectMapper json, DirectItemSchemas schemas, ItemGuard guard, ShardDataSources shards) {
        this.json = json;
        this.schemas = schemas;
        this.guard = guard;
        this.shards = shards;
    }

    /**
     * @param routeLane    the lane of the route that consumed the message
     * @param routeItemKey the item type key of that route, e.g. {@code payment}
     */
    public void admit(Exchange exchange, String routeLane, String routeItemKey) throws IOException {
        // the trace this delivery belongs to, kept before the route removes the headers (each attempt records it)
        TraceIds.keep(exchange);
        Object body = exchange.getMessage().getBody();
        String text = body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : body == null ? "" : body.toString();
        ItemType routeType = ItemType.fromKey(routeItemKey)
                .orElseThrow(() -> new IllegalArgumentException("no item type with key " + routeItemKey));
        JsonNode tree = json.readTree(text);
        if (DirectItemSchemas.isDirect(tree)) {
            schemas.check(tree, routeType);
        }
        ItemMessage message = json.treeToValue(tree, ItemMessage.class);
        exchange.setVariable(PARSED, message);
        Biller biller = guard.check(message, routeLane, routeType.code());
        new ItemContext(message, biller, shards.forBiller(biller), routeType).store(exchange);
        LOG.debug("Item {} received on {} (retry {}, correlation {})", message.key(), routeLane, message.retry(),
                message.correlationId());
    }
}
