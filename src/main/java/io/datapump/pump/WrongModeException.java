package io.datapump.pump;

/** A source published an item directly for a biller whose registry mode is not {@code direct} (permanent). */
public class WrongModeException extends RuntimeException {
    public WrongModeException(String message) {
        super(message);
    }
}
