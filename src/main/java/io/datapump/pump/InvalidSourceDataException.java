package io.datapump.pump;

import java.util.List;

/** The source rows of an item lack data the CIS request requires: the item cannot be delivered as it stands. */
public class InvalidSourceDataException extends RuntimeException {
    public InvalidSourceDataException(ItemMessage item, List<String> missing) {
        super(item.itemType() + " " + item.sourceId() + " of work item " + item.recordId() + " (biller "
                + item.billerId() + ") has no value for " + String.join(", ", missing));
    }
}
