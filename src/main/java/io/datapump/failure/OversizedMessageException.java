package io.datapump.failure;

/** A consumed message larger than the pump accepts. */
public class OversizedMessageException extends PermanentFailure {
    public OversizedMessageException(long size, int limit) {
        super("OversizedMessage", "message of " + size + " bytes is larger than datapump.max-message-bytes (" + limit + ")");
    }
}
