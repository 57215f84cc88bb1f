package io.datapump.pump;

/** An item message that is malformed or was published to the wrong topic. */
public class InvalidItemMessageException extends RuntimeException {
    public InvalidItemMessageException(String message) {
        super(message);
    }
}
