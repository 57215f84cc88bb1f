package io.datapump.pump;

/** A consumed message larger than the pump accepts. */
public class OversizedMessageException extends RuntimeException {
    public OversizedMessageException(long size, int limit) {
        super("message of " + size + " bytes is larger than datapump.max-message-bytes (" + limit + ")");
    }
}
