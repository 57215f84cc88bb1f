package io.datapump.itemconsumer;

import java.util.Optional;

import io.datapump.message.ItemMessage;
import io.datapump.message.ItemType;
import io.datapump.registry.Biller;
import io.datapump.shard.Shard;

import org.apache.camel.Exchange;

/**
 * One consumed item as the item consumer's steps need it, made once by {@link Admission} and kept in the exchange
 * variable {@value #VARIABLE} ({@code ${variable.item}} in the route): the message, its biller, the biller's shard and
 * the item type. The beans downstream take it instead of looking the biller up again.
 */
public record ItemContext(ItemMessage message, Biller biller, Shard shard, ItemType type) {

    /** The exchange variable the route keeps the item in. */
    public static final String VARIABLE = "item";

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

    /** The item an exchange carries, if admission got that far. */
    public static Optional<ItemContext> of(Exchange exchange) {
        return Optional.ofNullable(exchange.getVariable(VARIABLE, ItemContext.class));
    }
}
