package io.datapump.failure;

import java.util.List;

/** The source rows of an item lack data the CIS request requires: the item cannot be delivered as it stands. */
public class InvalidSourceDataException extends PermanentFailure {
    /** @param item what the work item is, e.g. "Payment 17 of work item 42 (biller acme)" */
    public InvalidSourceDataException(String item, List<String> missing) {
        super("InvalidSourceData", item + " has no value for " + String.join(", ", missing));
    }
}
