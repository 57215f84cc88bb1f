package io.datapump.pump;

import io.datapump.failure.BillerDisabledException;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;

import org.springframework.stereotype.Component;

/**
 * Checks that an item message may be delivered here: it names a known biller with the data pump enabled, and it
 * arrived on the lane and item-type route it belongs to. Demo work never runs on production consumers. A paused
 * biller's items are still delivered (pausing stops new claims, not work in flight).
 */
@Component
public class ItemGuard {

    private final BillerRegistry registry;

    public ItemGuard(BillerRegistry registry) {
        this.registry = registry;
    }

    public void check(ItemMessage item, String routeLane, String routeItemType) {
        if (item.billerId() == null || item.billerId().isBlank()) {
            throw new InvalidItemMessageException("item message without billerId");
        }
        if (item.recordId() <= 0 || item.sourceId() <= 0 || item.itemType() == null || item.lane() == null) {
            throw new InvalidItemMessageException("item message for biller " + item.billerId()
                    + " lacks recordId, sourceId, itemType or lane");
        }
        if (!routeLane.equals(item.lane())) {
            throw new InvalidItemMessageException("item " + item.key() + " of lane '" + item.lane()
                    + "' arrived on the " + routeLane + " lane");
        }
        if (!routeItemType.equals(item.itemType())) {
            throw new InvalidItemMessageException("item " + item.key() + " of type '" + item.itemType()
                    + "' arrived on the " + routeItemType + " topic");
        }
        Biller biller = registry.require(item.billerId());
        if (!biller.enabled()) {
            throw new BillerDisabledException(biller.id());
        }
        if (!biller.lane().id().equals(routeLane)) {
            throw new InvalidItemMessageException("item " + item.key() + " belongs to a " + biller.lane().id()
                    + " biller but arrived on the " + routeLane + " lane");
        }
    }
}
