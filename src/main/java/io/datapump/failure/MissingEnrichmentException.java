package io.datapump.failure;

/** The source row a work item refers to is not in the shard: the item can never be delivered as it stands. */
public class MissingEnrichmentException extends PermanentFailure {
    /** @param item what the work item is, e.g. "Payment 17 referenced by work item 42 of biller acme" */
    public MissingEnrichmentException(String item) {
        super("MissingEnrichment", item + " was not found in the shard");
    }
}
