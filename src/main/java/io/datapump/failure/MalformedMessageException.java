package io.datapump.failure;

/** A consumed message that cannot be read as what its topic carries, is incomplete, or was published to the wrong topic. */
public class MalformedMessageException extends PermanentFailure {
    public MalformedMessageException(String message) {
        super("MalformedMessage", message);
    }
}
