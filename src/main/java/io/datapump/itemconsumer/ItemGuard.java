package io.datapump.itemconsumer;

import io.datapump.failure.BillerDisabledException;
import io.datapump.failure.MalformedMessageException;
import io.datapump.failure.UnknownBillerException;
import io.datapump.failure.WrongModeException;
import io.datapump.message.ItemMessage;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerMode;
import io.datapump.registry.BillerRegistry;

import org.springframework.stereotype.Component;

/**
 * Checks that an item message may be delivered here: it names a known biller with the data pump enabled, and it
 * arrived on the lane and item-type route it belongs to. Demo work never runs on production consumers. A paused
 * biller's items are still delivered (pausing stops new claims, not work in flight).
 * <p>
 * An item a source published directly (no record id yet) must also name a biller in {@code direct} mode. Items that
 * carry a record id already have a control row and are delivered whatever the biller's mode is now: adapter items
 * claimed before a switch to direct keep flowing (docs/direct-publishing.md, "Switching a biller").
 */
@Component
public class ItemGuard {

    private final BillerRegistry registry;

    public ItemGuard(BillerRegistry registry) {
        this.registry = registry;
    }

    /** Returns the item's biller when the item may be delivered here. */
    public Biller check(ItemMessage item, String routeLane, String routeItemType) {
        if (item.billerId() == null || item.billerId().isBlank()) {
            throw new MalformedMessageException("item message without billerId");
        }
        if (item.directFromSource()) {
            return checkDirect(item, routeLane, routeItemType);
        }
        if (item.recordId() <= 0 || item.sourceId() <= 0 || item.itemType() == null || item.lane() == null) {
            throw new MalformedMessageException("item message for biller " + item.billerId()
                    + " lacks recordId, sourceId, itemType or lane (a source publishing directly sets sourceItemId"
                    + " instead of recordId: see src/main/resources/schemas/)");
        }
        checkRoute(item, routeLane, routeItemType);
        Biller biller = registry.require(item.billerId());
        if (!biller.enabled()) {
            throw new BillerDisabledException(biller.id());
        }
        checkBillerLane(item, biller, routeLane);
        return biller;
    }

    private Biller checkDirect(ItemMessage item, String routeLane, String routeItemType) {
        if (item.sourceId() <= 0 || item.itemType() == null || item.lane() == null) {
            throw new MalformedMessageException("directly published item " + item.sourceItemId() + " of biller "
                    + item.billerId() + " lacks sourceId, itemType or lane");
        }
        checkRoute(item, routeLane, routeItemType);
        Biller biller = registry.find(item.billerId()).orElse(null);
        if (biller == null || !biller.enabled() || !biller.direct()) {
            // the answer must not come from a stale snapshot: a biller may have been switched moments ago
            biller = registry.findFresh(item.billerId())
                    .orElseThrow(() -> new UnknownBillerException(item.billerId()));
        }
        if (!biller.enabled()) {
            throw new BillerDisabledException(biller.id());
        }
        if (biller.mode() != BillerMode.DIRECT) {
            throw new WrongModeException("directly published item " + item.sourceItemId() + " names biller '"
                    + biller.id() + "', which is in " + biller.mode().id() + " mode; only billers in direct mode "
                    + "accept items from their sources (switch the biller first: docs/direct-publishing.md)");
        }
        checkBillerLane(item, biller, routeLane);
        return biller;
    }

    private static void checkRoute(ItemMessage item, String routeLane, String routeItemType) {
        if (!routeLane.equals(item.lane())) {
            throw new MalformedMessageException("item " + item.key() + " of lane '" + item.lane()
                    + "' arrived on the " + routeLane + " lane");
        }
        if (!routeItemType.equals(item.itemType())) {
            throw new MalformedMessageException("item " + item.key() + " of type '" + item.itemType()
                    + "' arrived on the " + routeItemType + " topic");
        }
    }

    private static void checkBillerLane(ItemMessage item, Biller biller, String routeLane) {
        if (!biller.lane().id().equals(routeLane)) {
            throw new MalformedMessageException("item " + item.key() + " belongs to a " + biller.lane().id()
                    + " biller but arrived on the " + routeLane + " lane");
        }
    }
}
