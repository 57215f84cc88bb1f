package io.datapump.failure;

/** A message names an item type the pump has no topic, route or enrichment for. */
public class UnknownItemTypeException extends PermanentFailure {
    public UnknownItemTypeException(String itemType) {
        super("UnknownItemType", "unknown item type '" + itemType + "'");
    }
}
