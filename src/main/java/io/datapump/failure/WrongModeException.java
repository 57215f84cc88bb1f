package io.datapump.failure;

/** A source published an item directly for a biller whose registry mode is not {@code direct}. */
public class WrongModeException extends PermanentFailure {
    public WrongModeException(String message) {
        super("WrongMode", message);
    }
}
