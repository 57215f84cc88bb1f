package io.datapump.itemconsumer;

import java.util.Optional;

import io.datapump.message.ItemMessage;
import io.datapump.message.ItemType;
import io.datapump.registry.Biller;
import io.datapump.shard.Shard;

import org.apache.camel.Exchange;

/**
 * One consumed item as the item consumer's steps need it, made once by {@link Admission} and kept in the exchange
 * variable {@value #VARIABLE}: the message, its biller, the biller's shard and the item type. The beans downstream
 * take it instead of looking the biller up again. The few values the route itself reads are kept beside it as plain
 * variables ({@code ${variable.itemKey}}, not {@code ${variable.item.key}}): Camel's simple language builds a new
 * bean expression, with reflection over the class, at every evaluation of a method call on a variable, and a plain
 * variable is a map lookup.
 */
public record ItemContext(ItemMessage message, Biller biller, Shard shard, ItemType type) {

    /** The exchange variable the route keeps the item in. */
    public static final String VARIABLE = "item";
    /** {@link #key()}: the processing claim's key. */
    public static final String KEY = "itemKey";
    /** The CIS request's Idempotency-Key. */
    public static final String IDEMPOTENCY_KEY = "idempotencyKey";
    /** The CIS request's X-Correlation-Id. */
    public static final String CORRELATION_ID = "correlationId";
    /** {@link #direct()}: the route's direct branch. */
    public static final String DIRECT = "directItem";

    /** The idempotent-consumer key, {@code <biller>:<record>}. */
    public String key() {
        return message.key();
    }

    /** Published by a source and not yet given a record id by the pump: the route's direct branch. */
    public boolean direct() {
        return message.directFromSource();
    }

    /** The same item with another message (the admitted direct item, with its record id). */
    public ItemContext with(ItemMessage admitted) {
        return new ItemContext(admitted, biller, shard, type);
    }

    /** Keeps the item in the exchange: the record, and the values the route reads (see the class comment). */
    public void store(Exchange exchange) {
        exchange.setVariable(VARIABLE, this);
        exchange.setVariable(KEY, key());
        exchange.setVariable(IDEMPOTENCY_KEY, message.idempotencyKey());
        exchange.setVariable(CORRELATION_ID, message.correlationId());
        exchange.setVariable(DIRECT, direct());
    }

    /** The item an exchange carries, if admission got that far. */
    public static Optional<ItemContext> of(Exchange exchange) {
        return Optional.ofNullable(exchange.getVariable(VARIABLE, ItemContext.class));
    }
}
