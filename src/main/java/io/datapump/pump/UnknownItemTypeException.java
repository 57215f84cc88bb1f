package io.datapump.pump;

/** A message names an item type the pump has no topic, route or enrichment for. */
public class UnknownItemTypeException extends RuntimeException {
    public UnknownItemTypeException(String itemType) {
        super("unknown item type '" + itemType + "'");
    }
}
