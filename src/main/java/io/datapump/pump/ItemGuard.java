package io.datapump.pump;

import org.springframework.stereotype.Component;

/**
 * Checks that an item message arrived where it belongs: the lane and item type of the route that consumed it.
 * Demo work never runs on production consumers and a payment never on a paperless route.
 */
@Component
public class ItemGuard {

    public void check(ItemMessage item, String routeLane, String routeItemType) {
        if (item.billerId() == null || item.billerId().isBlank()) {
            throw new InvalidItemMessageException("item message without billerId");
        }
        if (!routeLane.equals(item.lane())) {
            throw new InvalidItemMessageException("item " + item.key() + " of lane '" + item.lane()
                    + "' arrived on the " + routeLane + " lane");
        }
        if (!routeItemType.equals(item.itemType())) {
            throw new InvalidItemMessageException("item " + item.key() + " of type '" + item.itemType()
                    + "' arrived on the " + routeItemType + " topic");
        }
    }
}
