package io.datapump.pump;

/** The source row a work item refers to is not in the shard: the item can never be delivered as it stands. */
public class MissingEnrichmentException extends RuntimeException {
    public MissingEnrichmentException(ItemMessage item) {
        super(item.itemType() + " " + item.sourceId() + " referenced by work item " + item.recordId()
                + " of biller " + item.billerId() + " was not found in the shard");
    }
}
